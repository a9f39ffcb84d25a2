// A record's documents on its 360° page in chromium against the real backend: a file dropped on the
// section and one chosen through the picker button by keyboard are uploaded, a new version of one is
// uploaded under its name, its versions are listed, and the download gives back the very bytes.
// A file attached to a meeting in Outlook says so. German at 360 px and English at 1280 px, with
// screenshots; axe-core finds nothing serious.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  connectMailbox,
  syncCalendar,
} from '../../../backend/src/modules/graph-sync/calendar/__tests__/calendar-world.ts';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

describeInBrowser("the web app: a record's documents", () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: { displayName: string; upn: string };
  let personId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Dokumente GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    rep = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    const api = await tenant.as(rep.upn);
    personId = (await api.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('in German on a phone: drop a file, choose one by keyboard, upload a new version, download it', async () => {
    const context = await signedInContext(harness, rep, { locale: 'de-DE', width: 360, button: /^Anmelden$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/records/person/${personId}`);
    try {
      const section = page.getByRole('region', { name: 'Dokumente' });
      await section.getByText('Noch keine Dokumente.').waitFor();
      // Dropped on the section.
      const dropped = await page.evaluateHandle(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(['Angebot, erste Fassung\n'], 'angebot.txt', { type: 'text/plain' }));
        return transfer;
      });
      await section.getByTestId('document-drop-zone').dispatchEvent('drop', { dataTransfer: dropped });
      await section.getByRole('status').filter({ hasText: '„angebot.txt“ ist hochgeladen (Version 1).' }).waitFor();
      // Chosen through the picker, by keyboard (the browser's own dialog is not driven here: the
      // picker's input gets the file as the dialog would give it).
      await section.getByRole('button', { name: 'Datei auswählen' }).focus();
      await page.keyboard.press('Enter');
      await section
        .locator('input[type=file]')
        .nth(0)
        .setInputFiles({
          name: 'notizen.txt',
          mimeType: 'text/plain',
          buffer: Buffer.from('Notizen vom Termin\n'),
        });
      await section.getByRole('status').filter({ hasText: '„notizen.txt“ ist hochgeladen (Version 1).' }).waitFor();
      // A new version of the offer, whatever the chosen file is called.
      const second = Buffer.from('Angebot, zweite Fassung mit Rabatt\n');
      await section.getByRole('button', { name: 'Neue Version von „angebot.txt“ hochladen' }).click();
      await section
        .locator('input[type=file]')
        .nth(1)
        .setInputFiles({ name: 'angebot-neu.txt', mimeType: 'text/plain', buffer: second });
      await section.getByRole('status').filter({ hasText: '„angebot.txt“ ist hochgeladen (Version 2).' }).waitFor();
      const offer = section.getByRole('listitem').filter({ hasText: 'angebot.txt' }).first();
      await offer.getByText('Version 2 ·', { exact: false }).first().waitFor();
      await section.getByRole('button', { name: 'Versionen von „angebot.txt“' }).click();
      const versions = section.getByRole('list', { name: 'Versionen von „angebot.txt“' });
      await versions.getByRole('button', { name: 'Version 1 von „angebot.txt“ herunterladen' }).waitFor();
      await screenshot(page, 'app-documents-de-360');
      expect(await seriousA11yViolations(page)).toEqual([]);
      // The download gives the newest bytes back.
      const download = page.waitForEvent('download');
      await section.getByRole('button', { name: '„angebot.txt“ herunterladen', exact: true }).click();
      const saved = await (await download).path();
      expect(await readFile(saved)).toEqual(second);
      const older = page.waitForEvent('download');
      await versions.getByRole('button', { name: 'Version 1 von „angebot.txt“ herunterladen' }).click();
      expect((await readFile(await (await older).path())).toString()).toBe('Angebot, erste Fassung\n');
    } catch (error) {
      await screenshot(page, 'app-documents-de-failed');
      throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
    }
    await context.close();
  }, 180_000);

  it('in English at desk width: the documents with their versions', async () => {
    const context = await signedInContext(harness, rep, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/records/person/${personId}`);
    try {
      const section = page.getByRole('region', { name: 'Documents' });
      await section.getByRole('button', { name: 'Download “notizen.txt”' }).waitFor();
      await section.getByRole('button', { name: 'Versions of “angebot.txt”' }).click();
      await section
        .getByRole('list', { name: 'Versions of “angebot.txt”' })
        .getByRole('button', { name: 'Download version 2 of “angebot.txt”' })
        .waitFor();
      await screenshot(page, 'app-documents-en-1280');
      expect(await seriousA11yViolations(page)).toEqual([]);
    } catch (error) {
      await screenshot(page, 'app-documents-en-failed');
      throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
    }
    await context.close();
  }, 180_000);
  it('in English: a file attached to a meeting in Outlook is among the contact’s documents and says where it came from', async () => {
    const api = await tenant.as(rep.upn);
    const karl = (
      await api.post('/api/v1/persons').send({
        firstName: 'Karl',
        lastName: 'Kunde',
        emails: [{ address: 'karl.kunde@kunde.example', kind: 'work' }],
      })
    ).body.id as string;
    const objectId = tenant.seed.users.find((user) => user.userPrincipalName === rep.upn)?.id as string;
    const mailbox = await connectMailbox(harness.t, tenant.id, await tenant.userId(rep.upn), rep.upn, objectId);
    const day = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const { immutableId } = await harness.t.emulator.graph.createEvent({
      user: rep.upn,
      fields: {
        subject: 'Vertragsbesprechung',
        start: { dateTime: `${day}T10:00:00`, timeZone: 'Europe/Berlin' },
        end: { dateTime: `${day}T11:00:00`, timeZone: 'Europe/Berlin' },
        attendees: [{ emailAddress: { address: 'karl.kunde@kunde.example' } }],
      },
    });
    await mailbox.graph.post(`${mailbox.graph.base}/events/${encodeURIComponent(immutableId)}/attachments`, {
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'agenda.txt',
      contentType: 'text/plain',
      contentBytes: Buffer.from('1. Preise\n').toString('base64'),
    });
    expect((await syncCalendar(harness.t, mailbox)).outcome).toBe('synced');

    const context = await signedInContext(harness, rep, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/records/person/${karl}`);
    try {
      const section = page.getByRole('region', { name: 'Documents' });
      const agenda = section.getByRole('listitem').filter({ hasText: 'agenda.txt' });
      await agenda.getByText('Attached to a meeting in Outlook').waitFor();
      await screenshot(page, 'app-documents-meeting-en-1280');
      expect(await seriousA11yViolations(page)).toEqual([]);
    } catch (error) {
      await screenshot(page, 'app-documents-meeting-en-failed');
      throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
    }
    await context.close();
  }, 180_000);
});
