import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import { Migration20261124010000_activities_notes } from '../../../../../db/migrations/Migration20261124010000_activities_notes.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

const FOREIGN_ID = '0190f3c4-5b6a-7c8d-9e0f-123456789abc';

describe('activities', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let bjoern: AuthedAgent;
  let kaethe: AuthedAgent;
  let juergen: AuthedAgent;
  let lena: AuthedAgent;
  let ids: Record<'anna' | 'bjoern' | 'kaethe' | 'juergen' | 'lena', string>;
  let types: Record<string, string>;
  let person: string;
  let organization: string;

  const sql = <T>(query: string, params: unknown[] = []) => t.orm.em.getConnection().execute<T[]>(query, params);

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Aktivitäten GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Käthe Schäfer', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Jürgen Weiß', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Lena Groß', appRoles: ['CRM.SalesRep'] },
    ]);
    const as = (name: string) => contoso.as(contoso.upn(name));
    [anna, bjoern, kaethe, juergen, lena] = (await Promise.all(
      ['Anna Schmidt', 'Björn Müller', 'Käthe Schäfer', 'Jürgen Weiß', 'Lena Groß'].map(as),
    )) as [AuthedAgent, AuthedAgent, AuthedAgent, AuthedAgent, AuthedAgent];
    const id = (name: string) => contoso.userId(contoso.upn(name));
    ids = {
      anna: await id('Anna Schmidt'),
      bjoern: await id('Björn Müller'),
      kaethe: await id('Käthe Schäfer'),
      juergen: await id('Jürgen Weiß'),
      lena: await id('Lena Groß'),
    };
    const team = await anna
      .post('/api/v1/admin/teams')
      .send({ name: 'Vertrieb Nord', managerId: ids.juergen, memberIds: [ids.bjoern, ids.kaethe] });
    expect(team.status).toBe(201);
    const list = (await anna.get('/api/v1/activity-types')).body.items as { id: string; key: string | null }[];
    types = Object.fromEntries(list.filter((type) => type.key).map((type) => [type.key, type.id]));
    person = (await anna.post('/api/v1/persons').send({ firstName: 'Jürgen', lastName: 'Weißmann' })).body.id;
    organization = (await anna.post('/api/v1/organizations').send({ name: 'Bäckerei Schmitt GmbH' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const visit = (overrides: object = {}) => ({
    typeId: types.visit,
    subject: 'Besuch in der Backstube',
    startsAt: '2026-11-24T09:30:00+01:00',
    durationMinutes: 90,
    links: [
      { type: 'person', id: person },
      { type: 'organization', id: organization },
    ],
    ...overrides,
  });

  describe('types', () => {
    it('gives a new organisation call, email, meeting and visit, named in German and English', async () => {
      const res = await anna.get('/api/v1/activity-types');
      expect(res.status).toBe(200);
      expect(
        res.body.items
          .slice(0, 4)
          .map((type: { key: string }) => type.key)
          .sort(),
      ).toEqual(['call', 'email', 'meeting', 'visit']);
      const call = res.body.items.find((type: { key: string }) => type.key === 'call');
      expect(call).toMatchObject({
        name: 'Anruf',
        names: { de: 'Anruf', en: 'Call' },
        color: '#0f6cbd',
        icon: 'call',
        active: true,
      });
    });

    it('gives organisations set up before activities existed the same types (the migration)', async () => {
      const older = await t.createTenant('Contoso Altbestand GmbH', [{ displayName: 'Otto Alt' }]);
      await sql('delete from activity_type where tenant_id = ?', [older.id]);
      const migration = new Migration20261124010000_activities_notes(
        t.orm.em.getDriver() as unknown as AbstractSqlDriver,
        t.orm.config,
      );
      await migration.up();
      const backfill = migration.getQueries().at(-1) as string;
      expect(backfill).toMatch(/insert into activity_type/);
      await sql(backfill);
      await sql(backfill); // idempotent: a second run adds nothing
      const rows = await sql<{ id: string; system_key: string; name_de: string }>(
        'select id, system_key, name_de from activity_type where tenant_id = ? order by system_key',
        [older.id],
      );
      expect(rows.map((row) => [row.system_key, row.name_de])).toEqual([
        ['call', 'Anruf'],
        ['email', 'E-Mail'],
        ['meeting', 'Termin'],
        ['visit', 'Besuch'],
      ]);
      // UUIDv7, like every id made in code.
      for (const row of rows) expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-/);
      const api = await older.as(older.upn('Otto Alt'));
      expect((await api.get('/api/v1/activity-types')).body.items).toHaveLength(4);
    });

    it('lets an admin add a type with one name or two, recolor and retire it', async () => {
      const created = await anna
        .post('/api/v1/activity-types')
        .send({ name: 'Messe', color: '#A4262C', icon: 'people' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ key: null, names: { de: 'Messe', en: 'Messe' }, color: '#a4262c' });
      expect(created.headers.etag).toBe('"1"');
      const both = await anna
        .post('/api/v1/activity-types')
        .send({ name: { de: 'Schulung', en: 'Training' }, color: '#038387', icon: 'hat-graduation' });
      expect(both.body.names).toEqual({ de: 'Schulung', en: 'Training' });
      const renamed = await anna
        .patch(`/api/v1/activity-types/${created.body.id}`)
        .set('If-Match', '"1"')
        .send({ name: { de: 'Messebesuch', en: 'Trade fair' }, active: false });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'Messebesuch', active: false, version: 2 });
      const stale = await anna
        .patch(`/api/v1/activity-types/${created.body.id}`)
        .set('If-Match', '"1"')
        .send({ color: '#000000' });
      expect(stale.status).toBe(412);
      const offered = (await anna.get('/api/v1/activity-types?active=true')).body.items;
      expect(offered.map((type: { id: string }) => type.id)).not.toContain(created.body.id);
      // A retired type is offered no more for new activities.
      const onRetired = await anna.post('/api/v1/activities').send(visit({ typeId: created.body.id }));
      expect(onRetired.status).toBe(422);
      expect(onRetired.body.errors[0].pointer).toBe('#/typeId');
    });

    it('refuses a taken name, a bad color or icon, and anyone but an admin', async () => {
      const taken = await anna.post('/api/v1/activity-types').send({ name: 'anruf', color: '#123456', icon: 'x' });
      expect(taken.status).toBe(409);
      expect(taken.body.detail).toMatch(/anruf/);
      const color = await anna.post('/api/v1/activity-types').send({ name: 'Chat', color: 'red', icon: 'chat' });
      expect(color.status).toBe(400);
      expect(color.body.errors[0]).toMatchObject({ pointer: '#/color', detail: expect.stringMatching(/#rrggbb/) });
      const icon = await anna.post('/api/v1/activity-types').send({ name: 'Chat', color: '#123456', icon: '<svg>' });
      expect(icon.status).toBe(400);
      const rep = await bjoern.post('/api/v1/activity-types').send({ name: 'Chat', color: '#123456', icon: 'chat' });
      expect(rep.status).toBe(403);
      const repChange = await bjoern.patch(`/api/v1/activity-types/${types.call}`).send({ color: '#000000' });
      expect(repChange.status).toBe(403);
    });
  });

  describe('activities', () => {
    it('records a visit on a person and an organization and reads it back', async () => {
      const res = await bjoern.post('/api/v1/activities').send(visit({ outcome: 'Neue Öfen gewünscht' }));
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/api/v1/activities/${res.body.id}`);
      expect(res.body).toMatchObject({
        typeId: types.visit,
        type: { key: 'visit', name: 'Besuch', color: '#ca5010', icon: 'vehicle-car' },
        subject: 'Besuch in der Backstube',
        startsAt: '2026-11-24T08:30:00.000Z',
        durationMinutes: 90,
        endsAt: '2026-11-24T10:00:00.000Z',
        done: false,
        outcome: 'Neue Öfen gewünscht',
        ownerId: ids.bjoern,
        createdBy: ids.bjoern,
        version: 1,
      });
      expect(res.body.links).toEqual(
        [
          { type: 'organization', id: organization },
          { type: 'person', id: person },
        ].sort((a, b) => (a.type < b.type ? -1 : 1)),
      );
      const read = await bjoern.get(`/api/v1/activities/${res.body.id}`);
      expect(read.status).toBe(200);
      expect(read.headers.etag).toBe('"1"');
      expect(read.body).toEqual(res.body);
    });

    it('changes an activity under If-Match, keeps its history and refuses a stale version', async () => {
      const { body: created } = await bjoern.post('/api/v1/activities').send(visit({ subject: 'Termin vorbereiten' }));
      const changed = await bjoern
        .patch(`/api/v1/activities/${created.id}`)
        .set('If-Match', '"1"')
        .send({ done: true, outcome: 'Angebot zugesagt', links: [{ type: 'person', id: person }], description: null });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        done: true,
        outcome: 'Angebot zugesagt',
        version: 2,
        updatedBy: ids.bjoern,
      });
      expect(changed.body.links).toEqual([{ type: 'person', id: person }]);
      const stale = await bjoern.patch(`/api/v1/activities/${created.id}`).set('If-Match', '"1"').send({ done: false });
      expect(stale.status).toBe(412);
      expect(stale.headers['content-type']).toMatch(/problem\+json/);
      const unchanged = await bjoern.patch(`/api/v1/activities/${created.id}`).send({ done: true });
      expect(unchanged.body.version).toBe(2);
      const twoLinks = [
        { type: 'person', id: person },
        { type: 'organization', id: organization },
      ];
      const linked = await bjoern.patch(`/api/v1/activities/${created.id}`).send({ links: twoLinks });
      expect(linked.body.version).toBe(3);
      const reordered = await bjoern.patch(`/api/v1/activities/${created.id}`).send({ links: twoLinks.reverse() });
      expect(reordered.body.version).toBe(3);
      await bjoern.patch(`/api/v1/activities/${created.id}`).send({ links: [{ type: 'person', id: person }] });
      const history = await bjoern.get(`/api/v1/activities/${created.id}/history`);
      expect(history.status).toBe(200);
      const fields = history.body.items.map(
        (item: { action: string; field: string | null }) => item.field ?? item.action,
      );
      expect(fields.sort()).toEqual(['create', 'done', 'links', 'links', 'links', 'outcome']);
      const organizationActivities = await bjoern.get(`/api/v1/activities?record=organization:${organization}`);
      expect(organizationActivities.body.items.map((item: { id: string }) => item.id)).not.toContain(created.id);
    });

    it('refuses bad input with a problem that says what to fix, and stores nothing', async () => {
      const before = await sql<{ n: number }>('select count(*)::int as n from activity');
      const noOffset = await bjoern.post('/api/v1/activities').send(visit({ startsAt: '2026-11-24T09:30:00' }));
      expect(noOffset.status).toBe(400);
      expect(noOffset.body.errors[0]).toMatchObject({ pointer: '#/startsAt', detail: expect.stringMatching(/offset/) });
      const impossible = await bjoern.post('/api/v1/activities').send(visit({ startsAt: '2026-02-30T09:30:00+01:00' }));
      expect(impossible.status).toBe(400);
      const negative = await bjoern.post('/api/v1/activities').send(visit({ durationMinutes: -5 }));
      expect(negative.status).toBe(400);
      expect(negative.body.errors[0].pointer).toBe('#/durationMinutes');
      const unknownType = await bjoern.post('/api/v1/activities').send(visit({ typeId: FOREIGN_ID }));
      expect(unknownType.status).toBe(422);
      const badLinkType = await bjoern
        .post('/api/v1/activities')
        .send(visit({ links: [{ type: 'spaceship', id: person }] }));
      expect(badLinkType.status).toBe(400);
      expect(badLinkType.body.errors[0].pointer).toBe('#/links/0/type');
      const unknownOwner = await bjoern.post('/api/v1/activities').send(visit({ ownerId: FOREIGN_ID }));
      expect(unknownOwner.status).toBe(422);
      expect(unknownOwner.body.errors[0].pointer).toBe('#/ownerId');
      const extra = await bjoern.post('/api/v1/activities').send(visit({ priority: 'high' }));
      expect(extra.status).toBe(400);
      const after = await sql<{ n: number }>('select count(*)::int as n from activity');
      expect(after[0]?.n).toBe(before[0]?.n);
    });

    it("refuses another organisation's records, types and activities", async () => {
      const fabrikam = await t.createTenant('Fabrikam Aktivitäten AG', [{ displayName: 'Zoë Bäcker' }]);
      const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
      const theirPerson = (await zoe.post('/api/v1/persons').send({ lastName: 'Fremd' })).body.id;
      const theirTypes = (await zoe.get('/api/v1/activity-types')).body.items;
      const theirs = await zoe.post('/api/v1/activities').send({
        typeId: theirTypes[0].id,
        subject: 'Geheimes Treffen',
        startsAt: '2026-11-24T09:30:00+01:00',
        links: [{ type: 'person', id: theirPerson }],
      });
      expect(theirs.status).toBe(201);
      const link = await anna.post('/api/v1/activities').send(visit({ links: [{ type: 'person', id: theirPerson }] }));
      expect(link.status).toBe(422);
      expect(link.body.errors[0].pointer).toBe('#/links/0/id');
      expect((await anna.post('/api/v1/activities').send(visit({ typeId: theirTypes[0].id }))).status).toBe(422);
      expect((await anna.get(`/api/v1/activities/${theirs.body.id}`)).status).toBe(404);
      expect((await anna.patch(`/api/v1/activities/${theirs.body.id}`).send({ done: true })).status).toBe(404);
      expect((await anna.delete(`/api/v1/activities/${theirs.body.id}`)).status).toBe(404);
      expect((await anna.patch(`/api/v1/activity-types/${theirTypes[0].id}`).send({ active: false })).status).toBe(404);
      const everything = (await anna.get('/api/v1/activities?limit=200')).body.items;
      expect(everything.map((item: { id: string }) => item.id)).not.toContain(theirs.body.id);
    });

    it('moves an activity to the trash and back; only an admin empties the trash', async () => {
      const { body: created } = await bjoern.post('/api/v1/activities').send(visit({ subject: 'Wird gelöscht' }));
      expect((await bjoern.delete(`/api/v1/activities/${created.id}`).set('If-Match', '"7"')).status).toBe(412);
      expect((await bjoern.delete(`/api/v1/activities/${created.id}`).set('If-Match', '"1"')).status).toBe(204);
      expect((await bjoern.get(`/api/v1/activities/${created.id}`)).status).toBe(404);
      const listed = (await bjoern.get('/api/v1/activities?limit=200')).body.items.map(
        (item: { id: string }) => item.id,
      );
      expect(listed).not.toContain(created.id);
      const trash = await bjoern.get('/api/v1/activities?trash=true');
      expect(trash.body.items[0]).toMatchObject({ id: created.id, deletedAt: expect.any(String) });
      const restored = await bjoern.post(`/api/v1/activities/${created.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body.deletedAt).toBeNull();
      expect((await bjoern.post(`/api/v1/activities/${created.id}/restore`)).status).toBe(404);
      await bjoern.delete(`/api/v1/activities/${created.id}`);
      expect((await bjoern.delete(`/api/v1/trash/activities/${created.id}`)).status).toBe(403);
      expect((await anna.delete(`/api/v1/trash/activities/${created.id}`)).status).toBe(204);
      expect((await anna.post(`/api/v1/activities/${created.id}/restore`)).status).toBe(404);
      const links = await sql('select 1 from record_link where item_id = ?', [created.id]);
      expect(links).toHaveLength(0);
      const history = (await anna.get(`/api/v1/activities/${created.id}/history`)).status;
      expect(history).toBe(404);
    });
  });

  describe('who sees what', () => {
    let mine: string;
    let colleagues: string;
    let outsiders: string;

    beforeAll(async () => {
      const create = async (agent: AuthedAgent, subject: string) =>
        (await agent.post('/api/v1/activities').send(visit({ subject, startsAt: '2027-03-01T10:00:00+01:00' }))).body
          .id as string;
      mine = await create(bjoern, 'Sichtbar Björn');
      colleagues = await create(kaethe, 'Sichtbar Käthe');
      outsiders = await create(lena, 'Sichtbar Lena');
    });

    const seenBy = async (agent: AuthedAgent) => {
      const filter = encodeURIComponent(JSON.stringify({ field: 'subject', op: 'starts', value: 'Sichtbar' }));
      const res = await agent.get(`/api/v1/activities?filter=${filter}`);
      expect(res.status).toBe(200);
      return res.body.items.map((item: { id: string }) => item.id).sort();
    };

    it('shows a sales rep their own activities only', async () => {
      expect(await seenBy(bjoern)).toEqual([mine]);
      expect((await bjoern.get(`/api/v1/activities/${colleagues}`)).status).toBe(404);
      expect((await bjoern.patch(`/api/v1/activities/${colleagues}`).send({ done: true })).status).toBe(404);
      expect((await bjoern.delete(`/api/v1/activities/${colleagues}`)).status).toBe(404);
      expect((await bjoern.get(`/api/v1/activities/${colleagues}/history`)).status).toBe(404);
    });

    it("shows a manager their team's activities, and an admin all", async () => {
      expect(await seenBy(juergen)).toEqual([mine, colleagues].sort());
      expect((await juergen.patch(`/api/v1/activities/${colleagues}`).send({ done: true })).status).toBe(200);
      expect(await seenBy(anna)).toEqual([mine, colleagues, outsiders].sort());
    });

    it('lets someone hand an activity to a colleague, who then sees it', async () => {
      const handed = await bjoern
        .post('/api/v1/activities')
        .send(visit({ subject: 'Übergabe', ownerId: ids.lena, startsAt: '2027-03-02T10:00:00+01:00' }));
      expect(handed.status).toBe(201);
      expect(handed.body.ownerId).toBe(ids.lena);
      expect((await lena.get(`/api/v1/activities/${handed.body.id}`)).status).toBe(200);
      const deactivated = await anna.patch(`/api/v1/admin/users/${ids.kaethe}`).send({ active: false });
      expect(deactivated.status).toBe(200);
      const toInactive = await bjoern.post('/api/v1/activities').send(visit({ ownerId: ids.kaethe }));
      expect(toInactive.status).toBe(422);
      expect(toInactive.body.detail).toMatch(/active user/);
      await anna.patch(`/api/v1/admin/users/${ids.kaethe}`).send({ active: true });
    });
  });

  describe('lists', () => {
    let march: string[];

    beforeAll(async () => {
      march = [];
      for (let day = 10; day <= 14; day++) {
        const res = await anna.post('/api/v1/activities').send(
          visit({
            typeId: day % 2 === 0 ? types.call : types.meeting,
            subject: `Liste ${day}`,
            startsAt: `2027-05-${day}T08:00:00+02:00`,
            done: day === 12,
            links: [{ type: 'organization', id: organization }],
          }),
        );
        march.push(res.body.id);
      }
    });

    const query = (filter: object, extra = '') =>
      anna.get(`/api/v1/activities?filter=${encodeURIComponent(JSON.stringify(filter))}${extra}`);

    it('pages newest start first with a cursor, or oldest first', async () => {
      const liste = { field: 'subject', op: 'starts', value: 'Liste' };
      const first = await query(liste, '&limit=2');
      expect(first.body.items.map((item: { subject: string }) => item.subject)).toEqual(['Liste 14', 'Liste 13']);
      const second = await query(liste, `&limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items.map((item: { subject: string }) => item.subject)).toEqual(['Liste 12', 'Liste 11']);
      const third = await query(liste, `&limit=2&cursor=${second.body.nextCursor}`);
      expect(third.body.items.map((item: { subject: string }) => item.subject)).toEqual(['Liste 10']);
      expect(third.body.nextCursor).toBeNull();
      const ascending = await query(liste, '&sort=startsAt&limit=1');
      expect(ascending.body.items[0].subject).toBe('Liste 10');
    });

    it('filters by type, done, start range, owner and linked record', async () => {
      const calls = await query({
        and: [
          { field: 'typeKey', op: 'eq', value: 'call' },
          { field: 'startsAt', op: 'between', value: ['2027-05-10T00:00:00+02:00', '2027-05-12T23:59:59+02:00'] },
        ],
      });
      expect(calls.body.items.map((item: { subject: string }) => item.subject)).toEqual(['Liste 12', 'Liste 10']);
      const done = await query({
        and: [
          { field: 'done', op: 'eq', value: true },
          { field: 'typeId', op: 'eq', value: types.call },
        ],
      });
      expect(done.body.items.map((item: { subject: string }) => item.subject)).toContain('Liste 12');
      expect(done.body.items.every((item: { done: boolean }) => item.done)).toBe(true);
      const owned = await query(
        { field: 'ownerId', op: 'eq', value: ids.anna },
        `&record=organization:${organization}`,
      );
      expect(owned.body.items.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining(march));
      const onPerson = await query({ field: 'subject', op: 'starts', value: 'Liste' }, `&record=person:${person}`);
      expect(onPerson.body.items).toEqual([]);
    });

    it('answers a bad filter, record or cursor with 400 naming it', async () => {
      const field = await query({ field: 'colour', op: 'eq', value: 'x' });
      expect(field.status).toBe(400);
      expect(field.body.errors[0]).toMatchObject({
        pointer: '#/filter/field',
        detail: expect.stringMatching(/startsAt/),
      });
      const record = await anna.get('/api/v1/activities?record=person');
      expect(record.status).toBe(400);
      expect(record.body.errors[0].pointer).toBe('#/record');
      expect((await anna.get('/api/v1/activities?cursor=bm9wZQ')).status).toBe(400);
    });
  });
  describe('in the 360° view', () => {
    it("shows a record's activities the caller may see: count, open ones, newest first, at a cost that does not grow", async () => {
      const small = (await anna.post('/api/v1/organizations').send({ name: 'Klein Termin KG' })).body.id;
      const large = (await anna.post('/api/v1/organizations').send({ name: 'Groß Termin AG' })).body.id;
      const on = (id: string) => [{ type: 'organization', id }];
      await bjoern.post('/api/v1/activities').send(visit({ links: on(small) }));
      for (let i = 1; i <= 9; i++) {
        await bjoern
          .post('/api/v1/activities')
          .send(
            visit({ subject: `Termin ${i}`, startsAt: `2027-01-0${i}T10:00:00+01:00`, done: i <= 3, links: on(large) }),
          );
      }
      await lena.post('/api/v1/activities').send(visit({ subject: 'Lenas Termin', links: on(large) }));
      const forBjoern = (await bjoern.get(`/api/v1/records/organization/${large}/overview`)).body.activities;
      expect(forBjoern).toMatchObject({ count: 9, open: 6 });
      expect(forBjoern.newest.map((item: { subject: string }) => item.subject)).toEqual([
        'Termin 9',
        'Termin 8',
        'Termin 7',
        'Termin 6',
        'Termin 5',
      ]);
      expect(forBjoern.newest[0]).toMatchObject({ type: { key: 'visit' }, ownerId: ids.bjoern, done: false });
      expect((await anna.get(`/api/v1/records/organization/${large}/overview`)).body.activities.count).toBe(10);
      const cost = (id: string) =>
        t.countQueries(async () =>
          expect((await juergen.get(`/api/v1/records/organization/${id}/overview`)).status).toBe(200),
        );
      expect(await cost(large)).toBe(await cost(small));
    });
  });
});
