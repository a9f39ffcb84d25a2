import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CRM_MODULES } from '../../../app.ts';
import { newId } from '../../../ids.ts';
import type { CrmModule } from '../../../modules/module.ts';
import type { TimelineSource } from '../../../records/timeline.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { dayIn, startOfDay } from '../time-zones.ts';

interface Day {
  date: string;
  items: {
    kind: string;
    id: string;
    at: string;
    title: string;
    userId: string | null;
    details: Record<string, unknown>;
  }[];
}

// A module adds its entries the same way (sales: deal stage changes); here a source that shows one fixed entry.
const milestones: TimelineSource = async (_em, principal, window) => {
  const at = '2026-11-20T12:00:00.000Z';
  const inside = window.from <= at && at < window.to && principal.roles.has('admin') && !window.record;
  return {
    entries: inside
      ? [
          {
            kind: 'milestone',
            id: '01900000-0000-7000-8000-000000000001',
            at,
            title: 'Messe',
            userId: null,
            details: {},
          },
        ]
      : [],
    truncated: false,
  };
};

const milestonesModule: CrmModule = { name: 'test-milestones', timelineSources: { test_milestones: milestones } };

describe('the timeline', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let bjoern: AuthedAgent;
  let juergen: AuthedAgent;
  let ids: Record<'anna' | 'bjoern' | 'kaethe' | 'juergen' | 'lena', string>;
  let teamId: string;
  let meetingType: string;
  let person: string;

  const sql = <T>(query: string, params: unknown[] = []) => t.orm.em.getConnection().execute<T[]>(query, params);

  const activity = async (agent: AuthedAgent, subject: string, startsAt: string, extra: object = {}) => {
    const res = await agent.post('/api/v1/activities').send({
      typeId: meetingType,
      subject,
      startsAt,
      durationMinutes: 60,
      links: [{ type: 'person', id: person }],
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  /** A task as the tasks module stores it (its own API is another module's). */
  const task = async (
    title: string,
    dueAt: string,
    fields: { assignee?: string; team?: string; deleted?: boolean; substitutedFor?: string } = {},
  ) => {
    const id = newId();
    await sql(
      `insert into task (id, tenant_id, title, assignee_id, team_id, owner_id, due_at, status, priority, deleted_at,
                         substituted_for)
       values (?, ?, ?, ?, ?, ?, ?, 'open', 'high', ?, ?)`,
      [
        id,
        contoso.id,
        title,
        fields.assignee ?? null,
        fields.team ?? null,
        ids.anna,
        dueAt,
        fields.deleted ? new Date() : null,
        fields.substitutedFor ?? null,
      ],
    );
    await sql(
      `insert into record_link (tenant_id, item_type, item_id, record_type, record_id) values (?, 'task', ?, 'person', ?)`,
      [contoso.id, id, person],
    );
    return id;
  };

  beforeAll(async () => {
    t = await createTestApp({ modules: [...CRM_MODULES, milestonesModule] });
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
    const id = (name: string) => contoso.userId(contoso.upn(name));
    ids = {
      anna: await id('Anna Schmidt'),
      bjoern: await id('Björn Müller'),
      kaethe: await id('Käthe Schäfer'),
      juergen: await id('Jürgen Weiß'),
      lena: await id('Lena Groß'),
    };
    teamId = (
      await anna
        .post('/api/v1/admin/teams')
        .send({ name: 'Vertrieb Nord', managerId: ids.juergen, memberIds: [ids.bjoern, ids.kaethe] })
    ).body.id;
    meetingType = (await anna.get('/api/v1/activity-types')).body.items.find(
      (type: { key: string }) => type.key === 'meeting',
    ).id;
    person = (await anna.post('/api/v1/persons').send({ firstName: 'Jürgen', lastName: 'Weißmann' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const timeline = async (agent: AuthedAgent, query: string) => {
    const res = await agent.get(`/api/v1/timeline?${query}`);
    expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
    return res.body as { from: string; to: string; timeZone: string; days: Day[]; truncated: string[] };
  };
  const titlesByDay = (days: Day[]) =>
    Object.fromEntries(
      days.filter((day) => day.items.length > 0).map((day) => [day.date, day.items.map((item) => item.title)]),
    );

  it('puts activities by start and tasks by due time on the days of Berlin, every day of the range listed', async () => {
    await activity(anna, 'Spät am Abend', '2026-11-24T23:30:00+01:00');
    // 00:30 on the 25th in Berlin
    await activity(anna, 'Kurz nach Mitternacht', '2026-11-24T23:30:00Z', { location: 'Werkstatt Köln' });
    await task('Angebot schicken', '2026-11-25T09:00:00+01:00', { assignee: ids.anna });
    await task('Gelöscht', '2026-11-25T10:00:00+01:00', { assignee: ids.anna, deleted: true });
    const body = await timeline(anna, 'from=2026-11-23&to=2026-11-26');
    expect(body).toMatchObject({ from: '2026-11-23', to: '2026-11-26', timeZone: 'Europe/Berlin', truncated: [] });
    expect(body.days.map((day) => day.date)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']);
    expect(titlesByDay(body.days)).toEqual({
      '2026-11-24': ['Spät am Abend'],
      '2026-11-25': ['Kurz nach Mitternacht', 'Angebot schicken'],
    });
    const [meeting, due] = body.days[2]?.items ?? [];
    expect(meeting).toMatchObject({
      kind: 'activity',
      at: '2026-11-24T23:30:00.000Z',
      userId: ids.anna,
      details: {
        type: { key: 'meeting', name: 'Termin' },
        durationMinutes: 60,
        allDay: false,
        location: 'Werkstatt Köln',
        done: false,
      },
    });
    expect(due).toMatchObject({ kind: 'task', userId: ids.anna, details: { status: 'open', priority: 'high' } });
  });

  it('cuts the days in the time zone asked for', async () => {
    const utc = await timeline(anna, 'from=2026-11-24&to=2026-11-25&tz=UTC');
    expect(utc.timeZone).toBe('UTC');
    expect(titlesByDay(utc.days)).toEqual({
      '2026-11-24': ['Spät am Abend', 'Kurz nach Mitternacht'],
      '2026-11-25': ['Angebot schicken'],
    });
    const tokyo = await timeline(anna, 'from=2026-11-25&to=2026-11-25&tz=asia/tokyo');
    expect(tokyo.timeZone).toBe('Asia/Tokyo');
    expect(titlesByDay(tokyo.days)).toEqual({
      '2026-11-25': ['Spät am Abend', 'Kurz nach Mitternacht', 'Angebot schicken'],
    });
  });

  it('keeps days whole across the change to winter time', async () => {
    await activity(anna, 'Sommerzeit-Ende früh', '2026-10-25T00:30:00+02:00');
    await activity(anna, 'Sommerzeit-Ende spät', '2026-10-25T23:30:00+01:00');
    await activity(anna, 'Tag danach', '2026-10-26T00:00:00+01:00');
    const body = await timeline(anna, 'from=2026-10-25&to=2026-10-26');
    expect(titlesByDay(body.days)).toEqual({
      '2026-10-25': ['Sommerzeit-Ende früh', 'Sommerzeit-Ende spät'],
      '2026-10-26': ['Tag danach'],
    });
  });

  it('shows a sales rep their own and their team tasks, a manager the team, an admin everything', async () => {
    await activity(bjoern, 'Björns Termin', '2026-12-02T10:00:00+01:00');
    await activity(anna, 'Lenas Termin', '2026-12-02T11:00:00+01:00', { ownerId: ids.lena });
    await task('Björns Aufgabe', '2026-12-02T12:00:00+01:00', { assignee: ids.bjoern });
    await task('Käthes Aufgabe', '2026-12-02T13:00:00+01:00', { assignee: ids.kaethe });
    await task('Teamaufgabe', '2026-12-02T14:00:00+01:00', { team: teamId });
    await task('Lenas Aufgabe', '2026-12-02T15:00:00+01:00', { assignee: ids.lena });
    const day = async (agent: AuthedAgent, extra = '') =>
      (await timeline(agent, `from=2026-12-02&to=2026-12-02${extra}`)).days[0]?.items.map((item) => item.title);
    expect(await day(bjoern)).toEqual(['Björns Termin', 'Björns Aufgabe', 'Teamaufgabe']);
    expect(await day(juergen)).toEqual(['Björns Termin', 'Björns Aufgabe', 'Käthes Aufgabe', 'Teamaufgabe']);
    expect(await day(anna)).toEqual([
      'Björns Termin',
      'Lenas Termin',
      'Björns Aufgabe',
      'Käthes Aufgabe',
      'Teamaufgabe',
      'Lenas Aufgabe',
    ]);
    expect(await day(anna, `&userId=${ids.lena}`)).toEqual(['Lenas Termin', 'Lenas Aufgabe']);
    // Asking for someone outside one's scope shows nothing of theirs.
    expect(await day(bjoern, `&userId=${ids.lena}`)).toEqual([]);
  });

  it('shows an absent rep the task handed to their substitute, as the task itself does', async () => {
    const lena = await contoso.as(contoso.upn('Lena Groß'));
    const handed = await task('Übergebene Aufgabe', '2026-12-03T09:00:00+01:00', {
      assignee: ids.kaethe,
      substitutedFor: ids.lena,
    });
    const day = async (agent: AuthedAgent) =>
      (await timeline(agent, 'from=2026-12-03&to=2026-12-03')).days[0]?.items.map((item) => item.title);
    expect((await lena.get(`/api/v1/tasks/${handed}`)).status).toBe(200);
    expect(await day(lena)).toEqual(['Übergebene Aufgabe']);
    expect(await day(bjoern)).toEqual([]);
  });

  it('narrows to one record', async () => {
    const other = (await anna.post('/api/v1/persons').send({ lastName: 'Andere' })).body.id;
    await activity(anna, 'Bei der Anderen', '2026-12-03T10:00:00+01:00', { links: [{ type: 'person', id: other }] });
    await activity(anna, 'Beim Ersten', '2026-12-03T11:00:00+01:00');
    const body = await timeline(anna, `from=2026-12-03&to=2026-12-03&record=person:${other}`);
    expect(titlesByDay(body.days)).toEqual({ '2026-12-03': ['Bei der Anderen'] });
  });

  it('lets other modules add their entries (deal stage changes later)', async () => {
    const body = await timeline(anna, 'from=2026-11-20&to=2026-11-20');
    expect(body.days[0]?.items).toEqual([
      expect.objectContaining({ kind: 'milestone', title: 'Messe', at: '2026-11-20T12:00:00.000Z' }),
    ]);
  });

  it('answers a bad range, date, time zone or record with 400 saying what to fix', async () => {
    const long = await anna.get('/api/v1/timeline?from=2026-01-01&to=2026-04-05');
    expect(long.status).toBe(400);
    expect(long.body.detail).toMatch(/at most 93 days/);
    expect((await anna.get('/api/v1/timeline?from=2026-01-01&to=2026-04-03')).status).toBe(200);
    const backwards = await anna.get('/api/v1/timeline?from=2026-02-01&to=2026-01-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.detail).toMatch(/before from/);
    const impossible = await anna.get('/api/v1/timeline?from=2026-02-30&to=2026-03-01');
    expect(impossible.status).toBe(400);
    expect(impossible.body.errors[0].pointer).toBe('#/from');
    for (const tz of ['Mars/Olympus', '+01:00', 'Europe/Berlin;drop table task']) {
      const zone = await anna.get(`/api/v1/timeline?from=2026-01-01&to=2026-01-02&tz=${encodeURIComponent(tz)}`);
      expect({ tz, status: zone.status }).toEqual({ tz, status: 400 });
      expect(zone.body.errors[0]).toMatchObject({ pointer: '#/tz', detail: expect.stringMatching(/IANA/) });
    }
    expect((await anna.get('/api/v1/timeline?to=2026-01-02')).status).toBe(400);
    expect((await anna.get('/api/v1/timeline?from=2026-01-01&to=2026-01-02&record=person:x')).status).toBe(400);
    expect((await anna.get('/api/v1/timeline?from=2026-01-01&to=2026-01-02&userId=anna')).status).toBe(400);
  });

  it("never shows another organisation's entries", async () => {
    const fabrikam = await t.createTenant('Fabrikam Kalender AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    const everything = await timeline(zoe, 'from=2026-11-23&to=2026-12-05');
    expect(everything.days.flatMap((day) => day.items).filter((item) => item.kind !== 'milestone')).toEqual([]);
    const onOurs = await timeline(zoe, `from=2026-11-23&to=2026-12-05&record=person:${person}`);
    expect(onOurs.days.flatMap((day) => day.items)).toEqual([]);
  });

  it('costs the same number of queries for a full month as for an empty one', async () => {
    for (let day = 1; day <= 28; day++) {
      const date = `2027-02-${String(day).padStart(2, '0')}`;
      await activity(anna, `Februar ${day}`, `${date}T09:00:00+01:00`);
      await task(`Aufgabe ${day}`, `${date}T15:00:00+01:00`, { assignee: ids.bjoern });
    }
    const cost = (range: string) =>
      t.countQueries(async () => expect((await juergen.get(`/api/v1/timeline?${range}`)).status).toBe(200));
    const full = await cost('from=2027-02-01&to=2027-02-28');
    expect(full).toBe(await cost('from=2027-06-01&to=2027-06-28'));
    const february = await timeline(anna, 'from=2027-02-01&to=2027-02-28');
    expect(february.days.every((day) => day.items.length === 2)).toBe(true);
  });
});

describe('days in a time zone', () => {
  it.each([
    ['2026-10-25', 'Europe/Berlin', '2026-10-24T22:00:00.000Z'],
    ['2026-10-26', 'Europe/Berlin', '2026-10-25T23:00:00.000Z'],
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z'],
    ['2026-03-30', 'Europe/Berlin', '2026-03-29T22:00:00.000Z'],
    ['2026-11-24', 'Asia/Kathmandu', '2026-11-23T18:15:00.000Z'],
    ['2026-11-24', 'America/St_Johns', '2026-11-24T03:30:00.000Z'],
    // Cuba moves its clocks at midnight: that day begins at 01:00.
    ['2026-03-08', 'America/Havana', '2026-03-08T05:00:00.000Z'],
  ])('starts %s in %s at %s', (day, zone, instant) => {
    expect(new Date(startOfDay(day, zone)).toISOString()).toBe(instant);
    expect(dayIn(startOfDay(day, zone), zone)).toBe(day);
    expect(dayIn(startOfDay(day, zone) - 1, zone)).not.toBe(day);
  });
});
