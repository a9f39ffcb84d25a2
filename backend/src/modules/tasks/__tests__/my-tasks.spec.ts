import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

const HOUR = 3_600_000;

/** The calendar day of an instant in a time zone. */
const dayIn = (instant: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T12:00:00Z`) + days * 24 * HOUR).toISOString().slice(0, 10);

/** Where a timed task belongs on the dashboard of a user in `zone`, worked out independently. */
function sectionOf(due: Date, zone: string, now = new Date()): string | null {
  if (due < now) return 'overdue';
  const today = dayIn(now, zone);
  const day = dayIn(due, zone);
  if (day === today) return 'today';
  return day <= addDays(today, 7) ? 'next7Days' : null;
}

function sectionOfDay(day: string, zone: string, now = new Date()): string | null {
  const today = dayIn(now, zone);
  if (day < today) return 'overdue';
  if (day === today) return 'today';
  return day <= addDays(today, 7) ? 'next7Days' : null;
}

describe('my tasks', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let mia: AuthedAgent;
  let boss: AuthedAgent;
  let miaId: string;
  const created: { id: string; title: string; due?: Date; day?: string }[] = [];

  const sections = (body: Record<string, { items: { title: string }[]; total: number }>) =>
    Object.fromEntries(
      ['overdue', 'today', 'next7Days', 'waitingForMe', 'delegatedByMe'].map((name) => [
        name,
        (body[name]?.items ?? []).map((item) => item.title).sort(),
      ]),
    );

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Dashboard GmbH', [
      { displayName: 'Bernd Boss' },
      { displayName: 'Mia Meier', appRoles: ['CRM.SalesRep'] },
    ]);
    boss = await contoso.as(contoso.upn('Bernd Boss'));
    mia = await contoso.as(contoso.upn('Mia Meier'));
    miaId = await contoso.userId(contoso.upn('Mia Meier'));
    const team = await boss.post('/api/v1/admin/teams').send({ name: 'Innendienst', memberIds: [miaId] });
    const now = Date.now();
    const timed: [string, number][] = [
      ['seit vorgestern fällig', -50],
      ['vor einer Stunde fällig', -1],
      ['in 30 Minuten', 0.5],
      ['in 13 Stunden', 13],
      ['in drei Tagen', 72],
      ['in sechs Tagen', 6 * 24],
      ['in zwölf Tagen', 12 * 24],
    ];
    for (const [title, hours] of timed) {
      const due = new Date(now + hours * HOUR);
      const res = await boss.post('/api/v1/tasks').send({ title, assigneeId: miaId, dueAt: due.toISOString() });
      expect(res.status).toBe(201);
      created.push({ id: res.body.id, title, due });
    }
    const berlinToday = dayIn(new Date(now), 'Europe/Berlin');
    for (const [title, offset] of [
      ['ganztägig gestern', -1],
      ['ganztägig heute', 0],
      ['ganztägig in fünf Tagen', 5],
    ] as const) {
      const day = addDays(berlinToday, offset);
      const res = await mia.post('/api/v1/tasks').send({ title, dueOn: day, timeZone: 'Europe/Berlin' });
      expect(res.status).toBe(201);
      created.push({ id: res.body.id, title, day });
    }
    await boss.post('/api/v1/tasks').send({
      title: 'Teamaufgabe morgen',
      teamId: team.body.id,
      dueOn: addDays(berlinToday, 1),
    });
    await mia.post('/api/v1/tasks').send({ title: 'ohne Termin', priority: 'urgent' });
    await mia
      .post('/api/v1/tasks')
      .send({ title: 'erledigt gestern', dueAt: new Date(now - 24 * HOUR).toISOString(), status: 'done' });
    const asked = await boss
      .post('/api/v1/tasks')
      .send({ title: 'Bitte übernehmen', dueAt: new Date(now - 2 * HOUR).toISOString() });
    await boss.post(`/api/v1/tasks/${asked.body.id}/delegate`).send({ toUserId: miaId });
    const mine = await mia.post('/api/v1/tasks').send({ title: 'an Bernd delegiert' });
    await mia
      .post(`/api/v1/tasks/${mine.body.id}/delegate`)
      .send({ toUserId: await contoso.userId(contoso.upn('Bernd Boss')) });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['Europe/Berlin', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'])(
    'sorts my open tasks into overdue, today and the next seven days as seen in %s',
    async (zone) => {
      const res = await mia.get(`/api/v1/me/tasks?timeZone=${encodeURIComponent(zone)}`);
      expect(res.status).toBe(200);
      const now = new Date();
      expect(res.body).toMatchObject({ timeZone: zone, date: dayIn(now, zone) });
      const expected: Record<string, string[]> = {
        overdue: [],
        today: [],
        next7Days: [],
        waitingForMe: ['Bitte übernehmen'],
        delegatedByMe: ['an Bernd delegiert'],
      };
      for (const task of created) {
        const section = task.due ? sectionOf(task.due, zone, now) : sectionOfDay(task.day as string, zone, now);
        if (section) expected[section]?.push(task.title);
      }
      const teamSection = sectionOfDay(addDays(dayIn(now, 'Europe/Berlin'), 1), zone, now);
      if (teamSection) expected[teamSection]?.push('Teamaufgabe morgen');
      for (const list of Object.values(expected)) list.sort();
      expect(sections(res.body)).toEqual(expected);
      expect(res.body.overdue.total).toBe(expected.overdue?.length);
    },
  );

  it('orders a section by due date, shows its total beyond the limit, and counts by status and priority', async () => {
    const res = await mia.get('/api/v1/me/tasks?limit=1');
    expect(res.body.overdue.items.map((item: { title: string }) => item.title)).toEqual(['seit vorgestern fällig']);
    expect(res.body.overdue.total).toBeGreaterThan(1);
    expect(res.body.counts).toEqual({
      byStatus: { open: 12, in_progress: 0, waiting: 0, done: 1, cancelled: 0 },
      byPriority: { low: 0, normal: 12, high: 0, urgent: 1 },
    });
    expect((await mia.get('/api/v1/me/tasks?timeZone=Berlin')).status).toBe(400);
  });

  it('costs the same number of queries for a few tasks as for many', async () => {
    const cost = () => t.countQueries(async () => expect((await mia.get('/api/v1/me/tasks')).status).toBe(200));
    const few = await cost();
    for (let index = 0; index < 25; index += 1) {
      await mia
        .post('/api/v1/tasks')
        .send({ title: `Stapel ${index}`, dueAt: new Date(Date.now() + (index + 1) * HOUR).toISOString() });
    }
    expect(await cost()).toBe(few);
    expect(few).toBeLessThanOrEqual(10);
  });
});
