// Once per test run: the database and the Microsoft 365 emulator every test file shares.
// Without DATABASE_URL an in-memory embedded PostgreSQL is started here (first start takes
// seconds, so only once); with it, the server's database is used as given. Either way it is
// migrated before any test runs. Test files reach both through the environment.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, ormOptions, startEmbeddedPostgres } from '@crm/db';
import { startEmulator } from '@crm/m365-emulator';
import { MikroORM } from '@mikro-orm/postgresql';

declare global {
  var __crmTestServices: { stop(): Promise<void> }[] | undefined;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function globalSetup(): Promise<void> {
  const services: { stop(): Promise<void> }[] = [];
  globalThis.__crmTestServices = services;
  if (!process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error('NODE_EXTRA_CA_CERTS is not set: run the tests with `npm test` or `npm run jest`.');
  }
  const emulator = await startEmulator({ dataDir: path.join(root, '.data') });
  services.push(emulator);
  process.env.M365_EMULATOR_URL = emulator.url;
  if (!process.env.DATABASE_URL) {
    const embedded = await startEmbeddedPostgres({ maxConnections: 64 });
    services.push(embedded);
    process.env.DATABASE_URL = embedded.url;
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
