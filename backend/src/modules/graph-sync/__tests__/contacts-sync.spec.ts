// Outlook contacts both ways, through the real Graph SDK against the emulator and the real database:
// a user's persons appear in their folder "CRM", edits travel both ways, deletion in Outlook
// unlinks, a conflict is decided per field, and faults end in the state of a clean sync.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphGateway } from '../../../graph/graph-gateway.ts';
import { inTenantTransaction, TENANT_FILTER } from '../../../http/tenancy.ts';
import { db } from '../../../records/sql.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { Person } from '../../contacts/contact.entity.ts';
import { ContactLink, GraphRequestBudget, MailboxConnection } from '../graph-sync.entity.ts';
import { runConnection, runTuning } from '../graph-sync.jobs.ts';
import { notifyStalledSyncs, queueRunsForCrmChanges } from '../graph-sync.service.ts';

interface OutlookContact {
  id: string;
  givenName?: string | null;
  surname?: string | null;
  companyName?: string | null;
  jobTitle?: string | null;
  emailAddresses?: { address: string }[];
  businessPhones?: string[];
  mobilePhone?: string | null;
  businessAddress?: { street?: string | null; city?: string | null; postalCode?: string | null };
}

describe('Outlook contacts sync', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let anna: AuthedAgent;
  let bjoern: AuthedAgent;
  let zoe: AuthedAgent;
  let graph: Client;
  let annaMailbox = '';
  let annaId = '';
  let connectionId = '';
  let petraId = '';

  const contosoEm = () => {
    const em = t.orm.em.fork() as EntityManager;
    em.setFilterParams(TENANT_FILTER, { tenantId: contoso.id });
    return em;
  };
  const sync = () => runConnection(contosoEm(), connectionId);
  const inContoso = <T>(work: (em: EntityManager) => Promise<T>) =>
    inTenantTransaction(t.orm.em as EntityManager, contoso.id, work);

  /** What Outlook shows in Anna's folder "CRM", read as any Graph client would. */
  const folderContacts = async (): Promise<OutlookContact[]> => {
    const folders = (await graph.api(`/users/${annaMailbox}/contactFolders`).filter("displayName eq 'CRM'").get()) as {
      value: { id: string }[];
    };
    const folder = folders.value[0];
    if (!folder) return [];
    const all: OutlookContact[] = [];
    let page = (await graph
      .api(`/users/${annaMailbox}/contactFolders/${folder.id}/contacts`)
      .header('Prefer', 'IdType="ImmutableId"')
      .top(100)
      .get()) as { value: OutlookContact[]; '@odata.nextLink'?: string };
    all.push(...page.value);
    while (page['@odata.nextLink']) {
      page = (await graph.api(page['@odata.nextLink']).header('Prefer', 'IdType="ImmutableId"').get()) as typeof page;
      all.push(...page.value);
    }
    return all;
  };
  const contactOf = async (surname: string) => (await folderContacts()).find((contact) => contact.surname === surname);

  const createPerson = async (agent: AuthedAgent, body: Record<string, unknown>) => {
    // Persons alike by name are wanted here: the duplicate check is confirmed.
    const res = await agent.post('/api/v1/persons?confirm=duplicate').send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number };
  };
  const personOf = async (agent: AuthedAgent, id: string) => {
    const res = await agent.get(`/api/v1/persons/${id}`);
    expect(res.status).toBe(200);
    return res.body as {
      firstName: string | null;
      lastName: string;
      emails: { address: string }[];
      phones: { number: string; kind: string }[];
    };
  };
  const historyOf = async (id: string) => {
    const res = await anna.get(`/api/v1/history?type=person&id=${id}&limit=50`);
    expect(res.status).toBe(200);
    return res.body.items as {
      field: string | null;
      before: unknown;
      after: unknown;
      changedBy: string;
      via: string | null;
    }[];
  };

  beforeAll(async () => {
    // Retry-After is honoured; tests wait a tenth of it so a 429 storm takes no minutes.
    runTuning.current = { graph: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 100))) } };
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Sync GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller' },
    ]);
    fabrikam = await t.createTenant('Fabrikam Sync AG', [{ displayName: 'Zoë Bäcker' }]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    bjoern = await contoso.as(contoso.upn('Björn Müller'));
    zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    annaId = await contoso.userId(contoso.upn('Anna Schmidt'));
    await contoso.userId(contoso.upn('Björn Müller'));
    annaMailbox = contoso.seed.users[0]?.id as string;
    graph = new GraphGateway(t.config.entra).client(contoso.id);
  });

  afterAll(async () => {
    runTuning.current = {};
    await t?.close();
  });

  it('puts the persons a user owns into the Outlook folder "CRM" once her mailbox is connected', async () => {
    const org = await anna.post('/api/v1/organizations').send({ name: 'Brotmann Backwaren GmbH' });
    expect(org.status).toBe(201);
    const klaus = await createPerson(anna, {
      firstName: 'Klaus',
      lastName: 'Brotmann',
      emails: [{ address: 'k.brotmann@example.de' }],
      phones: [
        { number: '0221 123456', kind: 'work' },
        { number: '0171 2345678', kind: 'mobile' },
      ],
      addresses: [{ kind: 'visiting', street: 'Hauptstraße 1', postalCode: '50667', city: 'Köln', country: 'DE' }],
    });
    const bc = await anna
      .post('/api/v1/business-contacts')
      .send({ personId: klaus.id, organizationId: org.body.id, position: 'Geschäftsführer', isPrimary: true });
    expect(bc.status).toBe(201);
    petraId = (await createPerson(anna, { firstName: 'Petra', lastName: 'Pfeffer' })).id;
    // Björn's person is his, not Anna's: it stays out of her folder.
    await createPerson(bjoern, { firstName: 'Otto', lastName: 'Oberholz' });

    const connected = await anna.put('/api/v1/me/sync').send({ enabled: true });
    expect(connected.status).toBe(200);
    connectionId = connected.body.mailboxes[0].id;
    expect(connected.body.mailboxes[0]).toMatchObject({ enabledBy: 'self', status: 'pending', enabled: true });

    await sync();

    const contacts = await folderContacts();
    expect(contacts.map((contact) => contact.surname).sort()).toEqual(['Brotmann', 'Pfeffer']);
    expect(await contactOf('Brotmann')).toMatchObject({
      givenName: 'Klaus',
      companyName: 'Brotmann Backwaren GmbH',
      jobTitle: 'Geschäftsführer',
      emailAddresses: [expect.objectContaining({ address: 'k.brotmann@example.de' })],
      businessPhones: ['0221 123456'],
      mobilePhone: '0171 2345678',
      businessAddress: expect.objectContaining({ street: 'Hauptstraße 1', city: 'Köln', postalCode: '50667' }),
    });
    const health = await anna.get('/api/v1/me/sync');
    expect(health.body.mailboxes[0]).toMatchObject({ status: 'ok', backlog: 0, lastError: null });
    expect(health.body.mailboxes[0].lastSuccessAt).not.toBeNull();

    // A second run changes nothing and makes no duplicates.
    await sync();
    expect((await folderContacts()).length).toBe(2);
  });

  it('pushes a CRM edit to Outlook', async () => {
    const petra = (await anna.get(`/api/v1/persons/${petraId}`)).body as { version: number };
    const res = await anna
      .patch(`/api/v1/persons/${petraId}`)
      .set('If-Match', `"${petra.version}"`)
      .send({ firstName: 'Petra Maria', emails: [{ address: 'petra@pfeffer.example' }] });
    expect(res.status).toBe(200);
    await sync();
    expect(await contactOf('Pfeffer')).toMatchObject({
      givenName: 'Petra Maria',
      emailAddresses: [expect.objectContaining({ address: 'petra@pfeffer.example' })],
    });
  });

  it('pushes a CRM edit that committed only after a run had begun with the next run, not the poll', async () => {
    // The embedded database runs one transaction at a time: there the race cannot happen (and this
    // test's open transaction would hold the run back).
    const { embedded } = await db(t.orm.em.fork() as EntityManager)
      .selectNoFrom((eb) => eb(eb.fn<string>('version'), 'like', '%PGlite%').as('embedded'))
      .executeTakeFirstOrThrow();
    if (embedded) return;
    // Someone saves Petra while a run begins and reads the CRM: the change is stamped before the
    // run began, but only commits after the run has read Petra as she was.
    let saved!: () => void;
    const savedOpen = new Promise<void>((resolve) => {
      saved = resolve;
    });
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const edit = inContoso(async (em) => {
      const petra = await em.findOneOrFail(Person, { id: petraId });
      petra.firstName = 'Petra Marie';
      await em.flush();
      saved();
      await committing;
    });
    await Promise.race([savedOpen, edit]);
    await sync();
    commit();
    await edit;
    expect((await contactOf('Pfeffer'))?.givenName).toBe('Petra Maria');
    // The push periodic (every 5 s) finds her due at once, and the next run takes her to Outlook.
    expect(await inContoso((em) => queueRunsForCrmChanges(em))).toBe(1);
    await sync();
    expect((await contactOf('Pfeffer'))?.givenName).toBe('Petra Marie');
    // In step now: nothing is due, no run follows another.
    expect(await inContoso((em) => queueRunsForCrmChanges(em))).toBe(0);
  });

  it("brings an Outlook edit back as Anna's change via Outlook in the person's history", async () => {
    const contact = await contactOf('Brotmann');
    await t.emulator.graph.updateContact({
      user: annaMailbox,
      id: contact?.id as string,
      changes: { givenName: 'Klaus-Dieter', mobilePhone: '0172 9999999' },
    });
    await sync();
    const link = await inContoso((em) => em.findOneOrFail(ContactLink, { outlookId: contact?.id as string }));
    const person = await personOf(anna, link.person.id);
    expect(person.firstName).toBe('Klaus-Dieter');
    expect(person.phones).toEqual(
      expect.arrayContaining([expect.objectContaining({ number: '0172 9999999', kind: 'mobile' })]),
    );
    const history = await historyOf(link.person.id);
    expect(history).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'firstName',
          before: 'Klaus',
          after: 'Klaus-Dieter',
          changedBy: annaId,
          via: 'outlook',
        }),
      ]),
    );
    // Nothing bounces back: Outlook still shows the edit.
    expect(await contactOf('Brotmann')).toMatchObject({ givenName: 'Klaus-Dieter', mobilePhone: '0172 9999999' });
  });

  it('decides a conflict per field: the later change wins, the other value stays in the history', async () => {
    const contact = await contactOf('Pfeffer');
    const link = await inContoso((em) => em.findOneOrFail(ContactLink, { outlookId: contact?.id as string }));
    const personId = link.person.id;
    // Outlook first (earlier), then the CRM (later), on the same field; Outlook alone on another field.
    await t.emulator.graph.updateContact({
      user: annaMailbox,
      id: contact?.id as string,
      changes: { givenName: 'Petra (Outlook)', businessPhones: ['030 1234567'] },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const current = (await anna.get(`/api/v1/persons/${personId}`)).body as { version: number };
    const res = await anna
      .patch(`/api/v1/persons/${personId}`)
      .set('If-Match', `"${current.version}"`)
      .send({ firstName: 'Petra (CRM)' });
    expect(res.status).toBe(200);

    await sync();

    const person = await personOf(anna, personId);
    expect(person.firstName).toBe('Petra (CRM)');
    expect(person.phones).toEqual(
      expect.arrayContaining([expect.objectContaining({ number: '030 1234567', kind: 'work' })]),
    );
    expect(await contactOf('Pfeffer')).toMatchObject({ givenName: 'Petra (CRM)', businessPhones: ['030 1234567'] });
    const history = await historyOf(personId);
    expect(history).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'firstName', before: 'Petra (Outlook)', via: 'outlook' }),
      ]),
    );
  });

  it('unlinks a contact deleted in Outlook and keeps the person', async () => {
    const contact = await contactOf('Pfeffer');
    const link = await inContoso((em) => em.findOneOrFail(ContactLink, { outlookId: contact?.id as string }));
    await t.emulator.graph.deleteContact({ user: annaMailbox, id: contact?.id as string });
    await sync();
    expect((await anna.get(`/api/v1/persons/${link.person.id}`)).status).toBe(200);
    // Not put back into the folder by the next runs.
    await sync();
    expect(await contactOf('Pfeffer')).toBeUndefined();
    const after = await inContoso((em) => em.findOneOrFail(ContactLink, { id: link.id }));
    expect(after.unlinkedAt).not.toBeNull();
  });

  it('takes a trashed person out of Outlook and puts her back when she is restored from the trash', async () => {
    const trude = await createPerson(anna, {
      firstName: 'Trude',
      lastName: 'Trautmann',
      emails: [{ address: 'trude@trautmann.example' }],
    });
    await sync();
    const before = await contactOf('Trautmann');
    expect(before).toMatchObject({ givenName: 'Trude' });

    const trashed = await anna.delete(`/api/v1/persons/${trude.id}`).set('If-Match', `"${trude.version}"`);
    expect(trashed.status).toBe(204);
    // The trash is a CRM change of Anna's persons: her mailbox is queued within seconds.
    expect(await inContoso((em) => queueRunsForCrmChanges(em))).toBe(1);
    await sync();
    expect(await contactOf('Trautmann')).toBeUndefined();
    // The delta's removal of the contact the CRM deleted itself neither unlinks nor resurrects anything.
    await sync();
    expect(await contactOf('Trautmann')).toBeUndefined();
    expect(await inContoso((em) => em.count(ContactLink, { person: trude.id }))).toBe(0);

    expect((await anna.post(`/api/v1/persons/${trude.id}/restore`)).status).toBe(204);
    expect(await inContoso((em) => queueRunsForCrmChanges(em))).toBe(1);
    await sync();
    const back = (await folderContacts()).filter((contact) => contact.surname === 'Trautmann');
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({
      givenName: 'Trude',
      emailAddresses: [expect.objectContaining({ address: 'trude@trautmann.example' })],
    });
    expect(back[0]?.id).not.toBe(before?.id);
    await sync();
    expect((await folderContacts()).filter((contact) => contact.surname === 'Trautmann')).toHaveLength(1);
  });

  it('deletes her Outlook contact when a person is erased for good, before the sync has taken her out', async () => {
    const erika = await createPerson(anna, {
      firstName: 'Erika',
      lastName: 'Ehrenfeld',
      emails: [{ address: 'erika@ehrenfeld.example' }],
    });
    await sync();
    const synced = await contactOf('Ehrenfeld');
    expect(synced).toMatchObject({ givenName: 'Erika' });
    const contactUrl = `/users/${annaMailbox}/contacts/${synced?.id}`;

    // Into the trash, and erased at once: no sync ran in between, her link is still there.
    expect((await anna.delete(`/api/v1/persons/${erika.id}`).set('If-Match', `"${erika.version}"`)).status).toBe(204);
    expect(await inContoso((em) => em.count(ContactLink, { person: erika.id }, { filters: false }))).toBe(1);
    // Another tenant's admin does not find her in their trash.
    expect((await zoe.delete(`/api/v1/trash/persons/${erika.id}`)).status).toBe(404);
    expect((await graph.api(contactUrl).get()) as OutlookContact).toMatchObject({ surname: 'Ehrenfeld' });

    const erased = await anna.delete(`/api/v1/trash/persons/${erika.id}`);
    expect(erased.status).toBe(204);
    await expect(graph.api(contactUrl).get()).rejects.toMatchObject({ statusCode: 404 });
    expect(await contactOf('Ehrenfeld')).toBeUndefined();
    expect(await inContoso((em) => em.count(ContactLink, { person: erika.id }, { filters: false }))).toBe(0);
    expect((await anna.get(`/api/v1/persons/${erika.id}`)).status).toBe(404);
    // The next run finds nothing to do about her and brings nothing back.
    await sync();
    expect(await contactOf('Ehrenfeld')).toBeUndefined();
    expect((await anna.get('/api/v1/me/sync')).body.mailboxes[0]).toMatchObject({ status: 'ok', backlog: 0 });
  });

  it("carries the business contact data of the person's organization link to Outlook and back, field by field", async () => {
    const org = await anna.post('/api/v1/organizations').send({
      name: 'Gewürzhaus Gerber KG',
      addresses: [{ kind: 'visiting', street: 'Gewürzweg 3', postalCode: '20095', city: 'Hamburg', country: 'DE' }],
    });
    expect(org.status).toBe(201);
    const gerda = await createPerson(anna, { firstName: 'Gerda', lastName: 'Gerber' });
    const created = await anna.post('/api/v1/business-contacts').send({
      personId: gerda.id,
      organizationId: org.body.id,
      position: 'Einkäuferin',
      department: 'Einkauf',
      phone: '040 5551110',
      email: 'gerda@gerber.example',
      isPrimary: true,
    });
    expect(created.status).toBe(201);
    const businessContactId = created.body.id as string;
    const businessContact = async () => {
      const res = await anna.get(`/api/v1/business-contacts/${businessContactId}`);
      expect(res.status).toBe(200);
      return res.body as { position: string | null; department: string | null; phone: string | null; version: number };
    };
    await sync();
    // Company, job title, department, phone and email of the link; the organization's address
    // stands in for the business address Gerda has none of her own.
    expect(await contactOf('Gerber')).toMatchObject({
      companyName: 'Gewürzhaus Gerber KG',
      jobTitle: 'Einkäuferin',
      department: 'Einkauf',
      businessPhones: ['040 5551110'],
      emailAddresses: [expect.objectContaining({ address: 'gerda@gerber.example' })],
      businessAddress: expect.objectContaining({ street: 'Gewürzweg 3', city: 'Hamburg', postalCode: '20095' }),
    });

    // A CRM edit of the business contact alone (the person is unchanged) reaches Outlook.
    const edited = await anna
      .patch(`/api/v1/business-contacts/${businessContactId}`)
      .set('If-Match', `"${(await businessContact()).version}"`)
      .send({ position: 'Leiterin Einkauf' });
    expect(edited.status).toBe(200);
    expect(await inContoso((em) => queueRunsForCrmChanges(em))).toBe(1);
    await sync();
    expect(await contactOf('Gerber')).toMatchObject({ jobTitle: 'Leiterin Einkauf', department: 'Einkauf' });

    // Outlook edits come back to the business contact, by Anna via Outlook; the company stays the CRM's.
    const contact = await contactOf('Gerber');
    await t.emulator.graph.updateContact({
      user: annaMailbox,
      id: contact?.id as string,
      changes: {
        jobTitle: 'Einkaufsleiterin',
        department: 'Einkauf Nord',
        businessPhones: ['040 5552220'],
        companyName: 'Gerber & Söhne',
      },
    });
    await sync();
    expect(await businessContact()).toMatchObject({
      position: 'Einkaufsleiterin',
      department: 'Einkauf Nord',
      phone: '040 5552220',
    });
    // The phone went to the business contact, not to Gerda's own numbers.
    expect((await personOf(anna, gerda.id)).phones).toEqual([]);
    const history = await anna.get(`/api/v1/history?type=business_contact&id=${businessContactId}&limit=50`);
    expect(history.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'position',
          before: 'Leiterin Einkauf',
          after: 'Einkaufsleiterin',
          changedBy: annaId,
          via: 'outlook',
        }),
      ]),
    );
    expect(await contactOf('Gerber')).toMatchObject({
      companyName: 'Gewürzhaus Gerber KG',
      jobTitle: 'Einkaufsleiterin',
      businessPhones: ['040 5552220'],
    });

    // Both sides change the department: the later change (the CRM's) wins, Outlook's stays in the history.
    await t.emulator.graph.updateContact({
      user: annaMailbox,
      id: contact?.id as string,
      changes: { department: 'Einkauf (Outlook)' },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = await anna
      .patch(`/api/v1/business-contacts/${businessContactId}`)
      .set('If-Match', `"${(await businessContact()).version}"`)
      .send({ department: 'Einkauf (CRM)' });
    expect(later.status).toBe(200);
    await sync();
    expect((await businessContact()).department).toBe('Einkauf (CRM)');
    expect(await contactOf('Gerber')).toMatchObject({ department: 'Einkauf (CRM)' });
    const afterConflict = await anna.get(`/api/v1/history?type=business_contact&id=${businessContactId}&limit=50`);
    expect(afterConflict.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'department', before: 'Einkauf (Outlook)', via: 'outlook' }),
      ]),
    );
  });

  it('ends a 429 storm, 503 bursts and a 410 mid-sync in the state of a clean sync', async () => {
    for (let index = 0; index < 25; index += 1) {
      await createPerson(anna, { firstName: `Storm${index}`, lastName: `Sturm${index}` });
    }
    await t.emulator.graph.addFault({ status: 429, path: annaMailbox, times: 6, retryAfterSeconds: 1 });
    await t.emulator.graph.addFault({ status: 503, path: annaMailbox, times: 3, retryAfterSeconds: 1 });
    await sync();
    const contacts = await folderContacts();
    expect(contacts.filter((contact) => contact.surname?.startsWith('Sturm')).length).toBe(25);
    expect(new Set(contacts.map((contact) => contact.surname)).size).toBe(contacts.length);

    // Outlook edits while the delta token expires: a new round matches items to their links.
    const storm0 = contacts.find((contact) => contact.surname === 'Sturm0');
    await t.emulator.graph.updateContact({
      user: annaMailbox,
      id: storm0?.id as string,
      changes: { givenName: 'Ruhe0' },
    });
    await t.emulator.graph.addFault({ status: 410, path: `${annaMailbox}/contactFolders`, times: 1 });
    await sync();
    const after = await folderContacts();
    expect(after.length).toBe(contacts.length);
    const links = await inContoso((em) => em.count(ContactLink, { connection: connectionId, unlinkedAt: null }));
    expect(links).toBe(contacts.length);
    const link = await inContoso((em) => em.findOneOrFail(ContactLink, { outlookId: storm0?.id as string }));
    expect((await personOf(anna, link.person.id)).firstName).toBe('Ruhe0');
  });

  it("pauses when the mailbox's request budget is used up, and goes on later without doubles", async () => {
    for (let index = 0; index < 30; index += 1) {
      await createPerson(anna, { firstName: `Budget${index}`, lastName: `Knapp${index}` });
    }
    const used = (await inContoso((em) => em.findOneOrFail(GraphRequestBudget, { connection: connectionId }))).used;
    const tuned = runTuning.current;
    runTuning.current = { ...tuned, budgetLimit: used + 5 };
    try {
      await sync();
    } finally {
      runTuning.current = tuned;
    }
    const paused = await anna.get('/api/v1/me/sync');
    expect(paused.body.mailboxes[0].lastError).toMatchObject({ code: 'graph_budget_exhausted' });
    expect(paused.body.mailboxes[0].backlog).toBeGreaterThan(0);
    const queued = await t.orm.em
      .getConnection()
      .execute<{ count: string }[]>(
        `select count(*)::text as count from pgboss.job where name = 'graph-sync-run' and singleton_key = ? and state = 'created'`,
        [connectionId],
      );
    // A run waits (the one queued for when the window ends, or one queued earlier that stands for it).
    expect(Number(queued[0]?.count)).toBe(1);

    await sync();
    const contacts = await folderContacts();
    expect(contacts.filter((contact) => contact.surname?.startsWith('Knapp')).length).toBe(30);
    expect(new Set(contacts.map((contact) => contact.surname)).size).toBe(contacts.length);
    expect((await anna.get('/api/v1/me/sync')).body.mailboxes[0]).toMatchObject({
      status: 'ok',
      backlog: 0,
      lastError: null,
    });
  });

  it('shows revoked access in sync health, pauses instead of retrying, and resumes on "sync now"', async () => {
    const fault = await t.emulator.graph.addFault({
      status: 403,
      path: annaMailbox,
      times: 1000,
      code: 'ErrorAccessDenied',
      message: 'Access is denied. Check credentials and try again.',
    });
    await sync();
    const health = await anna.get('/api/v1/me/sync').set('Accept-Language', 'de');
    expect(health.body.mailboxes[0]).toMatchObject({ status: 'revoked', paused: true });
    expect(health.body.mailboxes[0].lastError).toMatchObject({ code: 'graph_access_revoked' });
    expect(health.body.mailboxes[0].lastError.title).toBe('Der Zugriff auf das Postfach wurde entzogen');
    // Paused: another run does nothing (no crash loop).
    const usageBefore = await t.emulator.graph.usage({ user: annaMailbox });
    await sync();
    expect(await t.emulator.graph.usage({ user: annaMailbox })).toBe(usageBefore);

    await t.emulator.graph.removeFault(fault);
    const queued = await anna.post('/api/v1/me/sync/run');
    expect(queued.status).toBe(202);
    await sync();
    const healed = await anna.get('/api/v1/me/sync');
    expect(healed.body.mailboxes[0]).toMatchObject({ status: 'ok', paused: false, lastError: null });
  });

  it('tells the owner once when her sync has not succeeded for an hour', async () => {
    await inContoso(async (em) => {
      const connection = await em.findOneOrFail(MailboxConnection, { id: connectionId });
      connection.lastSuccessAt = new Date(Date.now() - 2 * 3_600_000);
      connection.stallNotifiedAt = null;
      await em.flush();
    });
    expect(await inContoso((em) => notifyStalledSyncs(em))).toBe(1);
    expect(await inContoso((em) => notifyStalledSyncs(em))).toBe(0);
    const mine = await anna.get('/api/v1/me/notifications');
    const stalled = (mine.body.items as { kind: string; payload: { title: string } }[]).filter(
      (item) => item.kind === 'sync.stalled',
    );
    expect(stalled).toHaveLength(1);
    expect(stalled[0]?.payload.title).toMatch(/Outlook/);
    // A successful run clears the stall.
    await sync();
    const health = await anna.get('/api/v1/me/sync').set('Accept-Language', 'en');
    expect(health.body.mailboxes[0]).toMatchObject({ status: 'ok', lastError: null });
  });

  it("lets an admin connect a colleague's mailbox", async () => {
    const bjoernId = await contoso.userId(contoso.upn('Björn Müller'));
    const res = await anna.put(`/api/v1/admin/sync/users/${bjoernId}`).send({ enabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: bjoernId, enabledBy: 'admin', enabled: true });
    expect((await bjoern.get('/api/v1/me/sync')).body.mailboxes[0]).toMatchObject({
      userId: bjoernId,
      enabledBy: 'admin',
    });
    // Björn is no admin: he may not connect Anna's.
    expect((await bjoern.put(`/api/v1/admin/sync/users/${annaId}`).send({ enabled: false })).status).toBe(403);
    const off = await anna.put(`/api/v1/admin/sync/users/${bjoernId}`).send({ enabled: false });
    expect(off.body).toMatchObject({ enabled: false });
  });

  it("keeps tenants apart: another tenant's user sees no mailbox of mine, its admin sees none of ours", async () => {
    expect((await zoe.get('/api/v1/me/sync')).body).toEqual({ mailboxes: [] });
    expect((await zoe.get('/api/v1/admin/sync')).body).toEqual({ mailboxes: [], sharedMailboxes: [] });
    expect((await zoe.post('/api/v1/me/sync/run')).status).toBe(409);
    // Zoë (admin of Fabrikam) cannot connect Anna's mailbox.
    expect((await zoe.put(`/api/v1/admin/sync/users/${annaId}`).send({ enabled: true })).status).toBe(404);
    // Anna is Contoso's admin: she sees her mailbox; Björn (no admin) may not list them.
    const all = await anna.get('/api/v1/admin/sync');
    expect(all.body.mailboxes.map((mailbox: { userId: string }) => mailbox.userId)).toContain(annaId);
    expect(all.body.mailboxes.every((mailbox: { userId: string }) => mailbox.userId !== '')).toBe(true);
    const refused = await bjoern.get('/api/v1/admin/sync').set('Accept-Language', 'de');
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const connection = await inContoso((em) => em.findOneOrFail(MailboxConnection, { id: connectionId }));
    expect(connection.userId).toBe(annaId);
  });
  it('sends only the persons with a chosen tag to Outlook when Anna narrows her scope, and all again when she widens it', async () => {
    const tag = await anna.post('/api/v1/tags').send({ name: 'Outlook' });
    expect(tag.status).toBe(201);
    const brotmann = await inContoso((em) =>
      em.findOneOrFail(
        ContactLink,
        { connection: connectionId, outlookId: { $ne: null }, unlinkedAt: null },
        { populate: ['person'], filters: false, orderBy: { createdAt: 'asc' } },
      ),
    );
    const kept = brotmann.person.id;
    expect((await anna.put(`/api/v1/records/person/${kept}/tags/${tag.body.id}`)).status).toBe(204);
    const before = (await folderContacts()).length;
    expect(before).toBeGreaterThan(1);

    // Another tenant's tag, or none at all, is not found; Björn's scope is his own.
    const foreign = await zoe.post('/api/v1/tags').send({ name: 'Fremd' });
    const refused = await anna
      .put('/api/v1/me/sync/scope')
      .set('Accept-Language', 'de')
      .send({ tagId: foreign.body.id });
    expect(refused.status).toBe(404);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect((await anna.put('/api/v1/me/sync/scope').send({ tagId: 'nope' })).status).toBe(400);

    const narrowed = await anna.put('/api/v1/me/sync/scope').send({ tagId: tag.body.id });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.value).toEqual({ tagId: tag.body.id, savedFilterId: null });
    expect((await bjoern.get('/api/v1/me/sync/scope')).body.value).toEqual({ tagId: null, savedFilterId: null });
    await sync();
    const tagged = await folderContacts();
    expect(tagged).toHaveLength(1);
    expect((await anna.get('/api/v1/me/sync')).body.mailboxes[0]).toMatchObject({ status: 'ok', backlog: 0 });
    // The persons that left the folder stay in the CRM.
    expect((await anna.get('/api/v1/persons?limit=100')).body.items.length).toBeGreaterThanOrEqual(before);

    const current = await anna.get('/api/v1/me/sync/scope');
    const widened = await anna
      .put('/api/v1/me/sync/scope')
      .set('If-Match', current.headers.etag as string)
      .send({ tagId: null });
    expect(widened.status).toBe(200);
    await sync();
    const all = await folderContacts();
    expect(all).toHaveLength(before);
    expect(new Set(all.map((contact) => contact.surname)).size).toBe(all.length);
  });
  it('sends only the persons a chosen saved filter finds to Outlook, refuses a filter Anna may not use, and widens again', async () => {
    const before = await folderContacts();
    expect(before.length).toBeGreaterThan(1);
    const chosen = before[0]?.surname as string;

    // Björn's private filter and another tenant's do not exist for Anna; a deal filter is for another list.
    const bjoernsOwn = await bjoern.post('/api/v1/saved-filters').send({
      name: 'Björns Leute',
      entityType: 'person',
      filter: { field: 'lastName', op: 'eq', value: chosen },
    });
    expect(bjoernsOwn.status).toBe(201);
    const foreign = await zoe.post('/api/v1/saved-filters').send({
      name: 'Fremd',
      entityType: 'person',
      filter: { field: 'lastName', op: 'eq', value: chosen },
    });
    expect(foreign.status).toBe(201);
    for (const id of [bjoernsOwn.body.id, foreign.body.id]) {
      const refused = await anna
        .put('/api/v1/me/sync/scope')
        .set('Accept-Language', 'de')
        .send({ tagId: null, savedFilterId: id });
      expect(refused.status).toBe(404);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.detail).toContain('gespeicherten Filter');
    }
    const deals = await anna.post('/api/v1/saved-filters').send({
      name: 'Offene Deals',
      entityType: 'deal',
      filter: { field: 'status', op: 'eq', value: 'open' },
    });
    const mismatch = await anna.put('/api/v1/me/sync/scope').send({ tagId: null, savedFilterId: deals.body.id });
    expect(mismatch.status).toBe(422);
    expect(mismatch.headers['content-type']).toContain('application/problem+json');
    expect((await anna.put('/api/v1/me/sync/scope').send({ tagId: null, savedFilterId: 'nope' })).status).toBe(400);

    const mine = await anna.post('/api/v1/saved-filters').send({
      name: 'Nur einer',
      entityType: 'person',
      filter: { field: 'lastName', op: 'eq', value: chosen },
    });
    expect(mine.status).toBe(201);
    const narrowed = await anna.put('/api/v1/me/sync/scope').send({ tagId: null, savedFilterId: mine.body.id });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.value).toEqual({ tagId: null, savedFilterId: mine.body.id });
    await sync();
    const filtered = await folderContacts();
    expect(filtered.map((contact) => contact.surname)).toEqual([chosen]);
    expect((await anna.get('/api/v1/me/sync')).body.mailboxes[0]).toMatchObject({ status: 'ok', backlog: 0 });
    // The persons that left the folder stay in the CRM.
    expect((await anna.get('/api/v1/persons?limit=100')).body.items.length).toBeGreaterThanOrEqual(before.length);

    expect((await anna.put('/api/v1/me/sync/scope').send({ tagId: null, savedFilterId: null })).status).toBe(200);
    await sync();
    expect((await folderContacts()).length).toBe(before.length);
  });
});
