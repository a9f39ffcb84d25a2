// The add-in and the web app open with a burst of requests: all of them must be answered, however
// many arrive with a token the CRM has not seen yet and however the user's profile changed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

const BURST = 50;

describe('concurrent requests of one user', () => {
  let t: TestApp;
  let contoso: TestTenant;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Sends `BURST` requests at once with `token` and gives the statuses that answered them. */
  async function burst(token: string): Promise<number[]> {
    const answers = await Promise.all(
      Array.from({ length: BURST }, () => t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`)),
    );
    return answers.map((answer) => answer.status);
  }

  async function userRow(objectId: string) {
    const rows = await t.orm.em
      .getConnection()
      .execute<{ display_name: string; email: string; version: number; last_seen_at: string | null }[]>(
        'select display_name, email, version, last_seen_at from app_user where tenant_id = ? and entra_object_id = ?',
        [contoso.id, objectId],
      );
    return rows;
  }

  const objectIdOf = (name: string) => {
    const user = contoso.seed.users.find((candidate) => candidate.displayName === name);
    if (!user) throw new Error(`no user ${name}`);
    return user.id;
  };

  it("sets the organisation up once under its Global Administrator's first burst of requests", async () => {
    contoso = await t.createTenant(
      'Contoso Burst GmbH',
      [{ displayName: 'Anna Schmidt' }, { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] }],
      { setUp: false },
    );
    const statuses = await burst(await contoso.token(contoso.upn('Anna Schmidt')));
    expect(statuses).toEqual(Array(BURST).fill(200));
    expect(await userRow(objectIdOf('Anna Schmidt'))).toHaveLength(1);
    const me = await (await contoso.as(contoso.upn('Anna Schmidt'))).get('/api/v1/me');
    expect(me.body.roles).toContain('admin');
  });

  it("creates a new user once under the first burst of a fresh token's requests", async () => {
    const statuses = await burst(await contoso.token(contoso.upn('Björn Müller')));
    expect(statuses).toEqual(Array(BURST).fill(200));
    expect(await userRow(objectIdOf('Björn Müller'))).toHaveLength(1);
  });

  it('answers every request of a user who comes back after a while', async () => {
    const objectId = objectIdOf('Björn Müller');
    await t.orm.em
      .getConnection()
      .execute("update app_user set last_seen_at = now() - interval '1 day' where entra_object_id = ?", [objectId]);
    const [before] = await userRow(objectId);
    const statuses = await burst(await contoso.token(contoso.upn('Björn Müller')));
    expect(statuses).toEqual(Array(BURST).fill(200));
    const [after] = await userRow(objectId);
    expect(Date.parse(after?.last_seen_at ?? '')).toBeGreaterThan(Date.parse(before?.last_seen_at ?? ''));
    expect(after?.version).toBe((before?.version ?? 0) + 1);
  });

  it('takes a changed name and email from the token once, whatever many requests carry it', async () => {
    const objectId = objectIdOf('Björn Müller');
    const [before] = await userRow(objectId);
    const renamed = await contoso.tokenWith('Björn Müller', {
      name: 'Björn Müller-Lüdenscheidt',
      preferred_username: 'Bjoern.ML@Contoso.example',
    });
    const statuses = await burst(renamed);
    expect(statuses).toEqual(Array(BURST).fill(200));
    const [after] = await userRow(objectId);
    expect(after).toMatchObject({
      display_name: 'Björn Müller-Lüdenscheidt',
      email: 'bjoern.ml@contoso.example',
      version: (before?.version ?? 0) + 1,
    });
  });
});
