// The task pane in read mode, in chromium on the office-js stand-in, against the real backend.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { type PaneHarness, signInThroughPopup, startPaneHarness } from '../support/pane.ts';

describeInBrowser('Outlook task pane, read mode', () => {
  let harness: PaneHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let janaId: string;
  let kellerId: string;
  const janaAddress = 'jana.keller@keller-maschinenbau.example';

  beforeAll(async () => {
    harness = await startPaneHarness();
    tenant = await harness.t.createTenant('Pane Lesen GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    kellerId = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    janaId = (await rep.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
    const contact = await rep
      .post('/api/v1/business-contacts')
      .send({ personId: janaId, organizationId: kellerId, email: janaAddress, position: 'Einkauf' });
    expect(contact.status).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('shows the sender as person with organization after signing in through the emulator', async () => {
    const { page, problems } = await harness.open({
      displayLanguage: 'de-DE',
      mail: { from: { emailAddress: 'Jana.Keller@Keller-Maschinenbau.example', displayName: 'Jana Keller' } },
    });
    await page
      .getByText('Beim CRM anmelden')
      .waitFor({ timeout: 8000 })
      .catch(async (e) => {
        await screenshot(page, 'debug');
        console.log(problems, await page.content());
        throw e;
      });
    await screenshot(page, 'read-01-signed-out');
    await signInThroughPopup(page, user, /^Anmelden$/);
    const card = page.getByRole('region', { name: 'Jana Keller' });
    await card.waitFor();
    await expect(card.getByText('Absender')).toBeTruthy();
    expect(await card.getByRole('link', { name: 'Keller Maschinenbau GmbH' }).count()).toBe(1);
    expect(await card.textContent()).toContain(janaAddress);
    await page.getByText('Petra Neumann').waitFor(); // the unknown cc
    await screenshot(page, 'read-02-sender-context');
    expect(problems).toEqual([]);
  }, 60_000);
});
