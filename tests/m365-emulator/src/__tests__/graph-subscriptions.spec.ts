// Change notifications through the real Graph client: the validation handshake (answered and not),
// notifications when Outlook data changes, lifecycle notifications, Outlook's maximum lifetime and expiry.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { RunningEmulator } from '../index.ts';
import { appToken, delegatedToken, graphClient, graphError } from './graph-client.ts';
import { ANNA, CONTOSO, startTrustedEmulator } from './trusted-emulator.ts';

/** A webhook as the CRM would run one: echoes validation tokens (unless told not to) and keeps what it got. */
interface Webhook {
  url: string;
  received: Array<{ path: string; body: { value: Array<Record<string, unknown>> } }>;
  validations: Array<{ path: string; contentType: string | undefined }>;
  /** `silent`: the validation request is never answered. */
  echo: 'token' | 'wrong' | 'error' | 'silent';
  close(): Promise<void>;
}

async function startWebhook(): Promise<Webhook> {
  const webhook: Omit<Webhook, 'url' | 'close'> = { received: [], validations: [], echo: 'token' };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        webhook.validations.push({ path: url.pathname, contentType: request.headers['content-type'] });
        if (webhook.echo === 'silent') return;
        if (webhook.echo === 'error') {
          response.writeHead(500).end();
          return;
        }
        response.writeHead(200, { 'content-type': 'text/plain' }).end(webhook.echo === 'token' ? token : 'hello');
        return;
      }
      webhook.received.push({ path: url.pathname, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(webhook, {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

const inDays = (days: number): string => new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();

describe('Graph change notifications in the emulator', () => {
  let emulator: RunningEmulator;
  let webhook: Webhook;
  let anna: Client;

  beforeAll(async () => {
    emulator = await startTrustedEmulator();
    webhook = await startWebhook();
    anna = graphClient(emulator, await delegatedToken(emulator));
  });
  beforeEach(() => {
    webhook.echo = 'token';
    webhook.received.length = 0;
    webhook.validations.length = 0;
  });
  afterAll(async () => {
    await emulator.stop();
    await webhook.close();
  });

  it('validates the notification and lifecycle URLs and then posts a notification for each change', async () => {
    const { id: folderId } = await anna.api('/me/contactFolders').post({ displayName: 'CRM' });
    const subscription = await anna
      .api('/subscriptions')
      .header('Prefer', 'IdType="ImmutableId"')
      .post({
        changeType: 'created,updated,deleted',
        notificationUrl: `${webhook.url}/notifications`,
        lifecycleNotificationUrl: `${webhook.url}/lifecycle`,
        resource: `me/contactFolders/${folderId}/contacts`,
        expirationDateTime: inDays(3),
        clientState: 'secret-from-crm',
      });
    expect(subscription).toMatchObject({
      id: expect.any(String),
      clientState: 'secret-from-crm',
      changeType: 'created,updated,deleted',
    });
    expect(webhook.validations).toEqual([
      { path: '/notifications', contentType: 'text/plain; charset=utf-8' },
      { path: '/lifecycle', contentType: 'text/plain; charset=utf-8' },
    ]);

    // Outlook adds a contact, then the CRM changes it through Graph.
    const { immutableId } = emulator.graph.createContact({
      user: ANNA,
      folderId,
      fields: { givenName: 'Nora', surname: 'Neu' },
    });
    await anna.api(`/me/contacts/${immutableId}`).patch({ jobTitle: 'Einkauf' });
    // A contact in another folder is not this subscription's business.
    emulator.graph.createContact({ user: ANNA, fields: { givenName: 'Andere', surname: 'Mappe' } });
    await emulator.graph.settleNotifications();

    expect(webhook.received.map((entry) => entry.path)).toEqual(['/notifications', '/notifications']);
    const [created, updated] = webhook.received.map((entry) => entry.body.value[0]);
    expect(created).toMatchObject({
      subscriptionId: subscription.id,
      clientState: 'secret-from-crm',
      changeType: 'created',
      tenantId: CONTOSO,
      resource: expect.stringContaining(immutableId),
      resourceData: { id: immutableId, '@odata.type': '#Microsoft.Graph.Contact' },
    });
    expect(updated).toMatchObject({ changeType: 'updated', resourceData: { id: immutableId } });

    // A lost notification: nothing reaches the webhook but a `missed` lifecycle notification.
    webhook.received.length = 0;
    emulator.graph.loseNotifications({ sendMissed: true });
    emulator.graph.deleteContact({ user: ANNA, id: immutableId });
    await emulator.graph.settleNotifications();
    expect(webhook.received.map((entry) => [entry.path, entry.body.value[0]?.lifecycleEvent])).toEqual([
      ['/lifecycle', 'missed'],
    ]);
    expect(emulator.graph.deliveries().filter((delivery) => delivery.kind === 'lost')).toHaveLength(1);
  });

  it('refuses a subscription whose endpoint does not echo the token, and one longer than Outlook allows', async () => {
    webhook.echo = 'wrong';
    const wrong = await graphError(
      anna.api('/subscriptions').post({
        changeType: 'created',
        notificationUrl: `${webhook.url}/notifications`,
        resource: 'me/events',
        expirationDateTime: inDays(1),
      }),
    );
    expect(wrong).toMatchObject({ statusCode: 400, code: 'ValidationError' });
    webhook.echo = 'error';
    const failing = await graphError(
      anna.api('/subscriptions').post({
        changeType: 'created',
        notificationUrl: `${webhook.url}/notifications`,
        resource: 'me/events',
        expirationDateTime: inDays(1),
      }),
    );
    expect(failing.statusCode).toBe(400);
    webhook.echo = 'token';
    const tooLong = await graphError(
      anna.api('/subscriptions').post({
        changeType: 'created',
        notificationUrl: `${webhook.url}/notifications`,
        resource: 'me/events',
        expirationDateTime: inDays(8),
      }),
    );
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.message).toMatch(/10080 minutes/);
    const unreachable = await graphError(
      anna.api('/subscriptions').post({
        changeType: 'created',
        notificationUrl: 'http://localhost:1/notifications',
        resource: 'me/events',
        expirationDateTime: inDays(1),
      }),
    );
    expect(unreachable.statusCode).toBe(400);
    const mine = await anna.api('/subscriptions').get();
    expect(mine.value.filter((entry: { resource: string }) => entry.resource === 'me/events')).toEqual([]);
  });

  it('refuses a subscription whose endpoint does not answer the handshake in time', async () => {
    const impatient = await startTrustedEmulator({ graph: { validationTimeoutMs: 200 } });
    try {
      webhook.echo = 'silent';
      const client = graphClient(impatient, await delegatedToken(impatient));
      const silent = await graphError(
        client.api('/subscriptions').post({
          changeType: 'created',
          notificationUrl: `${webhook.url}/notifications`,
          resource: 'me/contacts',
          expirationDateTime: inDays(1),
        }),
      );
      expect(silent).toMatchObject({ statusCode: 400, code: 'ValidationError' });
      expect(impatient.graph.deliveries()).toEqual([
        expect.objectContaining({ kind: 'validation', status: undefined, error: expect.any(String) }),
      ]);
    } finally {
      await impatient.stop();
    }
  });

  it('sends lifecycle notifications; subscriptionRemoved and expiry end the subscription', async () => {
    const app = graphClient(emulator, await appToken(emulator));
    const subscribe = () =>
      app.api('/subscriptions').post({
        changeType: 'created,updated,deleted',
        notificationUrl: `${webhook.url}/notifications`,
        lifecycleNotificationUrl: `${webhook.url}/lifecycle`,
        resource: `users/${ANNA}/events`,
        expirationDateTime: inDays(2),
        clientState: 'app-state',
      });
    const subscription = await subscribe();
    const renewed = await app.api(`/subscriptions/${subscription.id}`).patch({ expirationDateTime: inDays(6) });
    expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.parse(subscription.expirationDateTime));

    for (const event of ['reauthorizationRequired', 'missed'] as const) {
      await emulator.graph.lifecycle({ subscriptionId: subscription.id, event });
    }
    expect(webhook.received.map((entry) => [entry.path, entry.body.value[0]?.lifecycleEvent])).toEqual([
      ['/lifecycle', 'reauthorizationRequired'],
      ['/lifecycle', 'missed'],
    ]);
    expect(webhook.received[0]?.body.value[0]).toMatchObject({
      subscriptionId: subscription.id,
      clientState: 'app-state',
      tenantId: CONTOSO,
    });

    await emulator.graph.lifecycle({ subscriptionId: subscription.id, event: 'subscriptionRemoved' });
    expect((await graphError(app.api(`/subscriptions/${subscription.id}`).get())).statusCode).toBe(404);

    const second = await subscribe();
    emulator.graph.expireSubscription(second.id);
    webhook.received.length = 0;
    emulator.graph.createEvent({
      user: ANNA,
      fields: {
        subject: 'Nach Ablauf',
        start: { dateTime: '2026-10-01T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-10-01T11:00:00', timeZone: 'UTC' },
      },
    });
    await emulator.graph.settleNotifications();
    expect(webhook.received).toEqual([]);
    expect((await graphError(app.api(`/subscriptions/${second.id}`).get())).statusCode).toBe(404);

    const third = await subscribe();
    await app.api(`/users/${ANNA}/events`).post({
      subject: 'Mit Benachrichtigung',
      start: { dateTime: '2026-10-02T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-10-02T11:00:00', timeZone: 'UTC' },
    });
    await emulator.graph.settleNotifications();
    expect(webhook.received.map((entry) => entry.body.value[0])).toEqual([
      expect.objectContaining({ subscriptionId: third.id, changeType: 'created', clientState: 'app-state' }),
    ]);
    await app.api(`/subscriptions/${third.id}`).delete();
  });
});
