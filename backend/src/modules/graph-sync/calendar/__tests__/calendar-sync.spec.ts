// Calendar sync (X6, Y4) through the real Graph SDK against the emulator, on the run's PostgreSQL:
// CRM activities appear in Outlook, Outlook events with CRM contacts become activities, changes and
// cancellations flow both ways, a series stays one series across daylight saving, a resync makes
// no duplicates, and nothing crosses tenants.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inTenantTransaction } from '../../../../http/tenancy.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../../testing/test-app.ts';
import { queueRunsForCrmChanges } from '../../graph-sync.service.ts';
import { eventsWindow, eventsWindowMoved } from '../calendar.resource.ts';
import { instantOf } from '../calendar-mapping.ts';
import { connectMailbox, type Mailbox, syncCalendar } from './calendar-world.ts';

const BERLIN = 'Europe/Berlin';

interface GraphEvent {
  id: string;
  subject: string;
  type: string;
  seriesMasterId: string | null;
  categories: string[];
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  originalStartTimeZone: string;
  attendees: { emailAddress: { address: string } }[];
  body: { content: string };
}

interface ActivityView {
  id: string;
  subject: string;
  description: string | null;
  startsAt: string;
  durationMinutes: number | null;
  links: { type: string; id: string }[];
  version: number;
}

const objectId = (tenant: TestTenant, upn: string) =>
  tenant.seed.users.find((user) => user.userPrincipalName === upn)?.id as string;

/** A week day at a wall-clock hour, some weeks from now (inside the sync window). */
function comingWeekday(weeksAhead: number, hour: number): string {
  const day = new Date(Date.now() + weeksAhead * 7 * 86_400_000);
  day.setUTCHours(hour, 0, 0, 0);
  return day.toISOString();
}

