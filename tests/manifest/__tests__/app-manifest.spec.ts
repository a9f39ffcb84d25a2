// The app package: one unified manifest with the Outlook add-in, the Teams tab and the bot, rendered
// from PUBLIC_URL, valid for office-addin-manifest (offline), packaged with localizations and icons.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { SHARE_COMMAND_ID } from '../../../backend/src/modules/bot/bot.turn.ts';
import {
  appPackageFiles,
  type Deployment,
  deploymentFromEnv,
  renderAppManifest,
  validateManifestFile,
  writeAppPackage,
} from '../../../manifests/app-package.ts';
import { iconPng } from '../../../manifests/icons.ts';
import { unzip } from '../../../manifests/zip.ts';
import { CRM_TEAMS_APP_ID } from '../../../teams-app/src/cards/adaptive-card.ts';
import { parseCommand } from '../../../teams-app/src/commands.ts';
import { repoRoot } from '../../support/processes.ts';

const deployment: Deployment = {
  publicUrl: 'https://crm.contoso.example',
  clientId: 'ce845856-9ad9-492b-b63b-33f4f6ce7418',
  appIdUri: 'api://crm.contoso.example/ce845856-9ad9-492b-b63b-33f4f6ce7418',
  botAppId: '3f1c7a52-8d0e-4b6a-9c3d-5e2f1a0b7c94',
};
const { botAppId: _bot, ...withoutBot } = deployment;

