// Outlook calendars through the real Graph client: events, recurring series expanded in calendarView with
// exceptions and daylight saving, time zones by Prefer, calendarView delta, immutable ids.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { RunningEmulator } from '../index.ts';
import { appToken, delegatedToken, deltaRound, graphClient, graphError } from './graph-client.ts';
import { ANNA, startTrustedEmulator } from './trusted-emulator.ts';

const BERLIN = 'W. Europe Standard Time';
type Event = Record<string, unknown> & { id: string; start: { dateTime: string; timeZone: string } };

describe('Graph calendars in the emulator', () => {
  let emulator: RunningEmulator;
  let anna: Client;

  const view = async (from: string, to: string, timeZone?: string): Promise<Event[]> => {
    let request = anna.api('/me/calendarView').query({ startDateTime: from, endDateTime: to }).top(100);
    if (timeZone) request = request.header('Prefer', `outlook.timezone="${timeZone}"`);
    return (await request.get()).value as Event[];
  };

  beforeAll(async () => {
    emulator = await startTrustedEmulator();
    anna = graphClient(emulator, await delegatedToken(emulator));
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('keeps events with Graph event fields and answers times in the zone the client prefers', async () => {
    const calendars = await anna.api('/me/calendars').get();
    expect(calendars.value).toEqual([expect.objectContaining({ name: 'Calendar', isDefaultCalendar: true })]);
    const created = await anna.api('/me/events').post({
      subject: 'Angebot besprechen',
      body: { contentType: 'text', content: 'Mit Frau Lange' },
      start: { dateTime: '2026-07-01T10:00:00', timeZone: BERLIN },
      end: { dateTime: '2026-07-01T11:00:00', timeZone: BERLIN },
      location: { displayName: 'Hamburg' },
      attendees: [
        { emailAddress: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' }, type: 'required' },
      ],
      categories: ['CRM'],
    });
    expect(created).toMatchObject({
      type: 'singleInstance',
      isCancelled: false,
      seriesMasterId: null,
      originalStartTimeZone: BERLIN,
      start: { dateTime: '2026-07-01T08:00:00.0000000', timeZone: 'UTC' },
      organizer: { emailAddress: { address: ANNA } },
      attendees: [
        expect.objectContaining({
          type: 'required',
          emailAddress: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' },
        }),
      ],
    });
    const inBerlin = await anna.api(`/me/events/${created.id}`).header('Prefer', `outlook.timezone="${BERLIN}"`).get();
    expect(inBerlin.start).toEqual({ dateTime: '2026-07-01T10:00:00.0000000', timeZone: BERLIN });
    const inNewYork = await anna
      .api(`/me/events/${created.id}`)
      .header('Prefer', 'outlook.timezone="America/New_York"')
      .get();
    expect(inNewYork.end.dateTime).toBe('2026-07-01T05:00:00.0000000');

    const cancelled = await anna.api(`/me/events/${created.id}`).patch({ isCancelled: true });
    expect(cancelled.isCancelled).toBe(true);
    const bad = await graphError(anna.api('/me/events').post({ subject: 'ohne Zeit' }));
    expect(bad.statusCode).toBe(400);
    const badZone = await graphError(
      anna.api('/me/events').post({
        start: { dateTime: '2026-07-01T10:00:00', timeZone: 'Mars Standard Time' },
        end: { dateTime: '2026-07-01T11:00:00', timeZone: 'Mars Standard Time' },
      }),
    );
    expect(badZone.statusCode).toBe(400);
    await anna.api(`/me/events/${created.id}`).delete();
  });

  it('makes no second event when a create is retried with the same transactionId, as Graph', async () => {
    const event = {
      subject: 'Einmal, auch beim zweiten Versuch',
      transactionId: '01a249a0-0000-7000-8000-000000000001',
      start: { dateTime: '2026-08-03T10:00:00', timeZone: BERLIN },
      end: { dateTime: '2026-08-03T11:00:00', timeZone: BERLIN },
    };
    const first = await anna.api('/me/events').post(event);
    const retried = await anna.api('/me/events').post(event);
    expect(retried.id).toBe(first.id);
    expect(retried.transactionId).toBe(event.transactionId);
    const found = (await view('2026-08-03T00:00:00Z', '2026-08-04T00:00:00Z')).filter(
      (candidate) => candidate.subject === event.subject,
    );
    expect(found).toHaveLength(1);
    await anna.api(`/me/events/${first.id}`).delete();
  });

  it('expands a weekly series across the start of summer time, with a changed and a deleted occurrence', async () => {
    const master = await anna.api('/me/events').post({
      subject: 'Vertriebsrunde',
      start: { dateTime: '2026-03-16T09:00:00', timeZone: BERLIN },
      end: { dateTime: '2026-03-16T09:30:00', timeZone: BERLIN },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
        range: { type: 'numbered', startDate: '2026-03-16', numberOfOccurrences: 4 },
      },
    });
    expect(master.type).toBe('seriesMaster');

    const before = await view('2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z');
    const series = before.filter((event) => event.seriesMasterId === master.id);
    // 09:00 in Berlin is 08:00 UTC in winter, 07:00 UTC from 29 March on.
    expect(series.map((event) => event.start.dateTime)).toEqual([
      '2026-03-16T08:00:00.0000000',
      '2026-03-23T08:00:00.0000000',
      '2026-03-30T07:00:00.0000000',
      '2026-04-06T07:00:00.0000000',
    ]);
    expect(series.every((event) => event.type === 'occurrence')).toBe(true);

    const [, second, third] = series;
    await anna.api(`/me/events/${second?.id}`).patch({
      subject: 'Vertriebsrunde (verschoben)',
      start: { dateTime: '2026-03-24T14:00:00', timeZone: BERLIN },
      end: { dateTime: '2026-03-24T14:30:00', timeZone: BERLIN },
    });
    await anna.api(`/me/events/${third?.id}`).delete();

    const after = (await view('2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z', BERLIN)).filter(
      (event) => event.seriesMasterId === master.id,
    );
    expect(after.map((event) => [event.type, event.start.dateTime, event.subject])).toEqual([
      ['occurrence', '2026-03-16T09:00:00.0000000', 'Vertriebsrunde'],
      ['exception', '2026-03-24T14:00:00.0000000', 'Vertriebsrunde (verschoben)'],
      ['occurrence', '2026-04-06T09:00:00.0000000', 'Vertriebsrunde'],
    ]);
    const instances = await anna
      .api(`/me/events/${master.id}/instances`)
      .query({ startDateTime: '2026-03-01T00:00:00Z', endDateTime: '2026-05-01T00:00:00Z' })
      .get();
    expect(instances.value).toHaveLength(3);
    const deleted = await graphError(anna.api(`/me/events/${third?.id}`).get());
    expect(deleted.statusCode).toBe(404);
  });

  it('expands daily, monthly and yearly patterns with end dates and without an end, the 31st on short months’ last day', async () => {
    const series = async (recurrence: Record<string, unknown>, start = '2026-01-05T12:00:00'): Promise<string[]> => {
      const master = await anna.api('/me/events').post({
        subject: 'Muster',
        start: { dateTime: start, timeZone: BERLIN },
        end: { dateTime: start.replace('12:00', '13:00'), timeZone: BERLIN },
        recurrence,
      });
      const events = (await view('2026-01-01T00:00:00Z', '2027-12-31T00:00:00Z', BERLIN)).filter(
        (event) => event.seriesMasterId === master.id,
      );
      const all = await anna
        .api(`/me/events/${master.id}/instances`)
        .query({ startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2027-12-31T00:00:00Z' })
        .top(1000)
        .get();
      await anna.api(`/me/events/${master.id}`).delete();
      return (all.value.length > events.length ? all.value : events).map((event: Event) =>
        event.start.dateTime.slice(0, 10),
      );
    };
    expect(
      await series({
        pattern: { type: 'daily', interval: 2 },
        range: { type: 'endDate', startDate: '2026-01-05', endDate: '2026-01-11' },
      }),
    ).toEqual(['2026-01-05', '2026-01-07', '2026-01-09', '2026-01-11']);
    expect(
      await series({
        pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
        range: { type: 'numbered', startDate: '2026-01-05', numberOfOccurrences: 3 },
      }),
    ).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
    const lastFridays = await series({
      pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' },
      range: { type: 'noEnd', startDate: '2026-01-05' },
    });
    expect(lastFridays.slice(0, 3)).toEqual(['2026-01-30', '2026-02-27', '2026-03-27']);
    expect(lastFridays).toHaveLength(23);
    expect(
      await series({
        pattern: { type: 'absoluteYearly', interval: 1, month: 2, dayOfMonth: 14 },
        range: { type: 'noEnd', startDate: '2026-01-05' },
      }),
    ).toEqual(['2026-02-14', '2027-02-14']);
    const invalid = await graphError(
      anna.api('/me/events').post({
        start: { dateTime: '2026-01-05T12:00:00', timeZone: BERLIN },
        end: { dateTime: '2026-01-05T13:00:00', timeZone: BERLIN },
        recurrence: { pattern: { type: 'hourly' }, range: { type: 'noEnd', startDate: '2026-01-05' } },
      }),
    );
    expect(invalid.statusCode).toBe(400);
  });

  it('answers calendarView delta: occurrences first, then changes and removals, 410 for a lost token', async () => {
    const app = graphClient(emulator, await appToken(emulator));
    const user = 'lena.gross@contoso.example';
    await emulator.graph.seedEvents({ user, count: 12, start: '2026-09-01' });
    const { id: masterId } = emulator.graph.createEvent({
      user,
      fields: {
        subject: 'Jour fixe',
        start: { dateTime: '2026-09-01T16:00:00', timeZone: BERLIN },
        end: { dateTime: '2026-09-01T17:00:00', timeZone: BERLIN },
        recurrence: {
          pattern: { type: 'daily', interval: 1 },
          range: { type: 'numbered', startDate: '2026-09-01', numberOfOccurrences: 5 },
        },
      },
    });
    const start = `/users/${user}/calendarView/delta?startDateTime=2026-08-25T00:00:00Z&endDateTime=2026-10-01T00:00:00Z`;
    const first = await deltaRound(app, start, ['odata.maxpagesize=5']);
    expect(first.pages).toBe(4);
    expect(first.items).toHaveLength(17);
    const occurrences = first.items.filter((event) => event.seriesMasterId === masterId);
    expect(occurrences).toHaveLength(5);

    // Outlook changes one occurrence and deletes another; the CRM adds an event through Graph.
    emulator.graph.updateEvent({ user, id: String(occurrences[1]?.id), changes: { subject: 'Jour fixe (online)' } });
    emulator.graph.deleteEvent({ user, id: String(occurrences[2]?.id) });
    const added = await app.api(`/users/${user}/events`).post({
      subject: 'Neuer Termin',
      start: { dateTime: '2026-09-15T10:00:00', timeZone: BERLIN },
      end: { dateTime: '2026-09-15T11:00:00', timeZone: BERLIN },
    });

    const second = await deltaRound(app, first.deltaLink);
    expect(second.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: occurrences[1]?.id, type: 'exception', subject: 'Jour fixe (online)' }),
        { '@odata.type': '#microsoft.graph.event', id: occurrences[2]?.id, '@removed': { reason: 'deleted' } },
        expect.objectContaining({ id: added.id, type: 'singleInstance' }),
      ]),
    );
    expect(second.items).toHaveLength(3);

    emulator.graph.expireDeltaTokens();
    const lost = await graphError(app.api(second.deltaLink).get());
    expect(lost).toMatchObject({ statusCode: 410, code: 'SyncStateNotFound' });
    const missingWindow = await graphError(app.api(`/users/${user}/calendarView/delta`).get());
    expect(missingWindow.statusCode).toBe(400);
  });

  it('keeps attachments of an event as Graph does: added, listed, read and removed, each a change delta shows', async () => {
    const app = graphClient(emulator, await appToken(emulator));
    const user = 'lena.gross@contoso.example';
    const event = await app.api(`/users/${user}/events`).post({
      subject: 'Vertrag durchgehen',
      start: { dateTime: '2026-11-03T10:00:00', timeZone: BERLIN },
      end: { dateTime: '2026-11-03T11:00:00', timeZone: BERLIN },
    });
    expect(event.hasAttachments).toBe(false);
    const start = `/users/${user}/calendarView/delta?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-11-08T00:00:00Z`;
    const first = await deltaRound(app, start);
    const attachments = `/users/${user}/events/${event.id}/attachments`;

    const file = await app.api(attachments).post({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'Vertrag.txt',
      contentType: 'text/plain',
      contentBytes: Buffer.from('§ 1 Gegenstand').toString('base64'),
    });
    expect(file).toMatchObject({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'Vertrag.txt',
      contentType: 'text/plain',
      size: Buffer.byteLength('§ 1 Gegenstand'),
      isInline: false,
      lastModifiedDateTime: expect.any(String),
    });
    await app.api(attachments).post({
      '@odata.type': '#microsoft.graph.itemAttachment',
      name: 'Einladung',
      item: { '@odata.type': 'microsoft.graph.message', subject: 'Einladung' },
    });
    const changed = await app.api(`/users/${user}/events/${event.id}`).get();
    expect(changed.hasAttachments).toBe(true);
    expect(changed.changeKey).not.toBe(event.changeKey);
    expect(changed.lastModifiedDateTime > event.lastModifiedDateTime).toBe(true);
    const second = await deltaRound(app, first.deltaLink);
    expect(second.items).toEqual([expect.objectContaining({ id: event.id, hasAttachments: true })]);

    const listed = await app.api(attachments).select(['id', 'name', 'size', 'isInline']).get();
    expect(listed.value).toEqual([
      {
        '@odata.type': '#microsoft.graph.fileAttachment',
        '@odata.mediaContentType': 'text/plain',
        id: file.id,
        name: 'Vertrag.txt',
        size: file.size,
        isInline: false,
      },
      {
        '@odata.type': '#microsoft.graph.itemAttachment',
        id: expect.any(String),
        name: 'Einladung',
        size: expect.any(Number),
        isInline: false,
      },
    ]);
    const read = await app.api(`${attachments}/${file.id}`).get();
    expect(Buffer.from(read.contentBytes, 'base64').toString('utf8')).toBe('§ 1 Gegenstand');

    const noType = await graphError(app.api(attachments).post({ name: 'x.txt', contentBytes: 'eA==' }));
    expect(noType.statusCode).toBe(400);
    const stale = await graphError(
      app.api(`${attachments}/${file.id}`).header('If-Match', `W/"${event.changeKey}"`).delete(),
    );
    expect(stale.statusCode).toBe(412);
    await app.api(`${attachments}/${file.id}`).delete();
    expect((await graphError(app.api(`${attachments}/${file.id}`).get())).statusCode).toBe(404);
    const third = await deltaRound(app, second.deltaLink);
    expect(third.items).toEqual([expect.objectContaining({ id: event.id })]);
  });

  it('keeps immutable event ids when Outlook moves an event to another calendar', async () => {
    const { id: calendarId } = await anna.api('/me/calendars').post({ name: 'Privat' });
    const event = await anna
      .api('/me/events')
      .header('Prefer', 'IdType="ImmutableId"')
      .post({
        subject: 'Zahnarzt',
        start: { dateTime: '2026-06-01T08:00:00', timeZone: BERLIN },
        end: { dateTime: '2026-06-01T09:00:00', timeZone: BERLIN },
      });
    const mutable = await anna.api(`/me/events/${event.id}`).get();
    emulator.graph.moveEvent({ user: ANNA, id: event.id, calendarId });
    const moved = await anna
      .api(`/me/calendars/${calendarId}/events/${event.id}`)
      .header('Prefer', 'IdType="ImmutableId"')
      .get();
    expect(moved).toMatchObject({ id: event.id, subject: 'Zahnarzt' });
    expect((await graphError(anna.api(`/me/events/${mutable.id}`).get())).statusCode).toBe(404);
  });
});
