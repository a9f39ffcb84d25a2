// Gives a test file the real app on the run's real database (embedded or DATABASE_URL), migrated.
// Each file creates its own tenants, so files never see each other's data; close() removes them.
import { migrate, ormOptions } from '@crm/db';
import { MikroORM } from '@mikro-orm/postgresql';
import supertest from 'supertest';
import { type App, createApp } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import { entities } from '../entities.ts';
import type { RouteSpec } from '../http/route.ts';
import { createLogger } from '../logger.ts';

export interface TestApp {
  readonly app: App;
  readonly orm: MikroORM;
  readonly config: Config;
  /** supertest bound to the app's request handler. */
  readonly http: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Extra routes, for tests of the shared HTTP machinery. */
  routes?: RouteSpec[];
}

export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: run tests through jest, whose global setup provides the database.');
  return url;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOG_FORMAT: 'json',
    DATABASE_URL: testDatabaseUrl(),
    DB_POOL_MAX: '4',
    ...options.env,
  });
  const orm = await MikroORM.init(ormOptions({ clientUrl: testDatabaseUrl(), entities, poolMax: config.dbPoolMax }));
  await migrate(orm);
  const logger = createLogger(config);
  const app = createApp(config, { orm, logger, extraRoutes: options.routes ?? [] });
  return {
    app,
    orm,
    config,
    http: supertest(app.callback()),
    async close() {
      await orm.close(true);
    },
  };
}