describe('the app package for Outlook and Teams', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crm-manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes every URL from PUBLIC_URL and declares the add-in for reading and writing mail', () => {
    const manifest = JSON.parse(renderAppManifest(deployment));
    const urls = JSON.stringify(manifest).match(/https?:\/\/[^"]+/g) ?? [];
    const ours = urls.filter((url) => !url.startsWith('https://developer.microsoft.com/json-schemas/'));
    expect(ours.length).toBeGreaterThan(10);
    for (const url of ours) expect(url.startsWith('https://crm.contoso.example/')).toBe(true);
    expect(manifest.validDomains).toEqual(['crm.contoso.example']);
    expect(manifest.webApplicationInfo).toEqual({ id: deployment.clientId, resource: deployment.appIdUri });
    const extension = manifest.extensions[0];
    expect(extension.runtimes[0].code.page).toBe('https://crm.contoso.example/addin/index.html');
    expect(extension.ribbons.flatMap((ribbon: { contexts: string[] }) => ribbon.contexts)).toEqual([
      'mailRead',
      'mailCompose',
      'mailRead',
    ]);
    expect(manifest.authorization.permissions.resourceSpecific[0].name).toBe('MailboxItem.ReadWrite.User');
  });

  it('has the web app as the personal tab the bot links into, and the bot with its commands in both languages', () => {
    const manifest = JSON.parse(renderAppManifest(deployment));
    // The bot's cards open pages of the tab by this id and entity.
    expect(manifest.id).toBe(CRM_TEAMS_APP_ID);
    expect(manifest.staticTabs).toEqual([
      expect.objectContaining({
        entityId: 'crm',
        contentUrl: 'https://crm.contoso.example/app/?host=teams',
        scopes: ['personal'],
      }),
    ]);
    const [bot] = manifest.bots;
    expect(bot.botId).toBe(deployment.botAppId);
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    const files = new Map(
      appPackageFiles(deployment)
        .filter((file) => file.name.endsWith('.json'))
        .map((file) => [file.name, JSON.parse(String(file.content))]),
    );
    // Every command the manifest lists is one the bot understands, in English and in German.
    bot.commandLists[0].commands.forEach((command: { title: string }, index: number) => {
      for (const language of ['en-us.json', 'de-de.json']) {
        const title = files.get(language)[`bots[0].commandLists[0].commands[${index}].title`] as string;
        expect(parseCommand(title).kind).not.toBe('unknown');
      }
      expect(parseCommand(command.title).kind).not.toBe('unknown');
    });
  });

  it('carries what Microsoft needs to generate the add-in-only manifest, and the Outlook mobile read button', () => {
    const extension = JSON.parse(renderAppManifest(deployment)).extensions[0];
    // Without alternateIcons no add-in-only manifest is generated, and the add-in never reaches Outlook on
    // Mac, perpetual Office or Windows builds before 2304 (Y6).
    const { icon, highResolutionIcon } = extension.alternates[0].alternateIcons;
    const pixels = (url: string) =>
      readFileSync(path.join(repoRoot, 'addin-outlook', 'public', path.basename(new URL(url).pathname))).readUInt32BE(
        16,
      );
    expect(pixels(icon.url)).toBe(64);
    expect(pixels(highResolutionIcon.url)).toBe(128);
    const mobile = extension.ribbons.find((ribbon: { requirements: { formFactors: string[] } }) =>
      ribbon.requirements.formFactors.includes('mobile'),
    );
    expect(mobile.contexts).toEqual(['mailRead']);
    const [button] = mobile.tabs[0].customMobileRibbonGroups[0].controls;
    expect(button.actionId).toBe('OpenReadPane');
    // Nine icons: 25, 32 and 48 points at scales 1 to 3, each file as many pixels as points × scale.
    expect(button.icons).toHaveLength(9);
    for (const mobileIcon of button.icons as { size: number; scale: number; url: string }[]) {
      expect(pixels(mobileIcon.url)).toBe(mobileIcon.size * mobileIcon.scale);
    }
  });

  it('lets people share a record into any chat through the bot-based message extension', () => {
    const manifest = JSON.parse(renderAppManifest(deployment));
    const [extension] = manifest.composeExtensions;
    expect(extension.botId).toBe(deployment.botAppId);
    expect(extension.commands).toEqual([
      expect.objectContaining({
        id: SHARE_COMMAND_ID,
        type: 'query',
        parameters: [expect.objectContaining({ name: 'searchQuery' })],
      }),
    ]);
    expect(JSON.parse(renderAppManifest(withoutBot)).composeExtensions).toBeUndefined();
  });

  it('leaves the bot out when no bot is registered, and is still valid', async () => {
    const manifest = JSON.parse(renderAppManifest(withoutBot));
    expect(manifest.bots).toBeUndefined();
    expect(manifest.staticTabs).toHaveLength(1);
    const german = JSON.parse(
      String(appPackageFiles(withoutBot).find((file) => file.name === 'de-de.json')?.content),
    ) as Record<string, string>;
    expect(Object.keys(german).filter((key) => key.startsWith('bots['))).toEqual([]);
    const file = path.join(dir, 'without-bot.json');
    writeFileSync(file, renderAppManifest(withoutBot));
    expect((await validateManifestFile(file)).valid).toBe(true);
  }, 60_000);

  it('validates with office-addin-manifest, and a broken one does not', async () => {
    const good = path.join(dir, 'manifest.json');
    writeFileSync(good, renderAppManifest(deployment));
    const valid = await validateManifestFile(good);
    expect(valid).toEqual({ valid: true, output: expect.any(String) });

    const broken = JSON.parse(renderAppManifest(deployment));
    broken.extensions[0].ribbons[0].contexts = ['mailReading'];
    const bad = path.join(dir, 'broken.json');
    writeFileSync(bad, JSON.stringify(broken));
    const invalid = await validateManifestFile(bad);
    expect(invalid.valid).toBe(false);
    expect(invalid.output).toMatch(/contexts/);
  }, 60_000);

  it('packages the manifest, both languages and the icons into one zip', async () => {
    const { zipFile } = await writeAppPackage(deployment, dir);
    const entries = await unzip(readFileSync(zipFile));
    expect(entries.map((entry) => entry.name).sort()).toEqual([
      'color.png',
      'de-de.json',
      'en-us.json',
      'manifest.json',
      'outline.png',
    ]);
    const byName = new Map(entries.map((entry) => [entry.name, entry.content]));
    expect(JSON.parse(String(byName.get('de-de.json'))).localizationKeys['[[read_button_title]]']).toBe('CRM-Kontext');
    // The package's icons are the drawn ones: 192 px color, 32 px outline.
    expect(byName.get('color.png')?.equals(iconPng(192))).toBe(true);
    expect(byName.get('outline.png')?.readUInt32BE(16)).toBe(32);
    const manifest = JSON.parse(String(byName.get('manifest.json')));
    expect(manifest.icons).toEqual({ outline: 'outline.png', color: 'color.png' });
  }, 60_000);

  it('has the ribbon icons the pane serves, and every localization key the manifest uses', () => {
    const manifest = renderAppManifest(deployment);
    for (const [, size] of manifest.matchAll(/\/addin\/icon-(\d+)\.png/g)) {
      const served = readFileSync(path.join(repoRoot, 'addin-outlook', 'public', `icon-${size}.png`));
      expect(served.equals(iconPng(Number(size)))).toBe(true);
    }
    const keys = [...new Set([...manifest.matchAll(/\[\[\w+\]\]/g)].map((match) => match[0]))];
    for (const file of appPackageFiles(deployment).filter((entry) => /^[a-z]{2}-[a-z]{2}\.json$/.test(entry.name))) {
      expect(Object.keys(JSON.parse(String(file.content)).localizationKeys).sort()).toEqual(keys.sort());
    }
  });

  it('says which variable to set when PUBLIC_URL is not an https origin or the client id is missing', () => {
    expect(() =>
      deploymentFromEnv({ PUBLIC_URL: 'http://127.0.0.1:3000', ENTRA_CLIENT_ID: deployment.clientId }),
    ).toThrow(/PUBLIC_URL must be the https origin/);
    expect(() => deploymentFromEnv({ PUBLIC_URL: 'https://crm.contoso.example' })).toThrow(/ENTRA_CLIENT_ID/);
    expect(
      deploymentFromEnv({ PUBLIC_URL: 'https://crm.contoso.example/', ENTRA_CLIENT_ID: deployment.clientId }),
    ).toEqual(withoutBot);
    expect(
      deploymentFromEnv({
        PUBLIC_URL: 'https://crm.contoso.example',
        ENTRA_CLIENT_ID: deployment.clientId,
        BOT_APP_ID: deployment.botAppId,
      }),
    ).toEqual(deployment);
    expect(() =>
      deploymentFromEnv({
        PUBLIC_URL: 'https://crm.contoso.example',
        ENTRA_CLIENT_ID: deployment.clientId,
        BOT_APP_ID: 'bot',
      }),
    ).toThrow(/BOT_APP_ID must be the app id/);
  });
});
