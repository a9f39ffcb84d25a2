import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { Tenant } from '../../modules/identity/tenant.entity.ts';
import { Tag } from '../../modules/tags/tag.entity.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../testing/test-app.ts';
import { compileOnly, db, statementShapes } from '../sql.ts';

describe('typed statements', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  const asTenant = <T>(tenant: TestTenant, work: (em: EntityManager) => Promise<T>) =>
    inTenantTransaction(t.orm.em as EntityManager, tenant.id, work);
  const addTag = (em: EntityManager, tenant: TestTenant, name: string) =>
    em.create(Tag, { tenant: em.getReference(Tenant, tenant.id), name });

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Typed GmbH', [{ displayName: 'Anna Schmidt' }]);
    fabrikam = await t.createTenant('Fabrikam Typed AG', [{ displayName: 'Frank Weber' }]);
    await asTenant(contoso, async (em) => {
      addTag(em, contoso, 'Messe Köln');
      await em.flush();
    });
    await asTenant(fabrikam, async (em) => {
      addTag(em, fabrikam, 'Messe München');
      await em.flush();
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it("sees only its own organisation's rows, though the statement names no tenant", async () => {
    const names = await asTenant(contoso, (em) =>
      db(em).selectFrom('tag').select(['name', 'color', 'version']).orderBy('name').execute(),
    );
    expect(names).toEqual([{ name: 'Messe Köln', color: '#6264a7', version: 1 }]);
    const guessed = await asTenant(contoso, (em) =>
      db(em).selectFrom('tag').select('id').where('name', '=', 'Messe München').execute(),
    );
    expect(guessed).toEqual([]);
  });

  it("joins the request's transaction: it sees what the unit of work flushed, and goes when that rolls back", async () => {
    const seen = await asTenant(contoso, async (em) => {
      addTag(em, contoso, 'Neukunde');
      await em.flush();
      return db(em).selectFrom('tag').select('name').where('name', '=', 'Neukunde').execute();
    });
    expect(seen).toEqual([{ name: 'Neukunde' }]);

    await expect(
      asTenant(contoso, async (em) => {
        await db(em)
          .updateTable('tag')
          .set({ name: 'Bestandskunde' })
          .where('name', '=', 'Neukunde')
          .executeTakeFirstOrThrow();
        throw new Error('the request failed');
      }),
    ).rejects.toThrow('the request failed');
    const after = await asTenant(contoso, (em) => db(em).selectFrom('tag').select('name').orderBy('name').execute());
    expect(after.map((row) => row.name)).toEqual(['Messe Köln', 'Neukunde']);
  });

  it('carries values that would break a statement as bind parameters', async () => {
    const awkward = "O'Brien; drop table tag; -- ? $1 \\ Ünïcødé";
    const found = await asTenant(contoso, async (em) => {
      addTag(em, contoso, awkward.slice(0, 60));
      await em.flush();
      return db(em).selectFrom('tag').select('name').where('name', '=', awkward.slice(0, 60)).execute();
    });
    expect(found).toEqual([{ name: awkward.slice(0, 60) }]);
  });

  it('refuses a column that does not exist at compile time', () => {
    const typedOnly = (em: EntityManager) =>
      // @ts-expect-error: the tag's property is `color`; a renamed or misspelt column is a compile error
      db(em).selectFrom('tag').select('colour');
    expect(typeof typedOnly).toBe('function');
  });

  it("runs a statement compiled once per shape with each call's values, in the tenant transaction", async () => {
    let compiled = 0;
    const tagsNamed = statementShapes(['name', 'limit'], (values: { name: string; limit: number }, shape) => {
      compiled += 1;
      return compileOnly
        .selectFrom('tag')
        .select('name')
        .where('name', shape === 'prefix' ? 'like' : '=', values.name)
        .orderBy('name')
        .limit(values.limit);
    });
    const run = (tenant: TestTenant, shape: string, name: string) =>
      asTenant(tenant, (em) => tagsNamed(em, shape, { name, limit: 10 }));
    expect(await run(contoso, 'exact', 'Messe Köln')).toEqual([{ name: 'Messe Köln' }]);
    expect(await run(contoso, 'exact', 'Messe München')).toEqual([]);
    expect(await run(fabrikam, 'exact', 'Messe München')).toEqual([{ name: 'Messe München' }]);
    expect(await run(contoso, 'prefix', 'Messe%')).toEqual([{ name: 'Messe Köln' }]);
    expect(compiled).toBe(2);
  });

  it('refuses a shape whose value did not reach the statement as a bind parameter of its own', async () => {
    const glued = statementShapes(['name'], (values: { name: string }) =>
      compileOnly.selectFrom('tag').select('name').where('name', '=', `${values.name}%`),
    );
    await expect(asTenant(contoso, (em) => glued(em, 'one', { name: 'Messe' }))).rejects.toThrow(
      'a stand-in is not a bind parameter of its own',
    );
  });
});
