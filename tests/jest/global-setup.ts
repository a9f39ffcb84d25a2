// Once per test run: the database every test file shares. Without DATABASE_URL an in-memory
// embedded PostgreSQL is started here (first start takes seconds, so only once); with it, the
// server's database is used as given. Either way it is migrated before any test runs.
import { migrate, ormOptions, startEmbeddedPostgres } from '@crm/db';
import { MikroORM } from '@mikro-orm/postgresql';

declare global {
  var __embeddedPostgres: { stop(): Promise<void> } | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    const embedded = await startEmbeddedPostgres({ maxConnections: 64 });
    globalThis.__embeddedPostgres = embedded;
    process.env.DATABASE_URL = embedded.url;
    process.env.CRM_TEST_DB_MAX_CONNECTIONS = String(embedded.maxConnections);
    process.env.CRM_TEST_DB_EMBEDDED = '1';
  }
  const orm = await MikroORM.init({
    ...ormOptions({ clientUrl: process.env.DATABASE_URL as string, entities: [], poolMax: 1 }),
    discovery: { warnWhenNoEntities: false },
  });
  try {
    await migrate(orm);
  } finally {
    await orm.close(true);
  }
}
