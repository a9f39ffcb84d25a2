// Filing by reference from the pane (Y7), in chromium on the office-js stand-in at 360 px, against the
// real backend running its jobs and the emulator's mailbox: the pane names the message (its EWS id
// converted to a REST id), shows the filing pending until the CRM fetched and filed it, keeps its
// key when the answer is lost on the way, and uploads the mail itself where the CRM cannot reach the
// mailbox — one filed mail, linked to the chosen records, every time.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { BrowserContext, Page, Request } from 'playwright-core';
import type { AuthedAgent, TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { type PaneHarness, type StandIn, signInThroughPopup, startPaneHarness } from '../support/pane.ts';
import { seriousA11yViolations } from '../support/web-app.ts';

const JANA = 'jana.keller@keller-maschinenbau.example';
const WIDTH = 360;
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const OFFER = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
const PRICES = 'Artikel;Preis\nCRM-BAS;29,00\nCRM-PRO;49,00\n';
/** Outlook hands the pane EWS ids (base64); Graph's REST ids are base64url. */
const ewsIdOf = (restId: string) => restId.replace(/-/g, '/').replace(/_/g, '+');

describeInBrowser('Outlook task pane, filing by reference', () => {
  let harness: PaneHarness;
  let tenant: TestTenant;
  let rep: AuthedAgent;
  let user: { displayName: string; upn: string };
  let context: BrowserContext;
  let janaId: string;
  let kellerId: string;
  let serial = 0;

  beforeAll(async () => {
    harness = await startPaneHarness({ env: { JOBS_POLL_SECONDS: '0.5' }, jobs: { work: true } });
    tenant = await harness.t.createTenant('Pane Referenz GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
    ]);
    user = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    rep = await tenant.as(user.upn);
    kellerId = (await rep.post('/api/v1/organizations').send({ name: 'Keller Maschinenbau GmbH' })).body.id;
    janaId = (await rep.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
    await rep.post('/api/v1/business-contacts').send({ personId: janaId, organizationId: kellerId, email: JANA });

    const first = await harness.open(
      {
        displayLanguage: 'de-DE',
        userProfile: { emailAddress: user.upn, displayName: user.displayName },
        mail: { from: { emailAddress: JANA, displayName: 'Jana Keller' }, cc: [] },
      },
      { width: WIDTH },
    );
    context = first.context;
    await signInThroughPopup(first.page, user, /^Anmelden$/);
    await first.page.getByRole('region', { name: 'Jana Keller' }).waitFor();
    await first.page.close();
  }, 180_000);
  afterAll(async () => {
    if (tenant) await harness?.t.emulator.graph.setAccessPolicy({ tenantId: tenant.id, mailboxes: null });
    await harness?.close();
  });

  /** Jana's mail arrives in Rita's mailbox; answers its REST id and the stand-in showing it in Rita's Outlook. */
  async function janaWrites(
    subject: string,
    displayLanguage: string,
  ): Promise<{ restId: string; internetMessageId: string; standIn: StandIn }> {
    serial += 1;
    const internetMessageId = `<referenz-${serial}-${Date.now()}@keller-maschinenbau.example>`;
    const delivered = (await harness.t.emulator.graph.deliverMail({
      user: user.upn,
      tenantId: tenant.id,
      folder: 'inbox',
      message: {
        subject,
        from: { address: JANA, name: 'Jana Keller' },
        toRecipients: [{ address: user.upn, name: user.displayName }],
        body: { contentType: 'html', content: `<p>${subject}</p>` },
        internetMessageId,
        attachments: [
          { name: 'Angebot.pdf', contentType: 'application/pdf', contentBytes: base64(OFFER) },
          { name: 'Preisliste.csv', contentType: 'text/csv', contentBytes: base64(PRICES) },
        ],
      },
    })) as { id: string; internetMessageId: string };
    const attachment = (id: string, name: string, contentType: string, content: string) => ({
      id,
      name,
      contentType,
      attachmentType: 'file',
      isInline: false,
      content: base64(content),
    });
    return {
      restId: delivered.id,
      internetMessageId: delivered.internetMessageId,
      standIn: {
        displayLanguage,
        userProfile: { emailAddress: user.upn, displayName: user.displayName },
        mail: {
          itemId: ewsIdOf(delivered.id),
          internetMessageId: delivered.internetMessageId,
          subject,
          from: { emailAddress: JANA, displayName: 'Jana Keller' },
          to: [{ emailAddress: user.upn, displayName: user.displayName }],
          cc: [],
          attachments: [
            attachment('att-1', 'Angebot.pdf', 'application/pdf', OFFER),
            attachment('att-2', 'Preisliste.csv', 'text/csv', PRICES),
          ],
        },
      },
    };
  }

  /** The pane's writes from now on: `METHOD path` with the body it sent. */
  function writesOf(page: Page): { method: string; path: string; body: Record<string, unknown> }[] {
    const writes: { method: string; path: string; body: Record<string, unknown> }[] = [];
    page.on('request', (request: Request) => {
      const path = new URL(request.url()).pathname;
      if (request.method() === 'POST' && path.startsWith('/api/v1/')) {
        writes.push({ method: request.method(), path, body: request.postDataJSON() ?? {} });
      }
    });
    return writes;
  }

  async function filedOnce(internetMessageId: string) {
    const filed = await rep.get('/api/v1/mails').query({ internetMessageId });
    expect(filed.status).toBe(200);
    expect(filed.body.items).toHaveLength(1);
    const [mail] = filed.body.items;
    expect(mail.links.map((link: { type: string; id: string }) => `${link.type}:${link.id}`).sort()).toEqual(
      [`organization:${kellerId}`, `person:${janaId}`].sort(),
    );
    expect(mail.attachments.map((document: { name: string }) => document.name).sort()).toEqual([
      'Angebot.pdf',
      'Preisliste.csv',
    ]);
    const onJana = await rep.get(`/api/v1/records/person/${janaId}/mails`);
    expect(onJana.body.items.filter((item: { id: string }) => item.id === mail.id)).toHaveLength(1);
    return mail as { id: string };
  }

  it('shows the filing pending until the CRM fetched the mail itself, then filed once to the chosen records', async () => {
    const { restId, internetMessageId, standIn } = await janaWrites('Angebot Fräsmaschine', 'de-DE');
    // Graph keeps the CRM's fetch waiting, so the pane is seen pending whatever the machine's pace.
    const hold = await harness.t.emulator.graph.hold({ path: `/messages/${restId}`, times: 1 });
    const { page, problems, failedRequests } = await harness.open(standIn, { context, width: WIDTH });
    const writes = writesOf(page);
    await page.getByRole('tab', { name: 'Ablegen' }).click();
    await page.getByRole('checkbox', { name: 'Jana Keller' }).waitFor();
    await page.getByRole('button', { name: 'Ablegen', exact: true }).click();

    let pendingViolations: string[];
    try {
      await page.getByRole('status').getByText('Wird abgelegt …').waitFor();
      await harness.t.emulator.graph.held(hold, 1);
      await screenshot(page, 'reference-01-pending-de-360');
      pendingViolations = await seriousA11yViolations(page);
    } finally {
      await harness.t.emulator.graph.release(hold);
    }
    expect(pendingViolations).toEqual([]);

    await page.getByText('Abgelegt bei 2 Datensätzen, mit 2 Anhängen.').waitFor();
    await page.getByText('Wird abgelegt …').waitFor({ state: 'detached' });
    await screenshot(page, 'reference-02-filed-de-360');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The pane named the message; it uploaded nothing.
    expect(writes.map((write) => write.path)).toEqual(['/api/v1/mail-filings']);
    expect(writes[0]?.body).toMatchObject({
      messageId: restId,
      mailbox: user.upn,
      links: expect.arrayContaining([
        { type: 'person', id: janaId },
        { type: 'organization', id: kellerId },
      ]),
    });
    await filedOnce(internetMessageId);

    await page.getByRole('tab', { name: 'Kontext' }).click();
    const status = page.getByText(/^Diese Mail ist im CRM abgelegt bei: /);
    await status.waitFor();
    expect((await status.innerText()).split(': ')[1]?.split(', ').sort()).toEqual([
      'Jana Keller',
      'Keller Maschinenbau GmbH',
    ]);
    expect(problems).toEqual([]);
    expect(failedRequests).toEqual([]);
  }, 180_000);

  it('shows a filing still under way as pending in a pane opened again on the mail, then filed', async () => {
    const { restId, internetMessageId, standIn } = await janaWrites('Wartungsvertrag Fräse', 'de-DE');
    const hold = await harness.t.emulator.graph.hold({ path: `/messages/${restId}`, times: 1 });
    let reopened: Page;
    let writes: ReturnType<typeof writesOf>;
    try {
      const first = await harness.open(standIn, { context, width: WIDTH });
      await first.page.getByRole('tab', { name: 'Ablegen' }).click();
      await first.page.getByRole('checkbox', { name: 'Jana Keller' }).waitFor();
      await first.page.getByRole('button', { name: 'Ablegen', exact: true }).click();
      await first.page.getByRole('status').getByText('Wird abgelegt …').waitFor();
      await harness.t.emulator.graph.held(hold, 1);
      // The user closes the pane while the CRM still waits for Graph, and opens it again on the mail.
      await first.page.close();
      const second = await harness.open(standIn, { context, width: WIDTH });
      reopened = second.page;
      writes = writesOf(reopened);
      await reopened.getByRole('tab', { name: 'Ablegen' }).click();
      await reopened.getByRole('status').getByText('Wird abgelegt …').waitFor();
      // It cannot be filed a second time meanwhile: the button is busy.
      await expect(reopened.getByRole('button', { name: 'Wird abgelegt…' }).isDisabled()).resolves.toBe(true);
      await screenshot(reopened, 'reference-03-reopened-pending-de-360');
    } finally {
      await harness.t.emulator.graph.release(hold);
    }
    await reopened.getByText('Abgelegt bei 2 Datensätzen, mit 2 Anhängen.').waitFor();
    await screenshot(reopened, 'reference-03-reopened-filed-de-360');
    expect(await seriousA11yViolations(reopened)).toEqual([]);
    // The reopened pane filed nothing itself: the first click's filing ended as one mail.
    expect(writes).toEqual([]);
    await filedOnce(internetMessageId);
  }, 180_000);

  it('files once with the same key when the answer to the click was lost on the way', async () => {
    const { internetMessageId, standIn } = await janaWrites('Lieferschein 4711', 'en-US');
    const { page, problems } = await harness.open(standIn, { context, width: WIDTH });
    const writes = writesOf(page);
    const taken: string[] = [];
    let dropped = false;
    // The CRM takes the first request; its answer never reaches the pane (the network dropped).
    await page.route('**/api/v1/mail-filings', async (route) => {
      const answer = await route.fetch();
      taken.push(((await answer.json()) as { id: string }).id);
      if (dropped) {
        await route.fulfill({ response: answer });
        return;
      }
      dropped = true;
      await route.abort('connectionreset');
    });
    await page.getByRole('tab', { name: 'File' }).click();
    await page.getByRole('checkbox', { name: 'Jana Keller' }).waitFor();
    await page.getByRole('button', { name: 'File', exact: true }).click();
    await page.getByRole('alert').getByText('The CRM cannot be reached', { exact: false }).waitFor();
    await screenshot(page, 'reference-03-answer-lost-en-360');

    await page.getByRole('button', { name: 'File', exact: true }).click();
    await page.getByText('Filed to 2 records, with 2 attachments.').waitFor();
    await screenshot(page, 'reference-04-filed-en-360');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const keys = writes
      .filter((write) => write.path === '/api/v1/mail-filings')
      .map((write) => write.body.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(taken).toHaveLength(2);
    expect(taken[1]).toBe(taken[0]);
    expect(writes.some((write) => write.path === '/api/v1/mails')).toBe(false);
    await filedOnce(internetMessageId);
    expect(problems).toEqual([]);
  }, 180_000);

  it('uploads the mail itself where the CRM cannot reach the mailbox, and it is still one mail', async () => {
    const { internetMessageId, standIn } = await janaWrites('Rahmenvertrag 2027', 'en-US');
    // The admin limited the CRM's application access to another mailbox: Graph refuses Rita's.
    await harness.t.emulator.graph.setAccessPolicy({ tenantId: tenant.id, mailboxes: [tenant.upn('Anna Admin')] });
    const { page, problems } = await harness.open(standIn, { context, width: WIDTH });
    const writes = writesOf(page);
    await page.getByRole('tab', { name: 'File' }).click();
    await page.getByRole('checkbox', { name: 'Jana Keller' }).waitFor();
    await page.getByRole('button', { name: 'File', exact: true }).click();
    await page.getByText('Filed to 2 records, with 2 attachments.').waitFor();
    await screenshot(page, 'reference-05-uploaded-en-360');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await harness.t.emulator.graph.setAccessPolicy({ tenantId: tenant.id, mailboxes: null });

    expect(writes.map((write) => write.path)).toEqual(['/api/v1/mail-filings', '/api/v1/mails']);
    const mail = await filedOnce(internetMessageId);
    const filing = await rep.get('/api/v1/mails').query({ internetMessageId });
    expect(filing.body.items[0].id).toBe(mail.id);
    expect(problems).toEqual([]);
  }, 180_000);
});
