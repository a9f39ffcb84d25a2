import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { claimPendingNotifications, markNotificationFailed } from '../delivery.ts';
import { type NotificationDraft, notify } from '../outbox.ts';

describe('notifications', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let anna: AuthedAgent;
  let bjoern: AuthedAgent;
  let zoe: AuthedAgent;
  let annaId = '';
  let bjoernId = '';
  let annasOwn = '';
  let fabrikamsOwn = '';

  const reminder = (recipientId: string, n: number): NotificationDraft => ({
    recipientId,
    kind: 'task.reminder',
    payload: { taskId: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`, title: `Aufgabe ${n}` },
    idempotencyKey: `test:${recipientId}:${n}`,
  });
  const inTenant = <T>(tenant: TestTenant, work: (em: EntityManager) => Promise<T>) =>
    inTenantTransaction(t.orm.em as EntityManager, tenant.id, work);

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Notifications GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller' },
    ]);
    fabrikam = await t.createTenant('Fabrikam Notifications AG', [{ displayName: 'Zoë Bäcker' }]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    bjoern = await contoso.as(contoso.upn('Björn Müller'));
    zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    annaId = await contoso.userId(contoso.upn('Anna Schmidt'));
    bjoernId = await contoso.userId(contoso.upn('Björn Müller'));
    const zoeId = await fabrikam.userId(fabrikam.upn('Zoë Bäcker'));
    // Five for Björn in one transaction (one created_at), then two more, one mention; one for Anna.
    await inTenant(contoso, (em) =>
      notify(
        em,
        [1, 2, 3, 4, 5].map((n) => reminder(bjoernId, n)),
      ),
    );
    await inTenant(contoso, (em) =>
      notify(
        em,
        [6, 7].map((n) => reminder(bjoernId, n)),
      ),
    );
    await inTenant(contoso, (em) =>
      notify(em, {
        recipientId: bjoernId,
        kind: 'mention',
        payload: { recordType: 'person', recordId: annaId },
        idempotencyKey: `test:mention:${bjoernId}`,
      }),
    );
    [annasOwn] = (await inTenant(contoso, (em) => notify(em, reminder(annaId, 9)))) as [string];
    [fabrikamsOwn] = (await inTenant(fabrikam, (em) => notify(em, reminder(zoeId, 1)))) as [string];
  });
  afterAll(async () => {
    await t.close();
  });

  it("lists the caller's own notifications newest first, page by page, with the unread count", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await bjoern.get(`/api/v1/me/notifications?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.unreadCount).toBe(8);
      seen.push(
        ...res.body.items.map((item: { payload: { title?: string }; kind: string }) => item.payload.title ?? item.kind),
      );
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    // Newest transaction first; within one, in id order. Never Anna's.
    expect(seen).toEqual([
      'mention',
      'Aufgabe 6',
      'Aufgabe 7',
      'Aufgabe 1',
      'Aufgabe 2',
      'Aufgabe 3',
      'Aufgabe 4',
      'Aufgabe 5',
    ]);
    const first = await bjoern.get('/api/v1/me/notifications?limit=1');
    expect(first.body.items[0]).toEqual({
      id: expect.any(String),
      kind: 'mention',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      readAt: null,
      payload: { recordType: 'person', recordId: annaId },
      state: 'pending',
    });
  });

  it('marks one read, keeps the first reading time, and marks all the rest read', async () => {
    const [newest] = (await bjoern.get('/api/v1/me/notifications?limit=1')).body.items;
    const read = await bjoern.post(`/api/v1/me/notifications/${newest.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: newest.id, readAt: expect.any(String) });
    const again = await bjoern.post(`/api/v1/me/notifications/${newest.id}/read`);
    expect(again.body.readAt).toBe(read.body.readAt);
    const unread = await bjoern.get('/api/v1/me/notifications?unread=true&limit=50');
    expect(unread.body.items).toHaveLength(7);
    expect(unread.body.items.map((item: { id: string }) => item.id)).not.toContain(newest.id);
    expect(unread.body.unreadCount).toBe(7);
    const all = await bjoern.post('/api/v1/me/notifications/read-all');
    expect(all.body).toEqual({ marked: 7 });
    expect((await bjoern.get('/api/v1/me/notifications?unread=true')).body).toMatchObject({
      items: [],
      unreadCount: 0,
      nextCursor: null,
    });
    // Anna's stays unread.
    expect((await anna.get('/api/v1/me/notifications')).body.unreadCount).toBe(1);
  });

  it("answers 404 for someone else's notification, in the tenant or another, and 400 for bad input", async () => {
    for (const id of [annasOwn, fabrikamsOwn]) {
      const res = await bjoern.post(`/api/v1/me/notifications/${id}/read`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await zoe.get('/api/v1/me/notifications')).body.items.map((item: { id: string }) => item.id)).toEqual([
      fabrikamsOwn,
    ]);
    expect((await anna.get('/api/v1/me/notifications')).body.items[0].readAt).toBeNull();
    const badId = await bjoern.post('/api/v1/me/notifications/not-an-id/read');
    expect(badId.status).toBe(400);
    const badFilter = await bjoern.get('/api/v1/me/notifications?unread=yes');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors).toEqual([{ in: 'query', pointer: '#/unread', detail: 'unread is true or false' }]);
    expect((await bjoern.get('/api/v1/me/notifications?cursor=bogus')).status).toBe(400);
  });

  it('shows the admin every notification with its delivery state, attempts and last error', async () => {
    const claimed = (await claimPendingNotifications(t.orm.em.fork() as EntityManager, 1000)).filter(
      (claim) => claim.tenantId === contoso.id && claim.recipient.id === annaId,
    );
    expect(claimed).toHaveLength(1);
    await markNotificationFailed(
      t.orm.em.fork() as EntityManager,
      claimed[0] as { id: string; attempt: number },
      'Bot: user not installed',
    );
    const res = await anna.get(`/api/v1/notifications?recipientId=${annaId}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        id: annasOwn,
        kind: 'task.reminder',
        recipientId: annaId,
        createdAt: expect.any(String),
        readAt: null,
        payload: expect.objectContaining({ title: 'Aufgabe 9' }),
        state: 'pending',
        attempts: 1,
        lastError: 'Bot: user not installed',
        nextAttemptAt: expect.any(String),
        sentAt: null,
      },
    ]);
    const mentions = await anna.get('/api/v1/notifications?kind=mention');
    expect(mentions.body.items.map((item: { recipientId: string }) => item.recipientId)).toEqual([bjoernId]);
    const everything = await anna.get('/api/v1/notifications?limit=200');
    expect(everything.body.items).toHaveLength(9);
    expect(everything.body.items.map((item: { id: string }) => item.id)).not.toContain(fabrikamsOwn);
    const failedOnes = await anna.get('/api/v1/notifications?state=failed');
    expect(failedOnes.body.items).toEqual([]);
  });

  it('keeps the admin listing to admins and refuses unknown states', async () => {
    const res = await bjoern.get('/api/v1/notifications');
    expect(res.status).toBe(403);
    const bad = await anna.get('/api/v1/notifications?state=lost');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { in: 'query', pointer: '#/state', detail: 'state is one of pending, sending, sent, failed' },
    ]);
  });
});