describe('calendar sync', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let annaUpn: string;
  let mailbox: Mailbox;
  let types: Record<string, string>;
  let kunde: string;
  let kundeOrg: string;
  let lieferant: string;

  const graph = () => mailbox.graph;
  const events = async () =>
    ((await graph().get<{ value: GraphEvent[] }>(`${graph().base}/calendar/events?$top=100`)).value ??
      []) as GraphEvent[];
  const activities = async (query = '') =>
    (await anna.get(`/api/v1/activities?limit=100${query}`)).body.items as ActivityView[];
  const sql = <T>(query: string, params: unknown[] = []) => t.orm.em.getConnection().execute<T[]>(query, params);

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Kalender GmbH', [
      { displayName: 'Anna Kalender' },
      { displayName: 'Bernd Kalender', appRoles: ['CRM.SalesRep'] },
    ]);
    annaUpn = contoso.upn('Anna Kalender');
    anna = await contoso.as(annaUpn);
    mailbox = await connectMailbox(t, contoso.id, await contoso.userId(annaUpn), annaUpn, objectId(contoso, annaUpn));
    const list = (await anna.get('/api/v1/activity-types')).body.items as { id: string; key: string | null }[];
    types = Object.fromEntries(list.filter((type) => type.key).map((type) => [type.key, type.id]));
    kunde = (
      await anna
        .post('/api/v1/persons')
        .send({ firstName: 'Karl', lastName: 'Kunde', emails: [{ address: 'karl.kunde@kunde.example', kind: 'work' }] })
    ).body.id;
    kundeOrg = (await anna.post('/api/v1/organizations').send({ name: 'Kunde AG' })).body.id;
    const contact = await anna
      .post('/api/v1/business-contacts')
      .send({ personId: kunde, organizationId: kundeOrg, email: 'k.kunde@kunde-ag.example' });
    expect(contact.status).toBe(201);
    lieferant = (
      await anna.post('/api/v1/persons').send({
        firstName: 'Lea',
        lastName: 'Lieferant',
        emails: [{ address: 'lea@lieferant.example', kind: 'work' }],
      })
    ).body.id;
    // The first run: an empty calendar, an empty CRM calendar.
    await syncCalendar(t, mailbox);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('from the CRM to Outlook', () => {
    let activityId: string;
    let eventId: string;

    it('shows a meeting with a time in the default calendar, in the user’s time zone, with the linked person invited', async () => {
      const startsAt = comingWeekday(2, 9);
      const created = await anna.post('/api/v1/activities').send({
        typeId: types.meeting,
        subject: 'Jahresgespräch Kunde AG',
        description: 'Preise 2027 besprechen',
        startsAt,
        durationMinutes: 60,
        links: [{ type: 'person', id: lieferant }],
      });
      expect(created.status).toBe(201);
      activityId = created.body.id;
      // An e-mail is no calendar entry.
      await anna
        .post('/api/v1/activities')
        .send({ typeId: types.email, subject: 'Angebot geschickt', startsAt, links: [{ type: 'person', id: kunde }] });

      await syncCalendar(t, mailbox);

      const mine = (await events()).filter((event) => event.subject === 'Jahresgespräch Kunde AG');
      expect(mine).toHaveLength(1);
      const event = mine[0] as GraphEvent;
      eventId = event.id;
      expect(event.categories).toEqual(['CRM']);
      expect(event.originalStartTimeZone).toBe(BERLIN);
      expect(event.attendees.map((attendee) => attendee.emailAddress.address)).toEqual(['lea@lieferant.example']);
      expect(event.body.content).toBe('Preise 2027 besprechen');
      expect(new Date(`${event.start.dateTime.slice(0, 19)}Z`).toISOString()).toBe(startsAt);
      expect(new Date(`${event.end.dateTime.slice(0, 19)}Z`).getTime() - new Date(startsAt).getTime()).toBe(3_600_000);
      expect((await events()).some((candidate) => candidate.subject === 'Angebot geschickt')).toBe(false);
    });

    it('does not read its own write back as a change: no second activity, no history entry', async () => {
      const before = await sql<{ n: number }>(
        "select count(*)::int as n from history where record_type = 'activity' and record_id = ?",
        [activityId],
      );
      await syncCalendar(t, mailbox);
      await syncCalendar(t, mailbox);
      const after = await sql<{ n: number }>(
        "select count(*)::int as n from history where record_type = 'activity' and record_id = ?",
        [activityId],
      );
      expect(after[0]?.n).toBe(before[0]?.n);
      expect((await activities()).filter((activity) => activity.subject === 'Jahresgespräch Kunde AG')).toHaveLength(1);
    });

    it('sends a CRM edit to Outlook, its mailbox queued within seconds', async () => {
      const current = (await anna.get(`/api/v1/activities/${activityId}`)).body as ActivityView;
      const pushDue = () => inTenantTransaction(t.orm.em, contoso.id, (em) => queueRunsForCrmChanges(em));
      expect(await pushDue()).toBe(0);
      const moved = comingWeekday(2, 13);
      const res = await anna
        .patch(`/api/v1/activities/${activityId}`)
        .set('If-Match', `"${current.version}"`)
        .send({ subject: 'Jahresgespräch (verschoben)', startsAt: moved });
      expect(res.status).toBe(200);
      // The push periodic (every 5 s) finds the changed activity: no waiting for the poll.
      expect(await pushDue()).toBe(1);
      await syncCalendar(t, mailbox);
      const event = await graph().get<GraphEvent>(`${graph().base}/events/${eventId}`);
      expect(event.subject).toBe('Jahresgespräch (verschoben)');
      expect(new Date(`${event.start.dateTime.slice(0, 19)}Z`).toISOString()).toBe(moved);
    });

    it('takes the event out of the calendar when the activity is handed to a colleague, and keeps the activity', async () => {
      const bernd = await contoso.userId(contoso.upn('Bernd Kalender'));
      const created = await anna.post('/api/v1/activities').send({
        typeId: types.call,
        subject: 'Rückruf Lieferant',
        startsAt: comingWeekday(2, 15),
        durationMinutes: 15,
      });
      await syncCalendar(t, mailbox);
      expect((await events()).some((event) => event.subject === 'Rückruf Lieferant')).toBe(true);
      const handed = await anna
        .patch(`/api/v1/activities/${created.body.id}`)
        .set('If-Match', `"${created.body.version}"`)
        .send({ ownerId: bernd });
      expect(handed.status).toBe(200);
      await syncCalendar(t, mailbox);
      expect((await events()).some((event) => event.subject === 'Rückruf Lieferant')).toBe(false);
      expect((await anna.get(`/api/v1/activities/${created.body.id}`)).body.ownerId).toBe(bernd);
    });

    it('removes the event when the activity goes to the trash', async () => {
      const current = (await anna.get(`/api/v1/activities/${activityId}`)).body as ActivityView;
      const res = await anna.delete(`/api/v1/activities/${activityId}`).set('If-Match', `"${current.version}"`);
      expect(res.status).toBe(204);
      await syncCalendar(t, mailbox);
      expect((await events()).some((event) => event.id === eventId)).toBe(false);
      // The removal echoed back by delta changes nothing more.
      await syncCalendar(t, mailbox);
      expect((await anna.get(`/api/v1/activities/${activityId}`)).status).toBe(404);
    });
  });

  describe('from Outlook to the CRM', () => {
    let eventId: string;
    let activityId: string;

    it('makes an event with a CRM contact among the attendees an activity linked to the person and their organisation', async () => {
      const created = (await t.emulator.graph.createEvent({
        user: annaUpn,
        fields: {
          subject: 'Werksbesichtigung',
          body: { contentType: 'html', content: '<p>Halle 3 &amp; Lager</p>' },
          start: { dateTime: `${comingWeekday(3, 0).slice(0, 10)}T10:00:00`, timeZone: BERLIN },
          end: { dateTime: `${comingWeekday(3, 0).slice(0, 10)}T11:30:00`, timeZone: BERLIN },
          attendees: [
            { emailAddress: { address: 'K.Kunde@kunde-ag.example', name: 'Karl Kunde' } },
            { emailAddress: { address: 'someone@elsewhere.example', name: 'Niemand' } },
          ],
        },
      })) as { immutableId: string };
      eventId = created.immutableId;
      // An event without CRM contacts stays in Outlook only.
      await t.emulator.graph.createEvent({
        user: annaUpn,
        fields: {
          subject: 'Zahnarzt',
          start: { dateTime: `${comingWeekday(3, 0).slice(0, 10)}T16:00:00`, timeZone: BERLIN },
          end: { dateTime: `${comingWeekday(3, 0).slice(0, 10)}T17:00:00`, timeZone: BERLIN },
        },
      });

      await syncCalendar(t, mailbox);

      const found = (await activities()).filter((activity) => activity.subject === 'Werksbesichtigung');
      expect(found).toHaveLength(1);
      const activity = found[0] as ActivityView;
      activityId = activity.id;
      expect(activity.description).toBe('Halle 3 & Lager');
      expect(activity.durationMinutes).toBe(90);
      expect(activity.links).toEqual(
        expect.arrayContaining([
          { type: 'person', id: kunde },
          { type: 'organization', id: kundeOrg },
        ]),
      );
      expect((await activities()).some((candidate) => candidate.subject === 'Zahnarzt')).toBe(false);
      const history = (await anna.get(`/api/v1/activities/${activityId}/history`)).body.items as {
        action: string;
        after: { subject?: string; links?: unknown[] } | null;
        changedBy: string | null;
        via: string | null;
      }[];
      expect(history).toEqual([
        expect.objectContaining({
          action: 'create',
          changedBy: mailbox.userId,
          via: 'outlook',
          after: expect.objectContaining({ subject: 'Werksbesichtigung', links: expect.any(Array) }),
        }),
      ]);
      // Our own echo of it (the CRM's version is new after the link) does not go back out as a change.
      await syncCalendar(t, mailbox);
      const event = await graph().get<GraphEvent>(`${graph().base}/events/${eventId}`);
      expect(event.subject).toBe('Werksbesichtigung');
    });

    it('takes an Outlook edit, with a history entry by the user', async () => {
      await t.emulator.graph.updateEvent({
        user: annaUpn,
        id: eventId,
        changes: {
          subject: 'Werksbesichtigung Halle 3',
          attendees: [
            { emailAddress: { address: 'k.kunde@kunde-ag.example', name: 'Karl Kunde' } },
            { emailAddress: { address: 'lea@lieferant.example', name: 'Lea Lieferant' } },
          ],
        },
      });
      await syncCalendar(t, mailbox);
      const activity = (await anna.get(`/api/v1/activities/${activityId}`)).body as ActivityView;
      expect(activity.subject).toBe('Werksbesichtigung Halle 3');
      // A CRM contact invited in Outlook is linked too.
      expect(activity.links).toEqual(
        expect.arrayContaining([
          { type: 'person', id: kunde },
          { type: 'organization', id: kundeOrg },
          { type: 'person', id: lieferant },
        ]),
      );
      const history = (await anna.get(`/api/v1/activities/${activityId}/history`)).body.items as {
        field: string | null;
        before: unknown;
        after: unknown;
        changedBy: string | null;
      }[];
      expect(history).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            field: 'subject',
            before: 'Werksbesichtigung',
            after: 'Werksbesichtigung Halle 3',
            changedBy: mailbox.userId,
            via: 'outlook',
          }),
        ]),
      );
    });

    it('decides a field both sides changed by the later change, and keeps the other value in the history', async () => {
      // Outlook changes the subject first, the CRM later; the CRM also changes the notes alone.
      await t.emulator.graph.updateEvent({
        user: annaUpn,
        id: eventId,
        changes: { subject: 'Besichtigung (Outlook)' },
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const current = (await anna.get(`/api/v1/activities/${activityId}`)).body as ActivityView;
      await anna
        .patch(`/api/v1/activities/${activityId}`)
        .set('If-Match', `"${current.version}"`)
        .send({ subject: 'Besichtigung (CRM)', description: 'Sicherheitsschuhe mitbringen' });

      await syncCalendar(t, mailbox);
      await syncCalendar(t, mailbox);

      const activity = (await anna.get(`/api/v1/activities/${activityId}`)).body as ActivityView;
      expect(activity.subject).toBe('Besichtigung (CRM)');
      expect(activity.description).toBe('Sicherheitsschuhe mitbringen');
      const event = await graph().get<GraphEvent>(`${graph().base}/events/${eventId}`);
      expect(event.subject).toBe('Besichtigung (CRM)');
      expect(event.body.content).toBe('Sicherheitsschuhe mitbringen');
      const history = (await anna.get(`/api/v1/activities/${activityId}/history?limit=50`)).body.items as {
        field: string | null;
        before: unknown;
      }[];
      expect(history.some((entry) => entry.field === 'subject' && entry.before === 'Besichtigung (Outlook)')).toBe(
        true,
      );
    });

    it('lets a later Outlook change win over an earlier CRM change of the same field, the CRM value kept in the history', async () => {
      const current = (await anna.get(`/api/v1/activities/${activityId}`)).body as ActivityView;
      await anna
        .patch(`/api/v1/activities/${activityId}`)
        .set('If-Match', `"${current.version}"`)
        .send({ subject: 'Besichtigung (CRM, früher)' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await t.emulator.graph.updateEvent({
        user: annaUpn,
        id: eventId,
        changes: { subject: 'Besichtigung (Outlook, später)' },
      });

      await syncCalendar(t, mailbox);
      await syncCalendar(t, mailbox);

      const activity = (await anna.get(`/api/v1/activities/${activityId}`)).body as ActivityView;
      expect(activity.subject).toBe('Besichtigung (Outlook, später)');
      const event = await graph().get<GraphEvent>(`${graph().base}/events/${eventId}`);
      expect(event.subject).toBe('Besichtigung (Outlook, später)');
      const history = (await anna.get(`/api/v1/activities/${activityId}/history?limit=50`)).body.items as {
        field: string | null;
        before: unknown;
        after: unknown;
        via: string | null;
      }[];
      expect(history).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            field: 'subject',
            before: 'Besichtigung (CRM, früher)',
            after: 'Besichtigung (Outlook, später)',
            via: 'outlook',
          }),
        ]),
      );
    });

    it('moves the activity to the trash when the event is cancelled in Outlook', async () => {
      await t.emulator.graph.deleteEvent({ user: annaUpn, id: eventId });
      await syncCalendar(t, mailbox);
      expect((await anna.get(`/api/v1/activities/${activityId}`)).status).toBe(404);
      const trash = await sql<{ n: number }>(
        'select count(*)::int as n from activity where id = ? and deleted_at is not null',
        [activityId],
      );
      expect(trash[0]?.n).toBe(1);
    });
  });

  it('keeps a weekly series one series across the change to summer time, with a moved and a cancelled occurrence', async () => {
    // Mondays 09:00 in Berlin from two weeks before summer time starts next spring (inside the window).
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const year = new Date().getUTCFullYear() + 1;
    const lastOfMarch = new Date(Date.UTC(year, 2, 31));
    const summerTime = new Date(lastOfMarch.getTime() - lastOfMarch.getUTCDay() * 86_400_000); // last Sunday
    const monday = (weeks: number) => new Date(summerTime.getTime() + (1 + 7 * weeks) * 86_400_000);
    const first = monday(-2);
    const lastMonday = monday(1);
    const secondMoved = day(new Date(monday(-1).getTime() + 86_400_000));
    const span = `startDateTime=${year}-03-01T00:00:00Z&endDateTime=${year}-05-01T00:00:00Z`;
    const master = (await t.emulator.graph.createEvent({
      user: annaUpn,
      fields: {
        subject: 'Wochenrunde Kunde AG',
        start: { dateTime: `${day(first)}T09:00:00`, timeZone: BERLIN },
        end: { dateTime: `${day(first)}T09:30:00`, timeZone: BERLIN },
        attendees: [{ emailAddress: { address: 'karl.kunde@kunde.example' } }],
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
          range: { type: 'numbered', startDate: day(first), numberOfOccurrences: 4 },
        },
      },
    })) as { immutableId: string };
    const instances = (
      await graph().get<{ value: GraphEvent[] }>(`${graph().base}/events/${master.immutableId}/instances?${span}`)
    ).value;
    expect(instances).toHaveLength(4);
    const [, second, third] = instances as [GraphEvent, GraphEvent, GraphEvent, GraphEvent];
    await t.emulator.graph.updateEvent({
      user: annaUpn,
      id: second.id,
      changes: {
        start: { dateTime: `${secondMoved}T14:00:00`, timeZone: BERLIN },
        end: { dateTime: `${secondMoved}T14:30:00`, timeZone: BERLIN },
      },
    });
    await t.emulator.graph.deleteEvent({ user: annaUpn, id: third.id });

    await syncCalendar(t, mailbox);

    const series = (await activities('&sort=startsAt')).filter(
      (activity) => activity.subject === 'Wochenrunde Kunde AG',
    );
    expect(series.map((activity) => activity.startsAt)).toEqual([
      // 09:00 in Berlin: 08:00 UTC in winter, 07:00 UTC in summer; the moved one 14:00 (winter).
      `${day(first)}T08:00:00.000Z`,
      `${secondMoved}T13:00:00.000Z`,
      `${day(lastMonday)}T07:00:00.000Z`,
    ]);
    const seriesIds = await sql<{ series_id: string | null }>(
      'select distinct l.series_id from event_link l where l.activity_id = any(?::uuid[])',
      [`{${series.map((activity) => activity.id).join(',')}}`],
    );
    expect(seriesIds).toHaveLength(1);
    expect(seriesIds[0]?.series_id).not.toBeNull();

    // An occurrence moved in the CRM becomes an exception in Outlook; the series stays.
    const firstActivity = series[0] as ActivityView;
    const moved = await anna
      .patch(`/api/v1/activities/${firstActivity.id}`)
      .set('If-Match', `"${firstActivity.version}"`)
      .send({ startsAt: `${day(first)}T10:00:00.000Z` });
    expect(moved.status).toBe(200);
    await syncCalendar(t, mailbox);
    const afterMove = (
      await graph().get<{ value: GraphEvent[] }>(`${graph().base}/events/${master.immutableId}/instances?${span}`)
    ).value;
    expect(afterMove.map((event) => [event.type, event.start.dateTime.slice(0, 16)])).toEqual([
      ['exception', `${day(first)}T10:00`],
      ['exception', `${secondMoved}T13:00`],
      ['occurrence', `${day(lastMonday)}T07:00`],
    ]);

    // Cancelling a further occurrence later takes its activity away, and only it.
    const fourth = instances[3] as GraphEvent;
    await t.emulator.graph.deleteEvent({ user: annaUpn, id: fourth.id });
    await syncCalendar(t, mailbox);
    const left = (await activities('&sort=startsAt')).filter((activity) => activity.subject === 'Wochenrunde Kunde AG');
    expect(left.map((activity) => activity.startsAt)).toEqual([
      `${day(first)}T10:00:00.000Z`,
      `${secondMoved}T13:00:00.000Z`,
    ]);
  });

  it('takes only events with the category "CRM" when the user chose so', async () => {
    const bad = await anna
      .put('/api/v1/me/settings/calendar-sync')
      .set('If-Match', '"0"')
      .set('Accept-Language', 'de')
      .send({ crmCategoryOnly: 'ja', timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.type).toBe('application/problem+json');
    expect((await anna.get('/api/v1/me/settings/calendar-sync')).body).toEqual({
      value: { crmCategoryOnly: false },
      version: null,
    });
    const chosen = await anna
      .put('/api/v1/me/settings/calendar-sync')
      .set('If-Match', '"0"')
      .send({ crmCategoryOnly: true, timeZone: BERLIN });
    expect(chosen.status).toBe(200);
    const day = comingWeekday(5, 0).slice(0, 10);
    for (const [subject, categories] of [
      ['Mittagessen mit Karl', []],
      ['Quartalsreview mit Karl', ['CRM']],
    ] as const) {
      await t.emulator.graph.createEvent({
        user: annaUpn,
        fields: {
          subject,
          categories,
          start: { dateTime: `${day}T12:00:00`, timeZone: BERLIN },
          end: { dateTime: `${day}T13:00:00`, timeZone: BERLIN },
          attendees: [{ emailAddress: { address: 'karl.kunde@kunde.example' } }],
        },
      });
    }
    await syncCalendar(t, mailbox);
    const subjects = (await activities()).map((activity) => activity.subject);
    expect(subjects).toContain('Quartalsreview mit Karl');
    expect(subjects).not.toContain('Mittagessen mit Karl');
    // (Back to every event with CRM contacts below: the lunch would become an activity at the next full round.)
    const lunch = (await events()).find((event) => event.subject === 'Mittagessen mit Karl') as GraphEvent;
    await t.emulator.graph.deleteEvent({ user: annaUpn, id: lunch.id });
    const back = await anna
      .put('/api/v1/me/settings/calendar-sync')
      .set('If-Match', `"${chosen.body.version}"`)
      .send({ crmCategoryOnly: false });
    expect(back.status).toBe(200);
  });

  it('finds every pair again after the delta token expired (410): no duplicates on either side', async () => {
    const count = async () => ({
      activities: (await activities()).length,
      events: (await events()).length,
      links: (
        await sql<{ n: number }>('select count(*)::int as n from event_link where tenant_id = ?', [contoso.id])
      )[0]?.n,
    });
    await syncCalendar(t, mailbox);
    const before = await count();
    await t.emulator.graph.expireDeltaTokens();
    await syncCalendar(t, mailbox);
    await syncCalendar(t, mailbox);
    expect(await count()).toEqual(before);
  });

  it('rolls the window forward as a new delta round once a week has passed, with no duplicates', async () => {
    const now = new Date('2026-12-09T12:00:00Z');
    expect(eventsWindow(now).from.toISOString()).toBe('2026-11-09T00:00:00.000Z');
    expect(eventsWindow(now).until.toISOString()).toBe('2028-05-09T00:00:00.000Z');
    expect(eventsWindowMoved(eventsWindow(now).from, new Date('2026-12-15T23:00:00Z'))).toBe(false);
    expect(eventsWindowMoved(eventsWindow(now).from, new Date('2026-12-16T01:00:00Z'))).toBe(true);

    const count = async () => ({
      activities: (await activities()).length,
      links: (
        await sql<{ n: number }>('select count(*)::int as n from event_link where tenant_id = ?', [contoso.id])
      )[0]?.n,
    });
    await syncCalendar(t, mailbox);
    const before = await count();
    // The round in the cursor began a week earlier: the next run starts one over today's window.
    await sql("update sync_cursor set window_start = window_start - interval '7 days' where connection_id = ?", [
      mailbox.connectionId,
    ]);
    await syncCalendar(t, mailbox);
    await syncCalendar(t, mailbox);
    const [cursor] = await sql<{ window_start: Date; delta_link: string | null }>(
      "select window_start, delta_link from sync_cursor where connection_id = ? and resource = 'events'",
      [mailbox.connectionId],
    );
    expect(new Date(cursor?.window_start as Date).toISOString()).toBe(eventsWindow().from.toISOString());
    expect(cursor?.delta_link).toBeTruthy();
    expect(await count()).toEqual(before);
  });

  it('pairs an event whose link a crashed run never committed with its activity again: no second event, no second activity', async () => {
    const startsAt = comingWeekday(7, 8);
    const created = await anna.post('/api/v1/activities').send({
      typeId: types.visit,
      subject: 'Besuch Lieferant',
      startsAt,
      durationMinutes: 45,
      links: [{ type: 'person', id: lieferant }],
    });
    expect(created.status).toBe(201);
    // The push reached Graph, then the run died before its transaction committed the link.
    await graph().post(`${graph().base}/calendar/events`, {
      subject: 'Besuch Lieferant',
      transactionId: created.body.id,
      categories: ['CRM'],
      start: { dateTime: startsAt.slice(0, 19), timeZone: 'UTC' },
      end: { dateTime: new Date(Date.parse(startsAt) + 45 * 60_000).toISOString().slice(0, 19), timeZone: 'UTC' },
      attendees: [{ emailAddress: { address: 'lea@lieferant.example' }, type: 'required' }],
    });
    // The next run reads Outlook first (delta), then pushes.
    await syncCalendar(t, mailbox);
    await syncCalendar(t, mailbox);
    expect((await events()).filter((event) => event.subject === 'Besuch Lieferant')).toHaveLength(1);
    expect((await activities()).filter((activity) => activity.subject === 'Besuch Lieferant')).toHaveLength(1);
    const links = await sql<{ n: number }>('select count(*)::int as n from event_link where activity_id = ?', [
      created.body.id,
    ]);
    expect(links[0]?.n).toBe(1);
  });

  describe('locations, attendees and all-day events', () => {
    const inBerlin = { Prefer: `outlook.timezone="${BERLIN}"` };
    type Timed = GraphEvent & { isAllDay: boolean; location: { displayName: string } };
    const nextDay = (day: string, days = 1) => {
      const date = new Date(`${day}T00:00:00Z`);
      date.setUTCDate(date.getUTCDate() + days);
      return date.toISOString().slice(0, 10);
    };

    it('shows an all-day activity as an all-day event on its date in the user’s zone, with its place and attendees', async () => {
      const day = comingWeekday(4, 0).slice(0, 10);
      const midnight = instantOf({ dateTime: `${day}T00:00:00`, timeZone: BERLIN }).toISOString();
      const created = await anna.post('/api/v1/activities').send({
        typeId: types.meeting,
        subject: 'Messe Köln',
        startsAt: midnight,
        durationMinutes: 2 * 1440,
        allDay: true,
        location: 'Koelnmesse, Halle 6',
        links: [{ type: 'person', id: lieferant }],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ allDay: true, location: 'Koelnmesse, Halle 6' });
      await syncCalendar(t, mailbox);
      const found = (await events()).filter((event) => event.subject === 'Messe Köln');
      expect(found).toHaveLength(1);
      const event = await graph().get<Timed>(`${graph().base}/events/${found[0]?.id}`, inBerlin);
      expect(event.isAllDay).toBe(true);
      // A date (two days), not midnight UTC.
      expect(event.start.dateTime.slice(0, 19)).toBe(`${day}T00:00:00`);
      expect(event.end.dateTime.slice(0, 19)).toBe(`${nextDay(day, 2)}T00:00:00`);
      expect(event.location.displayName).toBe('Koelnmesse, Halle 6');
      expect(event.attendees.map((attendee) => attendee.emailAddress.address)).toEqual(['lea@lieferant.example']);
      // Reading our own write back changes nothing.
      await syncCalendar(t, mailbox);
      const after = (await anna.get(`/api/v1/activities/${created.body.id}`)).body;
      expect(after).toMatchObject({ version: created.body.version, startsAt: midnight, allDay: true });
    });

    it('takes an all-day Outlook event as a whole-day activity on its date, and its place and invitees both ways', async () => {
      const day = comingWeekday(5, 0).slice(0, 10);
      const made = (await t.emulator.graph.createEvent({
        user: annaUpn,
        fields: {
          subject: 'Tag der offenen Tür',
          isAllDay: true,
          start: { dateTime: `${day}T00:00:00`, timeZone: BERLIN },
          end: { dateTime: `${nextDay(day)}T00:00:00`, timeZone: BERLIN },
          location: { displayName: 'Kunde AG, Empfang' },
          attendees: [{ emailAddress: { address: 'karl.kunde@kunde.example', name: 'Karl Kunde' } }],
        },
      })) as { immutableId: string };
      await syncCalendar(t, mailbox);
      const found = (await activities()).filter((activity) => activity.subject === 'Tag der offenen Tür');
      expect(found).toHaveLength(1);
      const activity = found[0] as ActivityView & { allDay: boolean; location: string | null };
      expect(activity).toMatchObject({ allDay: true, location: 'Kunde AG, Empfang', durationMinutes: 1440 });
      // Midnight in Berlin on that date, which is not midnight UTC.
      expect(activity.startsAt).toBe(instantOf({ dateTime: `${day}T00:00:00`, timeZone: BERLIN }).toISOString());
      expect(activity.startsAt).not.toBe(`${day}T00:00:00.000Z`);

      // Outlook: another place and Lea invited; they come back as Anna's change via Outlook.
      await graph().patch(`${graph().base}/events/${made.immutableId}`, {
        location: { displayName: 'Kunde AG, Halle 3' },
        attendees: [
          { emailAddress: { address: 'karl.kunde@kunde.example', name: 'Karl Kunde' }, type: 'required' },
          { emailAddress: { address: 'lea@lieferant.example', name: 'Lea Lieferant' }, type: 'required' },
        ],
      });
      await syncCalendar(t, mailbox);
      const edited = (await anna.get(`/api/v1/activities/${activity.id}`)).body as ActivityView & {
        location: string;
      };
      expect(edited.location).toBe('Kunde AG, Halle 3');
      expect(edited.links).toEqual(expect.arrayContaining([{ type: 'person', id: lieferant }]));
      const history = (await anna.get(`/api/v1/activities/${activity.id}/history`)).body.items as {
        field: string | null;
        after: unknown;
        via: string | null;
      }[];
      expect(history).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'location', after: 'Kunde AG, Halle 3', via: 'outlook' }),
        ]),
      );

      // The CRM: another place; Outlook shows it, still all day on the same date.
      const moved = await anna
        .patch(`/api/v1/activities/${activity.id}`)
        .set('If-Match', `"${edited.version}"`)
        .send({ location: 'Kunde AG, Kantine' });
      expect(moved.status).toBe(200);
      await syncCalendar(t, mailbox);
      const event = await graph().get<Timed>(`${graph().base}/events/${made.immutableId}`, inBerlin);
      expect(event.location.displayName).toBe('Kunde AG, Kantine');
      expect(event.isAllDay).toBe(true);
      expect(event.start.dateTime.slice(0, 19)).toBe(`${day}T00:00:00`);
      expect(event.end.dateTime.slice(0, 19)).toBe(`${nextDay(day)}T00:00:00`);
    });
  });

  it('never links another tenant’s person, nor syncs another tenant’s activities', async () => {
    const fabrikam = await t.createTenant('Fabrikam Kalender AG', [{ displayName: 'Zoë Kalender' }]);
    const zoeUpn = fabrikam.upn('Zoë Kalender');
    const zoe = await fabrikam.as(zoeUpn);
    const theirs = await zoe
      .post('/api/v1/persons')
      .send({ lastName: 'Fremd', emails: [{ address: 'fremd@fabrikam.example', kind: 'work' }] });
    expect(theirs.status).toBe(201);
    const zoeMailbox = await connectMailbox(
      t,
      fabrikam.id,
      await fabrikam.userId(zoeUpn),
      zoeUpn,
      objectId(fabrikam, zoeUpn),
    );
    await syncCalendar(t, zoeMailbox);

    const day = comingWeekday(6, 0).slice(0, 10);
    await t.emulator.graph.createEvent({
      user: annaUpn,
      fields: {
        subject: 'Termin mit Fremd',
        start: { dateTime: `${day}T10:00:00`, timeZone: BERLIN },
        end: { dateTime: `${day}T11:00:00`, timeZone: BERLIN },
        attendees: [{ emailAddress: { address: 'fremd@fabrikam.example' } }],
      },
    });
    await syncCalendar(t, mailbox);
    await syncCalendar(t, zoeMailbox);

    expect((await activities()).some((activity) => activity.subject === 'Termin mit Fremd')).toBe(false);
    expect((await zoe.get('/api/v1/activities?limit=100')).body.items).toEqual([]);
    const zoeEvents = await zoeMailbox.graph.get<{ value: GraphEvent[] }>(`${zoeMailbox.graph.base}/calendar/events`);
    expect(zoeEvents.value).toEqual([]);
    // Anna's links are invisible in Fabrikam's transaction (row-level security).
    const seen = await inTenantTransaction(t.orm.em, fabrikam.id, (em) =>
      em
        .getConnection()
        .execute<{ n: number }[]>('select count(*)::int as n from event_link', [], 'all', em.getTransactionContext()),
    );
    expect(seen[0]?.n).toBe(0);
  });
});
