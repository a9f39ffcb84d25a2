// "Mail schreiben" on a person's 360° page in chromium against the real backend and the emulator:
// a rep picks the company's template (filled from the person, the reference in the subject), adds a
// colleague in cc and sends, by keyboard, in German; the mail is filed on the person at once.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

const PETRA = 'petra.lange@lange-logistik.example';

describeInBrowser('the web app: writing a mail from a record page', () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let petraId: string;

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Mailversand GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'], preferredLanguage: 'de-DE' },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    const admin = await tenant.as(tenant.upn('Anna Admin'));
    const template = await admin.post('/api/v1/mail-templates').send({
      name: 'Erstkontakt',
      subject: 'Kennenlernen, {{person.lastName}}',
      bodyHtml: '<p>Guten Tag {{person.firstName}} {{person.lastName}},</p><p>Grüße, {{me.displayName}}</p>',
      scope: 'company',
    });
    expect(template.status).toBe(201);
    petraId = (
      await rep.post('/api/v1/persons').send({ firstName: 'Petra', lastName: 'Lange', emails: [{ address: PETRA }] })
    ).body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('sends a mail from a template with a colleague in cc, by keyboard, in German, and files it', async () => {
    const context = await signedInContext(harness, user, { locale: 'de-DE', width: 1024, button: /^Anmelden$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/records/person/${petraId}`);
    let subject = '';
    try {
      await page.getByRole('heading', { level: 1, name: 'Petra Lange' }).waitFor();
      await page.getByRole('button', { name: 'Mail schreiben' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('dialog', { name: 'Mail schreiben' }).waitFor();
      expect(await page.getByRole('textbox', { name: 'An', exact: true }).inputValue()).toBe(PETRA);
      await page.getByRole('textbox', { name: 'Cc', exact: true }).fill(tenant.upn('Anna Admin'));
      await page.getByRole('combobox', { name: 'Vorlage' }).selectOption({ label: 'Erstkontakt' });
      const subjectBox = page.getByRole('textbox', { name: 'Betreff' });
      await page.waitForFunction(
        (element) => (element as HTMLInputElement).value.includes('[CRM-P-'),
        await subjectBox.elementHandle(),
      );
      subject = await subjectBox.inputValue();
      expect(subject).toMatch(/^Kennenlernen, Lange \[CRM-P-\d+\]$/);
      expect(await page.getByRole('textbox', { name: 'Text', exact: true }).inputValue()).toContain(
        'Guten Tag Petra Lange,',
      );
      await screenshot(page, 'app-mail-dialog-de');
      await page.getByRole('button', { name: 'Senden' }).focus();
      await page.keyboard.press('Enter');
      await page
        .getByRole('status')
        .filter({ hasText: `Gesendet und abgelegt: ${subject}` })
        .waitFor();
    } catch (error) {
      await screenshot(page, 'app-mail-send-de-failed');
      throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    const mails = await rep.get(`/api/v1/records/person/${petraId}/mails`);
    expect(mails.body.items.map((mail: { subject: string }) => mail.subject)).toEqual([subject]);
    await context.close();
  }, 120_000);
});
