// Filing from the pane and linking drafts, in chromium on the office-js stand-in, against the real
// backend: one mail and its documents with their hashes, nothing more when filed again; a token
// that expires mid-filing; a lost sign-in that keeps what was chosen; compose mode's links and
// the record's reference in the subject, taken over when the sent mail is filed.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { BrowserContext, Route } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { type PaneHarness, type StandIn, signInThroughPopup, startPaneHarness } from '../support/pane.ts';

const JANA = 'jana.keller@keller-maschinenbau.example';
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// Two attachments whose bytes the test knows.
const OFFER = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
const PRICES = 'Artikel;Preis\nCRM-BAS;29,00\nCRM-PRO;49,00\n';

function mailWithAttachments(internetMessageId: string, extra: Record<string, unknown> = {}): StandIn {
  return {
    displayLanguage: 'de-DE',
    mail: {
      internetMessageId,
      subject: 'Angebot und Preisliste',
      from: { emailAddress: JANA, displayName: 'Jana Keller' },
      cc: [],
      attachments: [
        {
          id: 'att-1',
          name: 'Angebot.pdf',
          contentType: 'application/pdf',
          attachmentType: 'file',
          isInline: false,
          content: base64(OFFER),
        },
        {
          id: 'att-2',
          name: 'Preisliste.csv',
          contentType: 'text/csv',
          attachmentType: 'file',
          isInline: false,
          content: base64(PRICES),
        },
      ],
      ...extra,
    },
  };
}

