// Entities and migrations cannot drift: MikroORM's schema generator compares the entities with the
// migrated database of this run (embedded, or PostgreSQL by DATABASE_URL) and must find nothing to do.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import { backendOrmOptions } from '../database.ts';
import { testDatabaseUrl } from '../testing/test-app.ts';

/** Tables that are not the CRM's model: the migrator's own bookkeeping. */
const NOT_OURS = ['mikro_orm_migrations'];

let orm: MikroORM;

beforeAll(async () => {
  const options = backendOrmOptions(testDatabaseUrl(), 2);
  orm = await MikroORM.init({
    ...options,
    schemaGenerator: { ...options.schemaGenerator, skipTables: NOT_OURS },
  });
});

afterAll(async () => {
  await orm.close(true);
});

describe('the entities and the migrated database', () => {
  it('describe the same schema: the schema generator has nothing to change', async () => {
    const statements = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
    // Printed whole on failure: the statements say which entity or migration to fix. A table
    // without an entity shows up here too, as a `drop table`.
    expect(statements.trim()).toBe('');
  });
});
