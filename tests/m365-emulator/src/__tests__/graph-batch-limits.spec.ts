// $batch, Outlook's limits per app and mailbox, and faults on demand, through the real Graph client
// (its retry handler switched off where a test wants to see the 429 itself).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BatchRequestContent,
  BatchResponseContent,
  type Client,
  type GraphError,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { CRM_APP_ID, emulatorClient, OUTLOOK_LIMITS, type RunningEmulator } from '../index.ts';
import { appToken, delegatedToken, graphClient, graphError, JUERGEN } from './graph-client.ts';
import { ANNA, startTrustedEmulator } from './trusted-emulator.ts';

const noRetries = [new RetryHandlerOptions(0, 0)];

describe('Graph $batch, limits and faults in the emulator', () => {
  let emulator: RunningEmulator;
  let anna: Client;
  let app: Client;

  beforeAll(async () => {
    emulator = await startTrustedEmulator();
    anna = graphClient(emulator, await delegatedToken(emulator));
    app = graphClient(emulator, await appToken(emulator));
  });
  afterEach(() => {
    emulator.graph.clearFaults();
    emulator.graph.setLimits(OUTLOOK_LIMITS);
    emulator.graph.resetUsage();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('runs up to 20 requests in one $batch with dependsOn and a status for each, and refuses 21', async () => {
    const url = (path: string): string => `${emulator.graphUrl}${path}`;
    const batch = new BatchRequestContent([
      {
        id: '1',
        request: new Request(url('/me/contactFolders'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ displayName: 'Batch' }),
        }),
      },
      { id: '2', request: new Request(url('/me/contactFolders'), { method: 'GET' }), dependsOn: ['1'] },
      { id: '3', request: new Request(url('/me/contacts/AAkALgbm9uZQ'), { method: 'GET' }), dependsOn: ['2'] },
      { id: '4', request: new Request(url('/me/contacts'), { method: 'GET' }), dependsOn: ['3'] },
    ]);
    const answer = new BatchResponseContent(await anna.api('/$batch').post(await batch.getContent()));
    expect(answer.getResponseById('1')?.status).toBe(201);
    const folders = await answer.getResponseById('2')?.json();
    expect(folders.value).toEqual([expect.objectContaining({ displayName: 'Batch' })]);
    expect(answer.getResponseById('3')?.status).toBe(404);
    expect(answer.getResponseById('4')?.status).toBe(424);

    const requests = Array.from({ length: 21 }, (_, index) => ({
      id: String(index + 1),
      method: 'GET',
      url: '/me/contacts',
    }));
    const tooMany = await graphError(anna.api('/$batch').post({ requests }));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.message).toMatch(/limit of 20/);
  });

  it('answers the fifth concurrent request to one mailbox with 429 MailboxConcurrency, other mailboxes unaffected', async () => {
    const hold = emulator.graph.hold({ path: `/users/${ANNA}/contacts`, times: 4 });
    const held = Array.from({ length: 4 }, () => app.api(`/users/${ANNA}/contacts`).get());
    await emulator.graph.held(hold, 4);

    const fifth = await graphError(app.api(`/users/${ANNA}/contacts`).middlewareOptions(noRetries).get());
    expect(fifth).toMatchObject({ statusCode: 429, code: 'ApplicationThrottled' });
    expect(fifth.message).toBe('Application is over its MailboxConcurrency limit.');
    expect(fifth.headers?.get('retry-after')).toBe('1');
    // The limit is per app and mailbox: Jürgen's mailbox still answers.
    await expect(app.api(`/users/${JUERGEN}/contacts`).get()).resolves.toMatchObject({ value: [] });

    emulator.graph.release(hold);
    await expect(Promise.all(held)).resolves.toHaveLength(4);
    await expect(app.api(`/users/${ANNA}/contacts`).get()).resolves.toMatchObject({ value: [] });
  });

  it('counts every request, those inside a $batch one by one, against a budget per period and then answers 429', async () => {
    emulator.graph.setLimits({ requestsPerPeriod: 6, periodSeconds: 600 });
    const requests = Array.from({ length: 4 }, (_, index) => ({
      id: String(index + 1),
      method: 'GET',
      url: '/me/contacts',
    }));
    const batch = await anna.api('/$batch').post({ requests });
    expect(batch.responses.map((response: { status: number }) => response.status)).toEqual([200, 200, 200, 200]);
    expect(emulator.graph.usage({ user: ANNA })).toBe(4);
    await anna.api('/me/events').get();
    await anna.api('/me/calendars').get();
    const over = await graphError(anna.api('/me/contacts').middlewareOptions(noRetries).get());
    expect(over).toMatchObject({ statusCode: 429, code: 'ApplicationThrottled' });
    expect(Number(over.headers?.get('retry-after'))).toBeGreaterThan(500);
    // Another user's mailbox has its own budget; /me (the profile) is not an Outlook resource.
    await expect(app.api(`/users/${JUERGEN}/contacts`).get()).resolves.toBeDefined();
    await expect(anna.api('/me').get()).resolves.toMatchObject({ userPrincipalName: ANNA });
    expect(emulator.graph.usage({ user: ANNA, appId: CRM_APP_ID })).toBe(6);
  });

  it('fails the next requests on demand with 429, 503 and 410, also inside a $batch and over the control API', async () => {
    emulator.graph.addFault({ status: 429, path: '/contacts', times: 2, retryAfterSeconds: 7 });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const throttled = await graphError(anna.api('/me/contacts').middlewareOptions(noRetries).get());
      expect(throttled.statusCode).toBe(429);
      expect(throttled.headers?.get('retry-after')).toBe('7');
    }
    await expect(anna.api('/me/contacts').get()).resolves.toMatchObject({ value: [] });

    // The Graph client's retry handler waits Retry-After and tries again: a 503 burst passes unnoticed.
    emulator.graph.addFault({ status: 503, path: '/events', times: 2, retryAfterSeconds: 0 });
    await expect(anna.api('/me/events').get()).resolves.toMatchObject({ value: [] });

    const control = emulatorClient(emulator.url).graph;
    await control.addFault({ status: 410, path: '/delta' });
    const gone: GraphError = await graphError(anna.api('/me/contacts/delta').get());
    expect(gone).toMatchObject({ statusCode: 410, code: 'SyncStateNotFound' });

    await control.addFault({ status: 503, method: 'POST', path: '/contacts' });
    const batch = await anna.api('/$batch').post({
      requests: [
        {
          id: 'a',
          method: 'POST',
          url: '/me/contacts',
          headers: { 'content-type': 'application/json' },
          body: { givenName: 'Erst' },
        },
        {
          id: 'b',
          method: 'POST',
          url: '/me/contacts',
          headers: { 'content-type': 'application/json' },
          body: { givenName: 'Dann' },
        },
      ],
    });
    expect(batch.responses.map((response: { id: string; status: number }) => [response.id, response.status])).toEqual([
      ['a', 503],
      ['b', 201],
    ]);
    expect(batch.responses[0].headers['Retry-After']).toBe('1');

    const hold = await control.hold({ path: '/me/calendars' });
    const waiting = anna.api('/me/calendars').get();
    await control.held(hold, 1);
    await control.release(hold);
    await expect(waiting).resolves.toMatchObject({ value: [expect.objectContaining({ name: 'Calendar' })] });
  });

  it('seeds a mailbox with 10,000 contacts and 20,000 events for benches, in process and over HTTP', async () => {
    const { folderId } = await emulatorClient(emulator.url).graph.seedContacts({ user: JUERGEN, count: 10_000 });
    await emulator.graph.seedEvents({ user: JUERGEN, count: 20_000, start: '2026-01-01' });
    const page = await app
      .api(`/users/${JUERGEN}/contactFolders/${folderId}/contacts/delta`)
      .header('Prefer', 'odata.maxpagesize=1000')
      .get();
    expect(page.value).toHaveLength(1000);
    expect(page['@odata.nextLink']).toContain('$skiptoken=');
    // 20,000 events over a year: 55 a day.
    const newYear = await app
      .api(`/users/${JUERGEN}/calendarView`)
      .query({ startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2026-01-02T00:00:00Z' })
      .top(100)
      .get();
    expect(newYear.value).toHaveLength(55);
  });

  it('offers the same control over HTTP: limits, usage, Outlook edits, subscriptions and deliveries', async () => {
    const control = emulatorClient(emulator.url).graph;
    expect(await control.setLimits({ requestsPerPeriod: 50 })).toMatchObject({
      requestsPerPeriod: 50,
      concurrentRequests: 4,
    });
    await control.resetUsage();
    const { contactFolderId, calendarId } = await control.mailbox({ user: ANNA });
    const { id: folderId } = await control.createContactFolder({ user: ANNA, displayName: 'Über HTTP' });
    const contact = await control.createContact({
      user: ANNA,
      folderId,
      fields: { givenName: 'Hanna', surname: 'Http' },
    });
    await control.updateContact({ user: ANNA, id: contact.immutableId, changes: { jobTitle: 'Einkauf' } });
    const moved = await control.moveContact({ user: ANNA, id: contact.id, folderId: contactFolderId });
    expect(moved.immutableId).toBe(contact.immutableId);
    await expect(anna.api(`/me/contacts/${moved.id}`).get()).resolves.toMatchObject({ jobTitle: 'Einkauf' });
    await control.deleteContact({ user: ANNA, id: moved.id });

    const { id: otherCalendar } = await control.createCalendar({ user: ANNA, name: 'Über HTTP' });
    const event = await control.createEvent({
      user: ANNA,
      calendarId,
      fields: {
        subject: 'Über HTTP',
        start: { dateTime: '2026-05-04T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-05-04T11:00:00', timeZone: 'UTC' },
      },
    });
    await control.updateEvent({ user: ANNA, id: event.id, changes: { subject: 'Geändert' } });
    const movedEvent = await control.moveEvent({ user: ANNA, id: event.id, calendarId: otherCalendar });
    await expect(anna.api(`/me/events/${movedEvent.id}`).get()).resolves.toMatchObject({ subject: 'Geändert' });
    await control.deleteEvent({ user: ANNA, id: movedEvent.id });
    expect(await control.usage({ user: ANNA })).toBe(2);

    await control.seedEvents({ user: ANNA, count: 3, start: '2026-05-01' });
    await expect(control.expireDeltaTokens()).resolves.toEqual(expect.any(Number));
    expect(await control.subscriptions()).toEqual([]);
    await control.loseNotifications({ times: 0 });
    await control.settleNotifications();
    expect(await control.deliveries()).toEqual([]);
    const refused = control.updateContact({ user: ANNA, id: moved.id, changes: {} });
    await expect(refused).rejects.toThrow(/404/);
  });
});
