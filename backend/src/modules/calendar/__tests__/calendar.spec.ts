import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '../../../ids.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

interface Calendar {
  from: string;
  to: string;
  timeZone: string;
  start: string;
  end: string;
  activities: {
    subject: string;
    startsAt: string;
    endsAt: string | null;
    typeName: string;
    ownerId: string;
    links: { type: string; id: string }[];
  }[];
  tasks: { title: string; dueAt: string; status: string; assigneeId: string | null }[];
  phases: {
    dealTitle: string;
    stageName: string;
    enteredAt: string;
    leftAt: string | null;
    tasksDone: number;
    tasksTotal: number;
  }[];
  truncated: string[];
}

describe('the calendar', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let bjoern: AuthedAgent;
  let juergen: AuthedAgent;
  let fabrikamAdmin: AuthedAgent;
  let ids: Record<'anna' | 'bjoern' | 'kaethe' | 'juergen' | 'lena', string>;
  let meetingType: string;
  let organization: string;

  const sql = <T>(query: string, params: unknown[] = []) => t.orm.em.getConnection().execute<T[]>(query, params);

  const activity = async (agent: AuthedAgent, subject: string, startsAt: string, ownerId?: string) => {
    const res = await agent.post('/api/v1/activities').send({
      typeId: meetingType,
      subject,
      startsAt,
      durationMinutes: 90,
      links: [{ type: 'organization', id: organization }],
      ...(ownerId ? { ownerId } : {}),
    });
    expect({ status: res.status, body: res.status === 201 ? null : res.body }).toEqual({ status: 201, body: null });
    return res.body.id as string;
  };

  /** A task as the tasks module stores it, linked to a record. */
  const task = async (
    tenant: TestTenant,
    title: string,
    dueAt: string,
    fields: { assignee?: string; status?: string; deal?: string } = {},
  ) => {
    const id = newId();
    await sql(
      `insert into task (id, tenant_id, title, assignee_id, owner_id, due_at, status, priority)
       values (?, ?, ?, ?, ?, ?, ?, 'normal')`,
      [id, tenant.id, title, fields.assignee ?? null, fields.assignee ?? null, dueAt, fields.status ?? 'open'],
    );
    if (fields.deal) {
      await sql(
        `insert into record_link (tenant_id, item_type, item_id, record_type, record_id) values (?, 'task', ?, 'deal', ?)`,
        [tenant.id, id, fields.deal],
      );
    }
    return id;
  };

  /** A deal of the owner that entered each stage at the time given, in that order. */
  const dealThrough = async (agent: AuthedAgent, title: string, stages: [name: string, at: string][]) => {
    const pipeline = (await agent.get('/api/v1/pipelines?kind=deal')).body.items[0] as {
      stages: { id: string; name: string }[];
    };
    const stageId = (name: string) => pipeline.stages.find((stage) => stage.name === name)?.id;
    const [first, ...later] = stages;
    const created = await agent
      .post('/api/v1/deals')
      .send({ title, organizationId: organization, stageId: stageId(first?.[0] ?? '') });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    for (const [name] of later) {
      const moved = await agent.patch(`/api/v1/deals/${id}`).send({ stageId: stageId(name) });
      expect(moved.status).toBe(200);
    }
    const changes = await sql<{ id: string }>(
      'select id from deal_stage_change where deal_id = ? order by changed_at, id',
      [id],
    );
    for (const [index, change] of changes.entries()) {
      await sql('update deal_stage_change set changed_at = ? where id = ?', [stages[index]?.[1], change.id]);
    }
    await sql('update deal set created_at = ? where id = ?', [stages[0]?.[1], id]);
    return id;
  };

  const calendar = async (agent: AuthedAgent, query: string) => {
    const res = await agent.get(`/api/v1/calendar?${query}`).set('Accept-Language', 'de');
    expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
    return res.body as Calendar;
  };
  const subjects = (body: Calendar) => body.activities.map((item) => item.subject);
  const titles = (body: Calendar) => body.tasks.map((item) => item.title);
  const deals = (body: Calendar) => [...new Set(body.phases.map((phase) => phase.dealTitle))];

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Kalender GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Käthe Schäfer', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Jürgen Weiß', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Lena Groß', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    bjoern = await contoso.as(contoso.upn('Björn Müller'));
    juergen = await contoso.as(contoso.upn('Jürgen Weiß'));
    const kaethe = await contoso.as(contoso.upn('Käthe Schäfer'));
    const lena = await contoso.as(contoso.upn('Lena Groß'));
    const id = (name: string) => contoso.userId(contoso.upn(name));
    ids = {
      anna: await id('Anna Schmidt'),
      bjoern: await id('Björn Müller'),
      kaethe: await id('Käthe Schäfer'),
      juergen: await id('Jürgen Weiß'),
      lena: await id('Lena Groß'),
    };
    await anna
      .post('/api/v1/admin/teams')
      .send({ name: 'Vertrieb Nord', managerId: ids.juergen, memberIds: [ids.bjoern, ids.kaethe] });
    meetingType = (await anna.get('/api/v1/activity-types')).body.items.find(
      (type: { key: string }) => type.key === 'meeting',
    ).id;
    organization = (await anna.post('/api/v1/organizations').send({ name: 'Bäckerei Schmitt GmbH' })).body.id;

    await activity(bjoern, 'Björns Termin', '2026-11-10T10:00:00+01:00');
    await activity(bjoern, 'Spät am Monatsende', '2026-11-30T23:30:00+01:00');
    await activity(bjoern, 'Kurz nach Mitternacht', '2026-12-01T00:30:00+01:00');
    await activity(kaethe, 'Käthes Termin', '2026-11-12T09:00:00+01:00');
    await activity(lena, 'Lenas Termin', '2026-11-11T09:00:00+01:00');
    await task(contoso, 'Björns Aufgabe', '2026-11-15T09:00:00+01:00', { assignee: ids.bjoern });
    await task(contoso, 'Lenas Aufgabe', '2026-11-16T09:00:00+01:00', { assignee: ids.lena });

    const bakery = await dealThrough(bjoern, 'Backstraße', [
      ['Qualifizierung', '2026-10-20T08:00:00Z'],
      ['Angebot', '2026-11-14T08:00:00Z'],
    ]);
    await task(contoso, 'Bedarf klären', '2026-11-01T09:00:00+01:00', { deal: bakery });
    await task(contoso, 'Angebot schreiben', '2026-11-16T09:00:00+01:00', { deal: bakery, status: 'done' });
    await task(contoso, 'Angebot nachfassen', '2026-11-20T09:00:00+01:00', { deal: bakery });
    await task(contoso, 'Abgesagt', '2026-11-21T09:00:00+01:00', { deal: bakery, status: 'cancelled' });
    await dealThrough(lena, 'Lenas Deal', [['Qualifizierung', '2026-11-02T08:00:00Z']]);
    // Closed before the window: none of its phases shows.
    await dealThrough(bjoern, 'Längst gewonnen', [
      ['Qualifizierung', '2026-09-01T08:00:00Z'],
      ['Gewonnen', '2026-09-20T08:00:00Z'],
    ]);
    await sql(`update deal set closed_at = '2026-09-20T08:00:00Z' where title = 'Längst gewonnen'`);

    const fabrikam = await t.createTenant('Fabrikam Kalender AG', [{ displayName: 'Fritz Fabrikam' }]);
    fabrikamAdmin = await fabrikam.as(fabrikam.upn('Fritz Fabrikam'));
  });
  afterAll(async () => {
    await t.close();
  });

  it("shows a rep's activities, tasks and deal phases of the month, cut at the days of Berlin", async () => {
    const body = await calendar(bjoern, 'from=2026-11-01&to=2026-11-30');
    expect(body).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-30',
      timeZone: 'Europe/Berlin',
      start: '2026-10-31T23:00:00.000Z',
      end: '2026-11-30T23:00:00.000Z',
      truncated: [],
    });
    expect(subjects(body)).toEqual(['Björns Termin', 'Spät am Monatsende']);
    expect(body.activities[0]).toMatchObject({
      startsAt: '2026-11-10T09:00:00.000Z',
      endsAt: '2026-11-10T10:30:00.000Z',
      typeName: 'Termin',
      ownerId: ids.bjoern,
      links: [{ type: 'organization', id: organization }],
    });
    expect(titles(body)).toEqual(['Björns Aufgabe']);
    expect(body.phases).toEqual([
      expect.objectContaining({
        dealTitle: 'Backstraße',
        stageName: 'Qualifizierung',
        enteredAt: '2026-10-20T08:00:00.000Z',
        leftAt: '2026-11-14T08:00:00.000Z',
        tasksDone: 0,
        tasksTotal: 1,
      }),
      expect.objectContaining({
        dealTitle: 'Backstraße',
        stageName: 'Angebot',
        enteredAt: '2026-11-14T08:00:00.000Z',
        leftAt: null,
        tasksDone: 1,
        tasksTotal: 2,
      }),
    ]);
  });

  it('cuts the days in the zone asked for, and in the zone of the user’s calendar setting', async () => {
    const utc = await calendar(bjoern, 'from=2026-11-01&to=2026-11-30&timeZone=UTC&types=activity');
    expect(subjects(utc)).toEqual(['Björns Termin', 'Spät am Monatsende', 'Kurz nach Mitternacht']);
    const saved = await bjoern
      .put('/api/v1/me/settings/calendar-sync')
      .set('If-Match', '"0"')
      .send({ crmCategoryOnly: false, timeZone: 'UTC' });
    expect(saved.status).toBe(200);
    const mine = await calendar(bjoern, 'from=2026-11-30&to=2026-11-30&types=activity');
    expect({ zone: mine.timeZone, subjects: subjects(mine) }).toEqual({
      zone: 'UTC',
      subjects: ['Spät am Monatsende', 'Kurz nach Mitternacht'],
    });
  });

  it('shows a manager the team with owner=team and only their own with owner=me; an admin everything', async () => {
    const team = await calendar(juergen, 'from=2026-11-01&to=2026-11-30&owner=team');
    expect(subjects(team)).toEqual(['Björns Termin', 'Käthes Termin', 'Spät am Monatsende']);
    expect(titles(team)).toEqual(['Björns Aufgabe']);
    expect(deals(team)).toEqual(['Backstraße']);
    const own = await calendar(juergen, 'from=2026-11-01&to=2026-11-30&owner=me');
    expect([subjects(own), titles(own), deals(own)]).toEqual([[], [], []]);
    const all = await calendar(anna, 'from=2026-11-01&to=2026-11-30');
    expect(subjects(all)).toContain('Lenas Termin');
    // The deal's tasks belong to nobody: an admin sees them, the rep not.
    expect(titles(all)).toEqual(expect.arrayContaining(['Björns Aufgabe', 'Lenas Aufgabe', 'Bedarf klären']));
    expect(deals(all)).toEqual(['Backstraße', 'Lenas Deal']);
  });

  it("never shows a rep a colleague's items, nor another tenant's", async () => {
    const rep = await calendar(bjoern, 'from=2026-11-01&to=2026-11-30&owner=team');
    expect(subjects(rep)).not.toContain('Käthes Termin');
    expect(subjects(rep)).not.toContain('Lenas Termin');
    expect(titles(rep)).not.toContain('Lenas Aufgabe');
    expect(deals(rep)).toEqual(['Backstraße']);
    const other = await calendar(fabrikamAdmin, 'from=2026-11-01&to=2026-11-30');
    expect([subjects(other), titles(other), deals(other)]).toEqual([[], [], []]);
  });

  it('answers only the types asked for', async () => {
    const body = await calendar(bjoern, 'from=2026-11-01&to=2026-11-30&types=task,phase&timeZone=Europe/Berlin');
    expect(body.activities).toEqual([]);
    expect(titles(body)).toEqual(['Björns Aufgabe']);
    expect(deals(body)).toEqual(['Backstraße']);
  });

  it('refuses a window longer than 100 days, backwards, or of unknown types, in German', async () => {
    const long = await bjoern.get('/api/v1/calendar?from=2026-01-01&to=2026-04-11').set('Accept-Language', 'de');
    expect(long.status).toBe(400);
    expect(long.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(long.body).toMatchObject({
      type: 'urn:crm:problem:validation_failed',
      title: 'Der Zeitraum ist zu lang',
      detail:
        'Eine Zeitleiste umfasst höchstens 100 Tage; 2026-01-01 bis 2026-04-11 sind 101. Fragen Sie einen kürzeren Zeitraum ab.',
    });
    expect(long.body.errors).toEqual([{ in: 'query', pointer: '#/to', detail: 'höchstens 100 Tage nach from' }]);
    const hundred = await bjoern.get('/api/v1/calendar?from=2026-01-01&to=2026-04-10');
    expect(hundred.status).toBe(200);

    const backwards = await bjoern.get('/api/v1/calendar?from=2026-11-30&to=2026-11-01').set('Accept-Language', 'en');
    expect(backwards.status).toBe(400);
    expect(backwards.body.detail).toBe('to (2026-11-01) is before from (2026-11-30); swap them.');

    const types = await bjoern.get('/api/v1/calendar?from=2026-11-01&to=2026-11-30&types=meeting');
    expect(types.status).toBe(400);
    expect(types.body.errors[0]).toMatchObject({ in: 'query', pointer: '#/types/0' });
    const zone = await bjoern.get('/api/v1/calendar?from=2026-11-01&to=2026-11-30&timeZone=Mars/Olympus');
    expect(zone.status).toBe(400);
    expect(zone.body.errors[0]).toMatchObject({ pointer: '#/timeZone' });
  });
});