describeInBrowser('Outlook task pane, filing and linking', () => {
  let harness: PaneHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let context: BrowserContext;
  let janaId: string;
  let kellerId: string;

  beforeAll(async () => {
    // Jobs run: the sent mail, in the user's own mailbox, is filed by reference (Y7).
    harness = await startPaneHarness({ env: { JOBS_POLL_SECONDS: '0.5' }, jobs: { work: true } });
    tenant = await harness.t.createTenant('Pane Ablage GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    kellerId = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    janaId = (await rep.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
    await rep.post('/api/v1/business-contacts').send({ personId: janaId, organizationId: kellerId, email: JANA });

    const first = await harness.open(mailWithAttachments('<sign-in@keller.example>'));
    context = first.context;
    await signInThroughPopup(first.page, user, /^Anmelden$/);
    await first.page.getByRole('region', { name: 'Jana Keller' }).waitFor();
    await first.page.close();
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('files a mail with two attachments as one mail and two documents, and filing it again adds nothing', async () => {
    const messageId = '<angebot-117@keller-maschinenbau.example>';
    const { page, problems } = await harness.open(mailWithAttachments(messageId), { context });
    await page.getByText('Diese Mail ist noch nicht im CRM abgelegt.').waitFor();
    await page.getByRole('tab', { name: 'Ablegen' }).click();
    expect(await page.getByRole('checkbox', { name: 'Jana Keller' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Keller Maschinenbau GmbH' }).isChecked()).toBe(true);
    await screenshot(page, 'mail-01-file-form');
    await page.getByRole('button', { name: 'Ablegen', exact: true }).click();
    await page.getByText('Abgelegt bei 2 Datensätzen, mit 2 Anhängen.').waitFor();
    await screenshot(page, 'mail-02-filed');

    const filed = await rep.get('/api/v1/mails').query({ internetMessageId: messageId });
    expect(filed.status).toBe(200);
    expect(filed.body.items).toHaveLength(1);
    const [mail] = filed.body.items;
    expect(mail.links.map((link: { type: string; id: string }) => `${link.type}:${link.id}`).sort()).toEqual(
      [`organization:${kellerId}`, `person:${janaId}`].sort(),
    );
    expect(
      mail.attachments.map((document: { name: string; sha256: string }) => [document.name, document.sha256]).sort(),
    ).toEqual(
      [
        ['Angebot.pdf', sha256(OFFER)],
        ['Preisliste.csv', sha256(PRICES)],
      ].sort(),
    );

    await page.getByRole('button', { name: 'Ablegen', exact: true }).click();
    await page.getByText('Diese Mail war schon bei diesen Datensätzen abgelegt; es wurde nichts geändert.').waitFor();
    const again = await rep.get('/api/v1/mails').query({ internetMessageId: messageId });
    expect(again.body.items).toHaveLength(1);
    expect(again.body.items[0].id).toBe(mail.id);
    expect(again.body.items[0].attachments).toHaveLength(2);
    const mails = await rep.get(`/api/v1/records/person/${janaId}/mails`);
    expect(mails.body.items.filter((item: { id: string }) => item.id === mail.id)).toHaveLength(1);

    await page.getByRole('tab', { name: 'Kontext' }).click();
    const status = page.getByText(/^Diese Mail ist im CRM abgelegt bei: /);
    await status.waitFor();
    expect((await status.innerText()).split(': ')[1]?.split(', ').sort()).toEqual([
      'Jana Keller',
      'Keller Maschinenbau GmbH',
    ]);
    expect(problems).toEqual([]);
  }, 180_000);

  it('files once more with a fresh token when the token expired while the pane was open', async () => {
    const real = await tenant.token(user.upn);
    const claims = JSON.parse(Buffer.from(real.split('.')[1] as string, 'base64url').toString('utf8'));
    const now = Math.floor(Date.now() / 1000);
    const expired = await harness.t.emulator.signToken({
      // Expired an hour ago: well past any clock skew the backend allows.
      claims: { ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 },
    });
    const { page } = await harness.open(mailWithAttachments('<expired-token@keller.example>'), { context });
    const answers: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/api/v1/mails') && response.request().method() === 'POST') {
        answers.push(response.status());
      }
    });
    let first = true;
    await page.route('**/api/v1/mails', async (route: Route) => {
      if (route.request().method() === 'POST' && first) {
        first = false;
        await route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${expired}` } });
      } else {
        await route.continue();
      }
    });
    await page.getByRole('tab', { name: 'Ablegen' }).click();
    await page.getByRole('button', { name: 'Ablegen', exact: true }).click();
    await page.getByText('Abgelegt bei 2 Datensätzen, mit 2 Anhängen.').waitFor();
    expect(answers).toEqual([401, 201]);
  }, 180_000);

  it('keeps the choices and asks to sign in again when the sign-in is gone mid-filing', async () => {
    const { page } = await harness.open(mailWithAttachments('<signed-out@keller.example>'), { context });
    await page.getByRole('tab', { name: 'Ablegen' }).click();
    await page.getByRole('checkbox', { name: 'Keller Maschinenbau GmbH' }).uncheck();
    // The API refuses the token, and the identity platform the refresh: only a new sign-in helps.
    await page.route('**/api/v1/mails', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 401,
            contentType: 'application/problem+json',
            body: JSON.stringify({ type: 'urn:crm:problem:invalid_token', title: 'Not signed in', status: 401 }),
          })
        : route.continue(),
    );
    await page.route('**/oauth2/v2.0/token', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          error: 'invalid_grant',
          error_description: 'AADSTS700082: The refresh token has expired due to inactivity.',
          error_codes: [700082],
          suberror: 'bad_token',
        }),
      }),
    );
    await page.getByRole('button', { name: 'Ablegen', exact: true }).click();
    await page.getByText('Ihre Anmeldung ist abgelaufen.').waitFor();
    await screenshot(page, 'mail-03-sign-in-expired');
    await page.unrouteAll();
    await signInThroughPopup(page, user, /^Anmelden$/);
    await page.getByText('Ihre Anmeldung ist abgelaufen.').waitFor({ state: 'detached' });
    expect(await page.getByRole('checkbox', { name: 'Keller Maschinenbau GmbH' }).isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Ablegen', exact: true }).click();
    await page.getByText('Abgelegt bei 1 Datensatz, mit 2 Anhängen.').waitFor();
  }, 180_000);

  it('links a draft to records with header and custom properties, puts the reference into the subject, and files the sent mail to them', async () => {
    const { page, problems } = await harness.open(
      {
        displayLanguage: 'de-DE',
        mode: 'compose',
        mail: { to: [{ emailAddress: JANA, displayName: 'Jana Keller' }], cc: [] },
      },
      { context },
    );
    await page.getByRole('checkbox', { name: 'Jana Keller' }).waitFor();
    await page.getByRole('checkbox', { name: 'Keller Maschinenbau GmbH' }).uncheck();
    await page.getByRole('button', { name: 'Referenz von Jana Keller in den Betreff einfügen' }).click();
    const reference = (await rep.get(`/api/v1/records/person/${janaId}/reference`)).body.reference as string;
    await page.getByText(`Betreff: ${reference}`).waitFor();
    await page.getByRole('button', { name: 'Verknüpfen' }).click();
    await page.getByText('Der Entwurf ist mit 1 Datensatz verknüpft.').waitFor();
    await screenshot(page, 'mail-04-compose-linked');

    const state = await page.evaluate(
      () =>
        (
          window as unknown as {
            OfficeStandIn?: {
              state: {
                subject: string;
                internetHeaders: Record<string, string>;
                customProperties: Record<string, unknown>;
              };
            };
          }
        ).OfficeStandIn?.state,
    );
    const trackingId = state?.internetHeaders['x-crm-link'] as string;
    expect(trackingId).toMatch(/^[0-9a-f-]{36}$/);
    expect(state?.customProperties.crmTrackingId).toBe(trackingId);
    expect(state?.subject).toBe(reference);
    const links = await rep.get(`/api/v1/mail-links/${trackingId}`);
    expect(links.body.links).toEqual([{ type: 'person', id: janaId }]);

    // The sent mail, opened from Sent Items: its header names the draft's links, filed with it (by
    // reference: the CRM fetches it from the user's mailbox, header and all).
    const sentId = '<sent-with-link@pane-ablage.example>';
    const sentMail = (await harness.t.emulator.graph.deliverMail({
      user: user.upn,
      tenantId: tenant.id,
      folder: 'sentitems',
      message: {
        subject: reference,
        from: { address: user.upn, name: user.displayName },
        toRecipients: [{ address: JANA, name: 'Jana Keller' }],
        body: { contentType: 'text', content: 'Guten Tag Frau Keller' },
        internetMessageId: sentId,
        internetMessageHeaders: [{ name: 'x-crm-link', value: trackingId }],
      },
    })) as { id: string };
    const sent = await harness.open(
      {
        displayLanguage: 'de-DE',
        userProfile: { emailAddress: user.upn, displayName: user.displayName },
        mail: {
          // Outlook's EWS id of the message (base64, where Graph's REST id is base64url).
          itemId: sentMail.id.replace(/-/g, '/').replace(/_/g, '+'),
          internetMessageId: sentId,
          subject: reference,
          from: { emailAddress: user.upn, displayName: user.displayName },
          to: [{ emailAddress: JANA, displayName: 'Jana Keller' }],
          cc: [],
          attachments: [],
          internetHeaders: { 'x-crm-link': trackingId },
        },
      },
      { context },
    );
    await sent.page.getByRole('tab', { name: 'Ablegen' }).click();
    await sent.page.getByRole('checkbox', { name: 'Jana Keller' }).waitFor();
    await sent.page.getByRole('checkbox', { name: 'Keller Maschinenbau GmbH' }).uncheck();
    await sent.page.getByRole('checkbox', { name: 'Jana Keller' }).uncheck();
    await sent.page.getByRole('checkbox', { name: 'Jana Keller' }).check();
    await sent.page.getByRole('button', { name: 'Ablegen', exact: true }).click();
    await sent.page.getByText(/Abgelegt bei 1 Datensatz/).waitFor();
    const filed = await rep.get('/api/v1/mails').query({ internetMessageId: sentId });
    expect(filed.body.items[0].links).toEqual([expect.objectContaining({ type: 'person', id: janaId })]);
    const applied = await rep.get(`/api/v1/mail-links/${trackingId}`);
    expect(applied.body.mailId).toBe(filed.body.items[0].id);
    expect(problems).toEqual([]);
  }, 180_000);
});
