// Meeting attachments (Y4) through the real Graph SDK against the emulator, on the run's PostgreSQL:
// the files attached to an Outlook meeting with a CRM contact become documents of the records the
// meeting's activity is linked to, once however often delta brings the event again; a file attached
// later comes later; inline images and attached Outlook items are no documents; a file larger than
// the documents take is left out with a sync-health error; nothing crosses tenants.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_FILTER } from '../../../../http/tenancy.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../../testing/test-app.ts';
import { runConnection } from '../../graph-sync.jobs.ts';
import { connectMailbox, type Mailbox, syncCalendar } from './calendar-world.ts';

const BERLIN = 'Europe/Berlin';
/** The documents' limit in this app: small, so a file beyond it is quick to make. */
const DOCUMENT_MAX_BYTES = 64 * 1024;
/** A 1×1 PNG, as Outlook puts a pasted picture into a meeting's body. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

interface DocumentView {
  id: string;
  name: string;
  latestVersion: number;
  activityId: string | null;
  contentUrl: string;
}

const objectId = (tenant: TestTenant, upn: string) =>
  tenant.seed.users.find((user) => user.userPrincipalName === upn)?.id as string;

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('meeting attachments into the documents of the meeting’s records', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let annaUpn: string;
  let mailbox: Mailbox;
  let karl: string;
  let eventId: string;
  let activityId: string;
  let dealId: string;
  /** The calendar's delta link before the file attached later: from there, delta brings the event again. */
  let before: string;

  const sql = <T>(query: string, params: unknown[] = []) => t.orm.em.getConnection().execute<T[]>(query, params);
  const documentsOf = async (agent: AuthedAgent, type: string, id: string) => {
    const res = await agent.get(`/api/v1/records/${type}/${id}/documents`);
    expect(res.status).toBe(200);
    return res.body.items as DocumentView[];
  };
  /** Attaches a file to the event in Outlook, through Graph as Outlook does. */
  const attach = (body: Record<string, unknown>) =>
    mailbox.graph.post<{ id: string }>(`${mailbox.graph.base}/events/${encodeURIComponent(eventId)}/attachments`, {
      '@odata.type': '#microsoft.graph.fileAttachment',
      ...body,
    });
  const eventsDeltaLink = async () =>
    (
      await sql<{ delta_link: string }>(
        "select delta_link from sync_cursor where connection_id = ? and resource = 'events'",
        [mailbox.connectionId],
      )
    )[0]?.delta_link as string;

  beforeAll(async () => {
    t = await createTestApp({ env: { DOCUMENT_MAX_BYTES: String(DOCUMENT_MAX_BYTES) } });
    contoso = await t.createTenant('Contoso Anhang GmbH', [{ displayName: 'Anna Anhang' }]);
    annaUpn = contoso.upn('Anna Anhang');
    anna = await contoso.as(annaUpn);
    mailbox = await connectMailbox(t, contoso.id, await contoso.userId(annaUpn), annaUpn, objectId(contoso, annaUpn));
    karl = (
      await anna.post('/api/v1/persons').send({
        firstName: 'Karl',
        lastName: 'Kunde',
        emails: [{ address: 'karl.kunde@kunde.example', kind: 'work' }],
      })
    ).body.id;
    await syncCalendar(t, mailbox);
  });

  afterAll(async () => {
    await t.close();
  });

  it('stores a meeting’s file as one document of the linked person, and not its inline picture nor an attached mail', async () => {
    const day = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    eventId = (
      await t.emulator.graph.createEvent({
        user: annaUpn,
        fields: {
          subject: 'Vertragsbesprechung',
          body: { contentType: 'html', content: '<p>Agenda anbei <img src="cid:pixel"></p>' },
          start: { dateTime: `${day}T10:00:00`, timeZone: BERLIN },
          end: { dateTime: `${day}T11:00:00`, timeZone: BERLIN },
          attendees: [{ emailAddress: { address: 'karl.kunde@kunde.example', name: 'Karl Kunde' } }],
        },
      })
    ).immutableId;
    await attach({ name: 'Agenda.txt', contentType: 'text/plain', contentBytes: base64('1. Preise\n2. Termine\n') });
    await attach({
      name: 'pixel.png',
      contentType: 'image/png',
      contentBytes: PIXEL,
      isInline: true,
      contentId: 'pixel',
    });
    await mailbox.graph.post(`${mailbox.graph.base}/events/${encodeURIComponent(eventId)}/attachments`, {
      '@odata.type': '#microsoft.graph.itemAttachment',
      name: 'Vorige Einladung',
      item: { '@odata.type': 'microsoft.graph.message', subject: 'Vorige Einladung' },
    });
    const event = await mailbox.graph.get<{ hasAttachments: boolean }>(
      `${mailbox.graph.base}/events/${encodeURIComponent(eventId)}`,
    );
    expect(event.hasAttachments).toBe(true);

    const report = await syncCalendar(t, mailbox);

    expect(report.outcome).toBe('synced');
    const activities = (await anna.get('/api/v1/activities?limit=100')).body.items as { id: string; subject: string }[];
    activityId = activities.find((activity) => activity.subject === 'Vertragsbesprechung')?.id as string;
    expect(activityId).toBeDefined();
    const documents = await documentsOf(anna, 'person', karl);
    expect(documents.map((document) => document.name)).toEqual(['Agenda.txt']);
    const [agenda] = documents as [DocumentView];
    expect(agenda).toMatchObject({ latestVersion: 1, activityId });
    const content = await anna.get(agenda.contentUrl);
    expect(content.status).toBe(200);
    expect(content.text).toBe('1. Preise\n2. Termine\n');
  });

  it('stores a file attached later, as one document on the person and on the deal the meeting was linked to', async () => {
    const deal = await anna.post('/api/v1/deals').send({ title: 'Rahmenvertrag 2027', personId: karl });
    expect(deal.status).toBe(201);
    dealId = deal.body.id;
    const activity = (await anna.get(`/api/v1/activities/${activityId}`)).body as {
      version: number;
      links: { type: string; id: string }[];
    };
    const linked = await anna
      .patch(`/api/v1/activities/${activityId}`)
      .set('If-Match', `"${activity.version}"`)
      .send({ links: [...activity.links, { type: 'deal', id: dealId }] });
    expect(linked.status).toBe(200);
    await syncCalendar(t, mailbox);
    before = await eventsDeltaLink();

    await attach({ name: 'Anfahrt.txt', contentType: 'text/plain', contentBytes: base64('Tor 3, zweiter Stock') });
    await syncCalendar(t, mailbox);

    expect((await documentsOf(anna, 'person', karl)).map((document) => document.name).sort()).toEqual([
      'Agenda.txt',
      'Anfahrt.txt',
    ]);
    const onDeal = await documentsOf(anna, 'deal', dealId);
    expect(onDeal.map((document) => document.name)).toEqual(['Anfahrt.txt']);
    const onPerson = (await documentsOf(anna, 'person', karl)).find((document) => document.name === 'Anfahrt.txt');
    expect(onDeal[0]?.id).toBe(onPerson?.id);
  });

  it('stores nothing twice when delta brings the event again, even with the pair’s change key forgotten', async () => {
    // The same changes delivered again (a commit of the cursor lost), and the pair's change key gone
    // (as after a crash between Graph's answer and the commit): every attachment is looked at again.
    await sql("update sync_cursor set delta_link = ? where connection_id = ? and resource = 'events'", [
      before,
      mailbox.connectionId,
    ]);
    await sql('update event_link set change_key = null where connection_id = ?', [mailbox.connectionId]);
    await syncCalendar(t, mailbox);
    await syncCalendar(t, mailbox);

    const documents = await documentsOf(anna, 'person', karl);
    expect(documents.map((document) => document.name).sort()).toEqual(['Agenda.txt', 'Anfahrt.txt']);
    expect(documents.every((document) => document.latestVersion === 1)).toBe(true);
    expect((await documentsOf(anna, 'deal', dealId)).map((document) => document.name)).toEqual(['Anfahrt.txt']);
    const rows = await sql<{ n: number }>('select count(*)::int as n from document where activity_id = ?', [
      activityId,
    ]);
    expect(rows[0]?.n).toBe(2);
  });

  it('does not bring back a document the user put in the trash when the meeting changes in Outlook', async () => {
    const anfahrt = (await documentsOf(anna, 'person', karl)).find((document) => document.name === 'Anfahrt.txt');
    expect((await anna.delete(`/api/v1/documents/${anfahrt?.id}`)).status).toBe(204);
    await mailbox.graph.patch(`${mailbox.graph.base}/events/${encodeURIComponent(eventId)}`, {
      location: { displayName: 'Raum 4' },
    });
    await syncCalendar(t, mailbox);
    expect((await documentsOf(anna, 'person', karl)).map((document) => document.name)).toEqual(['Agenda.txt']);
  });

  it('leaves out a file larger than the documents take and says so in the calendar’s sync health', async () => {
    const large = Buffer.alloc(DOCUMENT_MAX_BYTES + 100 * 1024, 'x').toString('base64');
    await attach({ name: 'Präsentation.txt', contentType: 'text/plain', contentBytes: large });

    // As the sync job runs the mailbox: the run succeeds, and what it left out stays to be seen.
    const em = t.orm.em.fork() as EntityManager;
    em.setFilterParams(TENANT_FILTER, { tenantId: contoso.id });
    await runConnection(em, mailbox.connectionId);

    expect((await documentsOf(anna, 'person', karl)).map((document) => document.name)).toEqual(['Agenda.txt']);
    const health = await anna.get('/api/v1/me/sync').set('Accept-Language', 'de');
    expect(health.status).toBe(200);
    const [mine] = health.body.mailboxes as {
      status: string;
      health: { events: { lastError: { code: string; title: string } }; mail: { lastError: unknown } };
    }[];
    expect(mine?.status).toBe('ok');
    expect(mine?.health.mail.lastError).toBeNull();
    expect(mine?.health.events.lastError).toMatchObject({
      code: 'meeting_attachment_too_large',
      title: 'Ein Besprechungsanhang wurde nicht gespeichert',
    });
    // Left out once: the next run does not try it again.
    const requests = (await syncCalendar(t, mailbox)).requests;
    expect(requests).toBeLessThan(5);
  });

  it('shows another tenant nothing of the meeting’s documents, even with a person of the same address', async () => {
    const fabrikam = await t.createTenant('Fabrikam Anhang AG', [{ displayName: 'Zoë Anhang' }]);
    const zoeUpn = fabrikam.upn('Zoë Anhang');
    const zoe = await fabrikam.as(zoeUpn);
    const theirKarl = (
      await zoe
        .post('/api/v1/persons')
        .send({ lastName: 'Kunde', emails: [{ address: 'karl.kunde@kunde.example', kind: 'work' }] })
    ).body.id;
    const zoeMailbox = await connectMailbox(
      t,
      fabrikam.id,
      await fabrikam.userId(zoeUpn),
      zoeUpn,
      objectId(fabrikam, zoeUpn),
    );
    await syncCalendar(t, zoeMailbox);
    await syncCalendar(t, mailbox);

    expect(await documentsOf(zoe, 'person', theirKarl)).toEqual([]);
    const agenda = (await documentsOf(anna, 'person', karl))[0] as DocumentView;
    expect((await zoe.get(`/api/v1/documents/${agenda.id}`)).status).toBe(404);
    expect((await zoe.get(agenda.contentUrl)).status).toBe(404);
    // Nor can Fabrikam's Graph client read Contoso's event.
    await expect(
      zoeMailbox.graph.get(`/users/${objectId(contoso, annaUpn)}/events/${encodeURIComponent(eventId)}/attachments`),
    ).rejects.toThrow();
  });
});
