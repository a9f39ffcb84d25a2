// Sent mail (X2): a draft linked in the add-in is filed when it is sent. Outlook sends it through the
// real Graph SDK against the emulator, the sync finds the sent copy in Sent Items by its x-crm-link
// header or by its internetMessageId, and files it once to what the draft was linked to.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphGateway } from '../../../graph/graph-gateway.ts';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { createLogger } from '../../../logger.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { MailboxConnection } from '../../graph-sync/graph-sync.entity.ts';
import { runMailboxSync } from '../../graph-sync/sync-run.ts';
import { inboxResource, sentItemsResource } from '../messages.resource.ts';

let sequence = 0;
const unique = (name: string) => `${name}-${++sequence}-${Date.now()}`;

describe('sent mail of a draft linked in the add-in', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let fabrikam: AuthedAgent;
  let graph: Client;
  let annaMailbox = '';
  let connectionId = '';
  let lange = '';
  let petra = '';

  const sync = () =>
    runMailboxSync(t.orm.em as EntityManager, contoso.id, connectionId, {
      resources: [inboxResource, sentItemsResource],
      services: { config: t.config, logger: createLogger(t.config), graph: new GraphGateway(t.config.entra) },
    });
  /** Outlook sends what the user wrote: the compose pane's header travels with the mail. */
  const send = (message: Record<string, unknown>) =>
    graph.api(`/users/${annaMailbox}/sendMail`).post({ message, saveToSentItems: true });
  const filedId = async (internetMessageId: string) =>
    (await anna.get(`/api/v1/mails?internetMessageId=${encodeURIComponent(internetMessageId)}`)).body.items[0]?.id as
      | string
      | undefined;
  const subjectsOf = async (type: string, id: string) => {
    const res = await anna.get(`/api/v1/records/${type}/${id}/mails`);
    expect(res.status).toBe(200);
    return (res.body.items as { subject: string }[]).map((mail) => mail.subject).sort();
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Entwürfe GmbH', [{ displayName: 'Anna Schmidt' }]);
    const annaUpn = contoso.upn('Anna Schmidt');
    anna = await contoso.as(annaUpn);
    const other = await t.createTenant('Fabrikam Entwürfe AG', [{ displayName: 'Fritz Fabrikam' }]);
    fabrikam = await other.as(other.upn('Fritz Fabrikam'));
    graph = new GraphGateway(t.config.entra).client(contoso.id);

    lange = (await anna.post('/api/v1/organizations').send({ name: 'Lange Logistik GmbH' })).body.id;
    petra = (await anna.post('/api/v1/persons').send({ firstName: 'Petra', lastName: 'Lange' })).body.id;
    const annaId = await contoso.userId(annaUpn);
    annaMailbox = contoso.seed.users[0]?.id as string;
    connectionId = await inTenantTransaction(t.orm.em as EntityManager, contoso.id, async (em) => {
      const made = em.create(MailboxConnection, {
        tenant: contoso.id,
        userId: annaId,
        mailbox: annaMailbox,
        enabledBy: 'self',
      });
      await em.flush();
      return made.id;
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('files a sent draft found by its link header to the linked records, once, audited as draft_link', async () => {
    // Given Anna linked her draft to Lange Logistik in the compose pane (the recipient is no CRM address).
    const trackingId = unique('entwurf');
    const linked = await anna
      .post('/api/v1/mail-links')
      .send({ trackingId, links: [{ type: 'organization', id: lange }] });
    expect(linked.status).toBe(201);
    const internetMessageId = `<${unique('angebot')}@contoso.example>`;
    // When she sends it from Outlook and the sync runs (twice).
    await send({
      subject: 'Angebot Lagerhalle',
      body: { contentType: 'Text', content: 'Anbei unser Angebot.' },
      toRecipients: [{ emailAddress: { address: 'einkauf@hafen-fremd.example' } }],
      internetMessageId,
      internetMessageHeaders: [{ name: 'x-crm-link', value: trackingId }],
    });
    expect((await sync()).outcome).toBe('synced');
    expect((await sync()).outcome).toBe('synced');

    // Then the sent mail is on Lange Logistik, once, and the audit says a draft link filed it.
    expect(await subjectsOf('organization', lange)).toEqual(['Angebot Lagerhalle']);
    const id = (await filedId(internetMessageId)) as string;
    const capture = await anna.get(`/api/v1/mails/${id}/capture`);
    expect(capture.status).toBe(200);
    expect(capture.body).toMatchObject({ mailId: id, filed: true, automatic: true });
    expect(capture.body.entries).toEqual([
      expect.objectContaining({ action: 'filed', rule: 'draft_link', folder: 'sentitems', userName: 'Anna Schmidt' }),
    ]);
    const draft = await anna.get(`/api/v1/mail-links/${trackingId}`);
    expect(draft.body).toMatchObject({ mailId: id, appliedAt: expect.any(String) });
    // Another tenant does not see it.
    expect((await fabrikam.get(`/api/v1/mails/${id}`)).status).toBe(404);
    expect((await fabrikam.get(`/api/v1/mails/${id}/capture`)).status).toBe(404);
  });

  it('finds a sent draft without the header by the internetMessageId the pane reported', async () => {
    const internetMessageId = `<${unique('termin')}@contoso.example>`;
    const linked = await anna
      .post('/api/v1/mail-links')
      .send({ trackingId: unique('entwurf'), internetMessageId, links: [{ type: 'person', id: petra }] });
    expect(linked.status).toBe(201);
    await send({
      subject: 'Terminbestätigung',
      body: { contentType: 'Text', content: 'Bis Dienstag.' },
      toRecipients: [{ emailAddress: { address: 'petra@privat-fremd.example' } }],
      internetMessageId,
    });
    expect((await sync()).outcome).toBe('synced');

    expect(await subjectsOf('person', petra)).toEqual(['Terminbestätigung']);
    const id = (await filedId(internetMessageId)) as string;
    expect((await anna.get(`/api/v1/mails/${id}/capture`)).body.entries).toEqual([
      expect.objectContaining({ rule: 'draft_link' }),
    ]);
  });

  it('files no sent mail whose header names a tracking id nobody linked', async () => {
    const internetMessageId = `<${unique('fremd')}@contoso.example>`;
    await send({
      subject: 'Privat',
      body: { contentType: 'Text', content: 'Nicht für das CRM.' },
      toRecipients: [{ emailAddress: { address: 'freund@privat-fremd.example' } }],
      internetMessageId,
      internetMessageHeaders: [{ name: 'x-crm-link', value: unique('unbekannt') }],
    });
    expect((await sync()).outcome).toBe('synced');
    expect(await filedId(internetMessageId)).toBeUndefined();
  });
});
