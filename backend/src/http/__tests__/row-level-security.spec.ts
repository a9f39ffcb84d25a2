import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '../../ids.ts';
import { User } from '../../modules/identity/user.entity.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../testing/test-app.ts';
import { APP_ROLE, inTenantTransaction, TENANT_SETTING } from '../tenancy.ts';

describe('row-level security', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso RLS GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller' },
    ]);
    fabrikam = await t.createTenant('Fabrikam RLS AG', [{ displayName: 'Zoë Bäcker' }]);
    await contoso.userId(contoso.upn('Björn Müller'));
  });
  afterAll(async () => {
    await t.close();
  });

  it("shows a raw query that forgets the tenant filter only the current tenant's rows", async () => {
    const rows = await inTenantTransaction(t.orm.em, fabrikam.id, (em) =>
      em
        .getConnection()
        .execute<{ tenant_id: string }[]>('select tenant_id from app_user', [], 'all', em.getTransactionContext()),
    );
    expect(rows).toEqual([{ tenant_id: fabrikam.id }]);
    const tenants = await inTenantTransaction(t.orm.em, contoso.id, (em) =>
      em.getConnection().execute<{ id: string }[]>('select id from tenant', [], 'all', em.getTransactionContext()),
    );
    expect(tenants).toEqual([{ id: contoso.id }]);
  });

  it('keeps other tenants out even with the ORM filter switched off', async () => {
    const users = await inTenantTransaction(t.orm.em, contoso.id, (em) => em.find(User, {}, { filters: false }));
    expect(users.map((user) => user.displayName).sort()).toEqual(['Anna Schmidt', 'Björn Müller']);
  });

  it("refuses to write a row into another tenant's data", async () => {
    const write = inTenantTransaction(t.orm.em, contoso.id, (em) =>
      em
        .getConnection()
        .execute(
          "insert into app_user (id, tenant_id, entra_object_id, email, display_name) values (?, ?, ?, 'eve@evil.example', 'Eve')",
          [newId(), fabrikam.id, newId()],
          'run',
          em.getTransactionContext(),
        ),
    );
    await expect(write).rejects.toThrow(/row-level security/);
  });

  it('shows nothing at all when no tenant is set', async () => {
    const fork = t.orm.em.fork();
    fork.setSessionContext({ role: APP_ROLE });
    const rows = await fork.transactional((em) =>
      em
        .getConnection()
        .execute('select id from app_user union all select id from tenant', [], 'all', em.getTransactionContext()),
    );
    expect(rows).toEqual([]);
  });

  it('has a policy on every table with a tenant_id, and the app role is neither owner nor superuser', async () => {
    const unprotected = await t.orm.em.getConnection().execute<{ table_name: string }[]>(`
      select c.table_name
        from information_schema.columns c
        join pg_class k on k.relname = c.table_name and k.relnamespace = 'public'::regnamespace
       where c.table_schema = 'public' and c.column_name = 'tenant_id' and k.relkind in ('r', 'p')
         and not k.relispartition
         and (not k.relrowsecurity
              or not exists (select 1 from pg_policies p
                              where p.schemaname = 'public' and p.tablename = c.table_name
                                and '${APP_ROLE}' = any(p.roles)))
       order by 1`);
    expect(unprotected).toEqual([]);
    // A partition (of search_document) is reached through its partitioned table, whose policy
    // holds for it: the app role may not read or write it by its own name.
    const partitions = await t.orm.em.getConnection().execute<{ name: string }[]>(`
      select relname as name from pg_class
       where relnamespace = 'public'::regnamespace and relispartition and relkind = 'r'
         and has_table_privilege('${APP_ROLE}', oid, 'select, insert, update, delete')`);
    expect(partitions).toEqual([]);
    // A view over a tenant table (search reads one, so that its matches can use the tenant-led
    // indexes) runs as its owner: it must keep to the current tenant itself.
    const views = await t.orm.em
      .getConnection()
      .execute<{ name: string; definition: string }[]>(
        `select viewname as name, definition from pg_views where schemaname = 'public' order by 1`,
      );
    expect(views.filter((view) => !view.definition.includes('crm_current_tenant()')).map((view) => view.name)).toEqual(
      [],
    );
    const [role] = await t.orm.em.getConnection().execute<{ rolsuper: boolean; rolbypassrls: boolean; owns: number }[]>(
      `select r.rolsuper, r.rolbypassrls,
                (select count(*)::int from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as owns
           from pg_roles r where r.rolname = ?`,
      [APP_ROLE],
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owns: 0 });
    expect(TENANT_SETTING).toBe('app.tenant_id');
  });

  it("runs a request's transaction as the app role, for its tenant, without JIT compilation, and leaves the session as it was", async () => {
    const settings = `select current_user as role, current_setting('${TENANT_SETTING}', true) as tenant, current_setting('jit') as jit`;
    const inside = await inTenantTransaction(t.orm.em, contoso.id, (em) =>
      em
        .getConnection()
        .execute<{ role: string; tenant: string; jit: string }[]>(settings, [], 'get', em.getTransactionContext()),
    );
    expect(inside).toEqual({ role: APP_ROLE, tenant: contoso.id, jit: 'off' });
    const after = await t.orm.em.getConnection().execute<{ role: string; tenant: string | null }>(settings, [], 'get');
    expect(after.role).not.toBe(APP_ROLE);
    expect(after.tenant ?? '').toBe('');
  });
});
