// The Outlook add-in's app manifest: rendered from PUBLIC_URL, valid for office-addin-manifest
// (offline), and packaged with its localizations and icons.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { iconPng } from '../../../manifests/icons.ts';
import {
  type Deployment,
  deploymentFromEnv,
  outlookPackageFiles,
  renderOutlookManifest,
  validateManifestFile,
  writeOutlookPackage,
} from '../../../manifests/outlook.ts';
import { unzip } from '../../../manifests/zip.ts';
import { repoRoot } from '../../support/processes.ts';

const deployment: Deployment = {
  publicUrl: 'https://crm.contoso.example',
  clientId: 'ce845856-9ad9-492b-b63b-33f4f6ce7418',
  appIdUri: 'api://crm.contoso.example/ce845856-9ad9-492b-b63b-33f4f6ce7418',
};

describe('the Outlook add-in manifest', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crm-manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes every URL from PUBLIC_URL and declares the add-in for reading and writing mail', () => {
    const manifest = JSON.parse(renderOutlookManifest(deployment));
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
    ]);
    expect(manifest.authorization.permissions.resourceSpecific[0].name).toBe('MailboxItem.ReadWrite.User');
  });

  it('validates with office-addin-manifest, and a broken one does not', async () => {
    const good = path.join(dir, 'manifest.json');
    writeFileSync(good, renderOutlookManifest(deployment));
    const valid = await validateManifestFile(good);
    expect(valid).toEqual({ valid: true, output: expect.any(String) });

    const broken = JSON.parse(renderOutlookManifest(deployment));
    broken.extensions[0].ribbons[0].contexts = ['mailReading'];
    const bad = path.join(dir, 'broken.json');
    writeFileSync(bad, JSON.stringify(broken));
    const invalid = await validateManifestFile(bad);
    expect(invalid.valid).toBe(false);
    expect(invalid.output).toMatch(/contexts/);
  }, 60_000);

  it('packages the manifest, both languages and the icons into one zip', async () => {
    const { zipFile } = await writeOutlookPackage(deployment, dir);
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
    const manifest = renderOutlookManifest(deployment);
    for (const [, size] of manifest.matchAll(/\/addin\/icon-(\d+)\.png/g)) {
      const served = readFileSync(path.join(repoRoot, 'addin-outlook', 'public', `icon-${size}.png`));
      expect(served.equals(iconPng(Number(size)))).toBe(true);
    }
    const keys = [...new Set([...manifest.matchAll(/\[\[\w+\]\]/g)].map((match) => match[0]))];
    for (const file of outlookPackageFiles(deployment).filter((entry) =>
      /^[a-z]{2}-[a-z]{2}\.json$/.test(entry.name),
    )) {
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
    ).toEqual(deployment);
  });
});
