import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { resolvePrincipal } from '../identity.service.ts';

describe('tenants, users, roles and teams', () => {
  let t: TestApp;
  let contoso: TestTenant;
  const upn = (name: string) => contoso.upn(name);

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso GmbH', [
      { displayName: 'Anna Schmidt', preferredLanguage: 'de-DE' },
      { displayName: 'Jürgen Weiß', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Käthe Schäfer', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Lena Groß', appRoles: ['CRM.InsideSales'], preferredLanguage: 'en-GB' },
      { displayName: 'Ida Neu' },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('GET /api/v1/me', () => {
    it("sets the organisation up on its Global Administrator's first sign-in, who becomes CRM admin", async () => {
      const res = await (await contoso.as(upn('Anna Schmidt'))).get('/api/v1/me');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        user: {
          id: expect.any(String),
          displayName: 'Anna Schmidt',
          email: upn('Anna Schmidt'),
          jobTitle: null,
          language: 'de',
        },
        tenant: { id: contoso.id, name: expect.any(String) },
        roles: ['admin'],
        teams: [],
        language: 'de',
      });
    });

    it('creates a user on first sign-in with the CRM role of their app role assignment', async () => {
      const res = await (await contoso.as(upn('Lena Groß'))).get('/api/v1/me');
      expect(res.status).toBe(200);
      expect(res.body.roles).toEqual(['inside_sales']);
      expect(res.body.language).toBe('en');
    });

    it('makes users without an app role sales reps', async () => {
      const res = await (await contoso.as(upn('Ida Neu'))).get('/api/v1/me');
      expect(res.body.roles).toEqual(['sales_rep']);
    });

    it('keeps name and email current from the token', async () => {
      await contoso.userId(upn('Björn Müller'));
      const token = await contoso.tokenWith('Björn Müller', {
        name: 'Björn Müller-Lüdenscheidt',
        preferred_username: 'Bjoern.ML@Contoso.example',
      });
      const res = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`);
      expect(res.body.user).toMatchObject({
        id: await contoso.userId(upn('Björn Müller')),
        displayName: 'Björn Müller-Lüdenscheidt',
        email: 'bjoern.ml@contoso.example',
      });
    });
  });

  describe('user administration', () => {
    it('lists users by name, a page at a time', async () => {
      for (const name of ['Jürgen Weiß', 'Käthe Schäfer']) await contoso.userId(upn(name));
      const admin = await contoso.as(upn('Anna Schmidt'));
      const first = await admin.get('/api/v1/admin/users?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items.map((user: { displayName: string }) => user.displayName)).toEqual([
        'Anna Schmidt',
        'Björn Müller-Lüdenscheidt',
      ]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const rest = await admin.get(`/api/v1/admin/users?limit=50&cursor=${first.body.nextCursor}`);
      expect(rest.body.items.map((user: { displayName: string }) => user.displayName)).toEqual([
        'Ida Neu',
        'Jürgen Weiß',
        'Käthe Schäfer',
        'Lena Groß',
      ]);
      expect(rest.body.nextCursor).toBeNull();
      const found = await admin.get(`/api/v1/admin/users?q=${encodeURIComponent('schäf')}`);
      expect(found.body.items.map((user: { displayName: string }) => user.displayName)).toEqual(['Käthe Schäfer']);
    });

    it('refuses a cursor it did not issue', async () => {
      const res = await (await contoso.as(upn('Anna Schmidt'))).get('/api/v1/admin/users?cursor=bm9wZQ');
      expect(res.status).toBe(400);
      expect(res.body.errors[0].pointer).toBe('#/cursor');
    });

    it('lets an admin set roles, with optimistic locking', async () => {
      const admin = await contoso.as(upn('Anna Schmidt'));
      const id = await contoso.userId(upn('Käthe Schäfer'));
      const current = await admin.get(`/api/v1/admin/users/${id}`);
      expect(current.headers.etag).toBe(`"${current.body.version}"`);
      const changed = await admin
        .patch(`/api/v1/admin/users/${id}`)
        .set('If-Match', current.headers.etag ?? '')
        .send({ roles: ['sales_rep', 'inside_sales'] });
      expect(changed.status).toBe(200);
      expect(changed.body.roles).toEqual(['sales_rep', 'inside_sales']);
      const stale = await admin
        .patch(`/api/v1/admin/users/${id}`)
        .set('If-Match', current.headers.etag ?? '')
        .send({ roles: ['sales_manager'] });
      expect(stale.status).toBe(412);
      expect(stale.body.type).toBe('urn:crm:problem:stale_version');
      expect((await admin.get(`/api/v1/admin/users/${id}`)).body.roles).toEqual(['sales_rep', 'inside_sales']);
      expect((await (await contoso.as(upn('Käthe Schäfer'))).get('/api/v1/me')).body.roles).toEqual([
        'sales_rep',
        'inside_sales',
      ]);
    });

    it('refuses unknown roles and empty role lists with a pointer', async () => {
      const admin = await contoso.as(upn('Anna Schmidt'));
      const id = await contoso.userId(upn('Käthe Schäfer'));
      const res = await admin.patch(`/api/v1/admin/users/${id}`).send({ roles: ['king'] });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].pointer).toBe('#/roles/0');
      const empty = await admin.patch(`/api/v1/admin/users/${id}`).send({ roles: [] });
      expect(empty.body.errors[0].pointer).toBe('#/roles');
    });

    it('never removes the last administrator', async () => {
      const admin = await contoso.as(upn('Anna Schmidt'));
      const res = await admin
        .patch(`/api/v1/admin/users/${await contoso.userId(upn('Anna Schmidt'))}`)
        .send({ roles: ['sales_rep'] });
      expect(res.status).toBe(409);
      expect(res.body.type).toBe('urn:crm:problem:last_admin');
      expect((await admin.get('/api/v1/me')).body.roles).toEqual(['admin']);
    });

    it('forbids user administration to non-admins', async () => {
      const rep = await contoso.as(upn('Jürgen Weiß'));
      expect((await rep.get('/api/v1/admin/users')).status).toBe(403);
      const res = await rep
        .patch(`/api/v1/admin/users/${await contoso.userId(upn('Jürgen Weiß'))}`)
        .send({ roles: ['admin'] });
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/admin/);
    });

    it('locks out a deactivated user', async () => {
      const admin = await contoso.as(upn('Anna Schmidt'));
      const id = await contoso.userId(upn('Ida Neu'));
      expect((await admin.patch(`/api/v1/admin/users/${id}`).send({ active: false })).status).toBe(200);
      const res = await (await contoso.as(upn('Ida Neu'))).get('/api/v1/me');
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/deactivated/);
      expect((await admin.patch(`/api/v1/admin/users/${id}`).send({ active: true })).status).toBe(200);
    });
  });

  describe('teams', () => {
    let teamId: string;

    it('lets an admin create a team with a manager and members', async () => {
      const admin = await contoso.as(upn('Anna Schmidt'));
      const managerId = await contoso.userId(upn('Jürgen Weiß'));
      const memberIds = [await contoso.userId(upn('Björn Müller')), await contoso.userId(upn('Käthe Schäfer'))];
      const res = await admin.post('/api/v1/admin/teams').send({ name: 'Vertrieb Süd', managerId, memberIds });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/api/v1/teams/${res.body.id}`);
      expect(res.body).toMatchObject({ name: 'Vertrieb Süd', managerId, memberIds: [...memberIds].sort() });
      teamId = res.body.id;
      const me = await (await contoso.as(upn('Jürgen Weiß'))).get('/api/v1/me');
      expect(me.body.teams).toEqual([{ id: teamId, name: 'Vertrieb Süd', membership: 'manager' }]);
    });

    it('refuses a second team of the same name, whatever its case', async () => {
      const admin = await contoso.as(upn('Anna Schmidt'));
      const res = await admin.post('/api/v1/admin/teams').send({ name: 'vertrieb süd' });
      expect(res.status).toBe(409);
      expect(res.body.errors[0].pointer).toBe('#/name');
    });

    it('refuses members who are not users of the organisation', async () => {
      const admin = await contoso.as(upn('Anna Schmidt'));
      const res = await admin
        .post('/api/v1/admin/teams')
        .send({ name: 'Innendienst', memberIds: ['0190f3c4-5b6a-7c8d-9e0f-123456789abc'] });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].pointer).toBe('#/memberIds');
      expect((await admin.get('/api/v1/teams')).body.items.map((team: { name: string }) => team.name)).toEqual([
        'Vertrieb Süd',
      ]);
    });

    it('renames with If-Match and refuses a stale rename', async () => {
      const admin = await contoso.as(upn('Anna Schmidt'));
      const current = await admin.get(`/api/v1/teams/${teamId}`);
      const renamed = await admin
        .patch(`/api/v1/admin/teams/${teamId}`)
        .set('If-Match', current.headers.etag ?? '')
        .send({ name: 'Vertrieb Bayern' });
      expect(renamed.status).toBe(200);
      const stale = await admin
        .patch(`/api/v1/admin/teams/${teamId}`)
        .set('If-Match', current.headers.etag ?? '')
        .send({ name: 'Vertrieb Nord' });
      expect(stale.status).toBe(412);
      expect((await admin.get(`/api/v1/teams/${teamId}`)).body.name).toBe('Vertrieb Bayern');
    });

    it('refuses a malformed If-Match', async () => {
      const admin = await contoso.as(upn('Anna Schmidt'));
      const res = await admin.patch(`/api/v1/admin/teams/${teamId}`).set('If-Match', 'three').send({ name: 'X' });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:crm:problem:invalid_if_match');
    });

    it('gives managers their team, reps themselves and inside sales all leads as visibility', async () => {
      const scope = async (name: string, kind: string) => {
        const user = contoso.seed.users.find((candidate) => candidate.displayName === name);
        return inTenantTransaction(t.orm.em, contoso.id, async (em) => {
          const principal = await resolvePrincipal(em, {
            kind: 'user',
            tenantId: contoso.id,
            objectId: user?.id ?? '',
            appRoles: [],
            expiresAt: new Date(Date.now() + 60_000),
            name,
            username: upn(name),
            directoryRoles: [],
            language: undefined,
            clientAppId: undefined,
          });
          const first = await principal.visibility(kind);
          expect(await principal.visibility(kind)).toBe(first);
          return first;
        });
      };
      const ids = Object.fromEntries(
        await Promise.all(
          ['Jürgen Weiß', 'Björn Müller', 'Käthe Schäfer', 'Lena Groß'].map(async (name) => [
            name,
            await contoso.userId(upn(name)),
          ]),
        ),
      );
      const manager = await scope('Jürgen Weiß', 'deal');
      expect(manager.scope === 'owners' && [...manager.ownerIds].sort()).toEqual(
        [ids['Jürgen Weiß'], ids['Björn Müller'], ids['Käthe Schäfer']].sort(),
      );
      expect(await scope('Björn Müller', 'deal')).toEqual({ scope: 'owners', ownerIds: [ids['Björn Müller']] });
      expect(await scope('Lena Groß', 'lead')).toEqual({ scope: 'all' });
      expect(await scope('Lena Groß', 'deal')).toEqual({ scope: 'owners', ownerIds: [ids['Lena Groß']] });
      expect(await scope('Anna Schmidt', 'deal')).toEqual({ scope: 'all' });
      expect(await scope('Björn Müller', 'person')).toEqual({ scope: 'all' });
    });

    it('replaces members and deletes the team, keeping its users', async () => {
      const admin = await contoso.as(upn('Anna Schmidt'));
      const lena = await contoso.userId(upn('Lena Groß'));
      const replaced = await admin.put(`/api/v1/admin/teams/${teamId}/members`).send({ memberIds: [lena] });
      expect(replaced.body.memberIds).toEqual([lena]);
      expect((await admin.delete(`/api/v1/admin/teams/${teamId}`)).status).toBe(204);
      expect((await admin.get(`/api/v1/teams/${teamId}`)).status).toBe(404);
      expect((await admin.get(`/api/v1/admin/users/${lena}`)).status).toBe(200);
    });

    it('forbids team administration to non-admins', async () => {
      const manager = await contoso.as(upn('Jürgen Weiß'));
      expect((await manager.post('/api/v1/admin/teams').send({ name: 'Eigenes Team' })).status).toBe(403);
    });
  });
});
