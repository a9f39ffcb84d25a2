import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import {
  type ClaimedNotification,
  claimPendingNotifications,
  MAX_DELIVERY_ATTEMPTS,
  markNotificationFailed,
  markNotificationSent,
} from '../delivery.ts';
import { notify } from '../outbox.ts';

describe('delivering the notification outbox', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let bjoern = '';
  let zoe = '';
  let run = 0;

  const root = () => t.orm.em.fork() as EntityManager;
  const ours = (claims: ClaimedNotification[]) =>
    claims.filter((claim) => claim.tenantId === contoso.id || claim.tenantId === fabrikam.id);
  const stateOf = async (id: string) =>
    (
      await t.orm.em
        .getConnection()
        .execute<
          { state: string; attempts: number; last_error: string | null; sent: boolean; backoff_seconds: number }[]
        >(
          `select state, attempts, last_error, sent_at is not null as sent,
                round(extract(epoch from next_attempt_at - now()))::int as backoff_seconds
           from notification where id = ?`,
          [id],
        )
    )[0];
  /** Fresh pending notifications, one per recipient given. */
  const pending = async (tenant: TestTenant, recipients: string[]) => {
    run += 1;
    return inTenantTransaction(t.orm.em as EntityManager, tenant.id, (em) =>
      notify(
        em,
        recipients.map((recipientId, index) => ({
          recipientId,
          kind: 'task.reminder',
          payload: { title: `Erinnerung ${run}.${index}` },
          idempotencyKey: `delivery:${run}:${index}`,
        })),
      ),
    );
  };
  /** Claims everything due and hands back the claims of these ids. */
  const claim = async (ids: string[], options: { leaseSeconds?: number } = {}) =>
    ours(await claimPendingNotifications(root(), 500, options)).filter((claimed) => ids.includes(claimed.id));

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Delivery GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller' },
    ]);
    fabrikam = await t.createTenant('Fabrikam Delivery AG', [{ displayName: 'Zoë Bäcker' }]);
    bjoern = await contoso.userId(contoso.upn('Björn Müller'));
    zoe = await fabrikam.userId(fabrikam.upn('Zoë Bäcker'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('claims due notifications of every tenant with what the bot needs to reach the recipient', async () => {
    const [forBjoern] = await pending(contoso, [bjoern]);
    const [forZoe] = await pending(fabrikam, [zoe]);
    const claims = await claim([forBjoern as string, forZoe as string]);
    expect(claims).toHaveLength(2);
    expect(claims.find((claimed) => claimed.id === forBjoern)).toEqual({
      id: forBjoern,
      tenantId: contoso.id,
      recipient: { id: bjoern, entraObjectId: expect.any(String), displayName: 'Björn Müller', language: 'de' },
      kind: 'task.reminder',
      payload: { title: expect.stringMatching(/^Erinnerung/) },
      attempt: 1,
      createdAt: expect.any(String),
    });
    expect(await stateOf(forBjoern as string)).toMatchObject({ state: 'sending', attempts: 1 });
    // Held by that claim: nobody else gets them while the lease lasts.
    expect(await claim([forBjoern as string, forZoe as string])).toEqual([]);
    for (const claimed of claims) expect(await markNotificationSent(root(), claimed)).toBe(true);
    expect(await stateOf(forBjoern as string)).toMatchObject({ state: 'sent', sent: true, last_error: null });
    expect(await claim([forBjoern as string, forZoe as string])).toEqual([]);
  });

  it('gives two deliverers claiming at once disjoint notifications', async () => {
    const ids = await pending(
      contoso,
      Array.from({ length: 20 }, () => bjoern),
    );
    const [a, b] = await Promise.all([claimPendingNotifications(root(), 10), claimPendingNotifications(root(), 10)]);
    const claimedA = ours(a ?? []).map((claimed) => claimed.id);
    const claimedB = ours(b ?? []).map((claimed) => claimed.id);
    expect(claimedA.filter((id) => claimedB.includes(id))).toEqual([]);
    expect([...claimedA, ...claimedB].sort()).toEqual([...ids].sort());
    for (const claimed of ours([...(a ?? []), ...(b ?? [])])) await markNotificationSent(root(), claimed);
  });

  it('tries a failed delivery again after a growing backoff and gives up after the last attempt', async () => {
    const [id] = (await pending(contoso, [bjoern])) as [string];
    const [first] = await claim([id]);
    if (!first) throw new Error('not claimed');
    expect(await markNotificationFailed(root(), first, 'Bot Connector answered 503')).toBe(true);
    expect(await stateOf(id)).toMatchObject({
      state: 'pending',
      attempts: 1,
      last_error: 'Bot Connector answered 503',
    });
    expect((await stateOf(id))?.backoff_seconds).toBe(30);
    // Not before its time.
    expect(await claim([id])).toEqual([]);
    const due = () =>
      t.orm.em.getConnection().execute('update notification set next_attempt_at = now() where id = ?', [id]);
    await due();
    const [second] = await claim([id]);
    if (!second) throw new Error('not claimed again');
    expect(second.attempt).toBe(2);
    await markNotificationFailed(root(), second, 'Bot Connector answered 503');
    expect((await stateOf(id))?.backoff_seconds).toBe(60);
    for (let attempt = 3; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      await due();
      const [next] = await claim([id]);
      if (!next) throw new Error(`attempt ${attempt} not claimed`);
      await markNotificationFailed(root(), next, `attempt ${attempt} failed`);
    }
    expect(await stateOf(id)).toMatchObject({ state: 'failed', attempts: MAX_DELIVERY_ATTEMPTS });
    await due();
    expect(await claim([id])).toEqual([]);
  });

  it('gives up at once on a permanent failure', async () => {
    const [id] = (await pending(contoso, [bjoern])) as [string];
    const [claimed] = await claim([id]);
    if (!claimed) throw new Error('not claimed');
    await markNotificationFailed(root(), claimed, 'The bot is not installed for this user', { permanent: true });
    expect(await stateOf(id)).toMatchObject({ state: 'failed', attempts: 1 });
  });

  it("takes back a dead deliverer's claim when its lease runs out, and ignores that deliverer's late word", async () => {
    const [id] = (await pending(contoso, [bjoern])) as [string];
    const [lost] = await claim([id], { leaseSeconds: 0 });
    if (!lost) throw new Error('not claimed');
    const [taken] = await claim([id]);
    expect(taken?.attempt).toBe(2);
    expect(await markNotificationFailed(root(), lost, 'too late')).toBe(false);
    expect(await markNotificationSent(root(), lost)).toBe(false);
    expect(await markNotificationSent(root(), taken as ClaimedNotification)).toBe(true);
    expect(await stateOf(id)).toMatchObject({ state: 'sent', attempts: 2, last_error: null });
  });
});
