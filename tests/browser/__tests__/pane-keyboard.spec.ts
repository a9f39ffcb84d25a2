// The pane by keyboard alone, at Outlook's narrowest pane width: sign in, read the sender's
// context, file the mail, log a call — every control reached with Tab and the arrow keys, every
// focus visible.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { actAndAwaitClose, describeInBrowser, screenshot } from '../support/browser.ts';
import { focused, tabTo } from '../support/keyboard.ts';
import { type PaneHarness, startPaneHarness } from '../support/pane.ts';

const JANA = 'jana.keller@keller-maschinenbau.example';

describeInBrowser('Outlook task pane by keyboard', () => {
  let harness: PaneHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let janaId: string;

  beforeAll(async () => {
    harness = await startPaneHarness();
    tenant = await harness.t.createTenant('Pane Tastatur GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Kai Tastatur', appRoles: ['CRM.SalesRep'] },
    ]);
    user = { displayName: 'Kai Tastatur', upn: tenant.upn('Kai Tastatur') };
    rep = await tenant.as(user.upn);
    const organization = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    janaId = (await rep.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
    await rep.post('/api/v1/business-contacts').send({ personId: janaId, organizationId: organization, email: JANA });
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('signs in, files the mail and logs a call without a mouse, with the focus always visible', async () => {
    const { page, problems } = await harness.open({
      displayLanguage: 'de-DE',
      mail: {
        internetMessageId: '<tastatur-1@keller-maschinenbau.example>',
        from: { emailAddress: JANA, displayName: 'Jana Keller' },
        cc: [],
      },
    });
    await page.getByText('Beim CRM anmelden').waitFor();
    expect((await tabTo(page, /^Anmelden$/)).visible).toBe(true);
    const popupOpened = page.waitForEvent('popup');
    await page.keyboard.press('Enter');
    const popup = await popupOpened;
    await popup.getByText('Pick an account').waitFor();
    // The picker lists every tenant of the shared emulator, the newest (this test's) last: from the end
    // backwards is short however many tenants the other test files have made.
    await tabTo(popup, new RegExp(`^Sign in as ${user.displayName}`), { max: 2000, backwards: true });
    await actAndAwaitClose(popup, () => popup.keyboard.press('Enter'));
    await page.getByRole('region', { name: 'Jana Keller' }).waitFor();

    // The tabs: Tab into the list, arrows along it, Enter to choose.
    const tab = await tabTo(page, /^Kontext$/, { role: 'tab' });
    expect(tab.visible).toBe(true);
    await page.keyboard.press('ArrowRight');
    expect((await focused(page)).name).toBe('Ablegen');
    await page.keyboard.press('Enter');
    await page.getByRole('checkbox', { name: 'Jana Keller' }).waitFor();
    expect((await tabTo(page, /^Jana Keller$/)).role).toBe('input');
    const fileButton = await tabTo(page, /^Ablegen$/);
    expect(fileButton.visible).toBe(true);
    await screenshot(page, 'keyboard-01-file-focus');
    await page.keyboard.press('Enter');
    await page.getByText('Abgelegt bei 2 Datensätzen, mit 3 Anhängen.').waitFor();

    // The button keeps the focus while it works; back up to the tab list.
    expect((await focused(page)).name).toBe('Ablegen');
    await tabTo(page, /^Ablegen$/, { backwards: true, max: 40, role: 'tab' });
    await page.keyboard.press('ArrowRight');
    expect((await focused(page)).name).toBe('Anruf');
    await page.keyboard.press('Enter');
    await tabTo(page, /^Dauer in Minuten$/);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('7');
    await tabTo(page, /^Notiz$/);
    await page.keyboard.type('Per Tastatur protokolliert.');
    const followUp = await tabTo(page, /^Wiedervorlage als Aufgabe anlegen$/);
    expect(followUp.visible).toBe(true);
    await page.keyboard.press('Space');
    await tabTo(page, /^Aufgabe\b/); // "Aufgabe *": the label marks it as required
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Angebot nachfassen');
    const save = await tabTo(page, /^Anruf speichern$/);
    expect(save.visible).toBe(true);
    await screenshot(page, 'keyboard-02-call-focus');
    await page.keyboard.press('Enter');
    await page.getByText('Der Anruf und die Aufgabe wurden gespeichert.').waitFor();

    const calls = await rep.get('/api/v1/activities').query({ record: `person:${janaId}` });
    expect(calls.body.items[0]).toMatchObject({ durationMinutes: 7 });
    const filed = await rep
      .get('/api/v1/mails')
      .query({ internetMessageId: '<tastatur-1@keller-maschinenbau.example>' });
    expect(filed.body.items).toHaveLength(1);
    expect(problems).toEqual([]);
  }, 180_000);
});
