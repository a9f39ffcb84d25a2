// Gives a test file the real app on the run's real database (embedded or DATABASE_URL), migrated,
// signed in through the run's Microsoft 365 emulator. Each file creates its own tenants in the
// emulator, so files never see each other's data; close() removes them from the database.
import { migrate } from '@crm/db';
import { CRM_APP_ID, emulatorClient, type SeedTenant } from '@crm/m365-emulator';
import { type EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { type DatabaseConnection, PostgresDriver } from 'kysely';
import supertest from 'supertest';
import { type App, createApp, wireModules } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import { backendOrmOptions } from '../database.ts';
import type { RouteSpec } from '../http/route.ts';
import { startBackendJobs } from '../jobs/backend-jobs.ts';
import type { JobRuntime } from '../jobs/runtime.ts';
import { createLogger } from '../logger.ts';
import type { CrmModule } from '../modules/module.ts';
import type { Database } from '../records/sql.ts';

export const CRM_SCOPE = `api://crm.localhost/${CRM_APP_ID}/access_as_user`;
export const CRM_CLIENT_SECRET = 'crm-local-client-secret';
export const ERP_CONNECTOR_APP_ID = '9c9a960f-9ab0-4e2a-ab8b-04b2e85cbe10';
export const ERP_CONNECTOR_SECRET = 'erp-connector-local-secret';

export interface TestUser {
  displayName: string;
  userPrincipalName?: string;
  directoryRoles?: string[];
  appRoles?: string[];
  preferredLanguage?: string;
}

export interface TestTenant {
  readonly id: string;
  readonly seed: SeedTenant;
  /** An access token for our API, by user principal name. */
  token(upn: string): Promise<string>;
  /** Our user id of a signed-in user, by user principal name. */
  userId(upn: string): Promise<string>;
  /** supertest with the user's token set. */
  as(upn: string): Promise<AuthedAgent>;
  upn(displayName: string): string;
  /**
   * An access token for our API signed by the emulator as Entra would issue it to the user
   * `displayName`, with `claims` replacing or adding claims (a changed name, say).
   */
  tokenWith(displayName: string, claims: Record<string, unknown>): Promise<string>;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type AuthedAgent = Record<Method, (path: string) => supertest.Test>;

export interface TestApp {
  readonly app: App;
  readonly orm: MikroORM;
  readonly config: Config;
  /** supertest bound to the app's request handler. */
  readonly http: ReturnType<typeof supertest>;
  readonly emulator: ReturnType<typeof emulatorClient>;
  /** The job runtime: enqueueing always works; handlers run only with `jobs: { work: true }`. */
  readonly jobs: JobRuntime;
  /** Statements sent to the database while `work` runs (transaction control included). */
  countQueries(work: () => Promise<unknown>): Promise<number>;
  /**
   * A tenant of its own in the emulator, set up in the CRM by its first user's sign-in (that
   * user is a Global Administrator unless `directoryRoles` says otherwise).
   */
  createTenant(displayName: string, users: TestUser[], options?: { setUp?: boolean }): Promise<TestTenant>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Extra routes, for tests of the shared HTTP machinery. */
  routes?: RouteSpec[];
  /** Run job handlers and periodic work in this process too (JOBS_* in `env` tune them). */
  jobs?: { work?: boolean };
  /** The modules the app is made of (default CRM_MODULES): some left out, or test ones added. */
  modules?: readonly CrmModule[];
}

// Every statement reaching PostgreSQL is counted, so tests can prove a view's cost does not grow
// with the data: the unit of work's and the typed statements' alike, which all pass through
// Kysely's PostgreSQL connection (MikroORM's query log sees only the former).
const statements = { count: 0 };
const COUNTED = Symbol('counted');
const acquireConnection = PostgresDriver.prototype.acquireConnection;
PostgresDriver.prototype.acquireConnection = async function (this: PostgresDriver, ...args) {
  const connection = (await acquireConnection.apply(this, args)) as DatabaseConnection & { [COUNTED]?: true };
  if (!connection[COUNTED]) {
    const executeQuery = connection.executeQuery.bind(connection);
    connection.executeQuery = (query) => {
      statements.count += 1;
      return executeQuery(query);
    };
    connection[COUNTED] = true;
  }
  return connection;
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through jest, whose global setup provides it.`);
  return value;
}

export const testDatabaseUrl = () => required('DATABASE_URL');
export const emulatorUrl = () => required('M365_EMULATOR_URL');

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOG_FORMAT: 'json',
    DATABASE_URL: testDatabaseUrl(),
    DB_POOL_MAX: '4',
    ENTRA_AUTHORITY_HOST: emulatorUrl(),
    ENTRA_CLIENT_ID: CRM_APP_ID,
    ENTRA_CLIENT_SECRET: CRM_CLIENT_SECRET,
    ENTRA_APP_ID_URI: `api://crm.localhost/${CRM_APP_ID}`,
    GRAPH_BASE_URL: emulatorUrl(),
    ...options.env,
  });
  const orm = await MikroORM.init(backendOrmOptions(testDatabaseUrl(), config.dbPoolMax));
  await migrate(orm);
  const logger = createLogger(config);
  const wiring = wireModules(options.modules);
  const jobs = await startBackendJobs(orm, {
    config: { ...config, role: options.jobs?.work ? 'all' : 'api' },
    logger,
    clientUrl: testDatabaseUrl(),
    poolMax: config.jobs.poolMax,
    wiring,
  });
  const app = createApp(config, { orm, logger, modules: wiring.modules, extraRoutes: options.routes ?? [] });
  const http = supertest(app.callback());
  const emulator = emulatorClient(emulatorUrl());
  const tenantIds: string[] = [];

  const agentFor = (token: string): AuthedAgent => {
    const withToken = (method: Method) => (path: string) => http[method](path).set('Authorization', `Bearer ${token}`);
    return {
      get: withToken('get'),
      post: withToken('post'),
      put: withToken('put'),
      patch: withToken('patch'),
      delete: withToken('delete'),
    };
  };

  return {
    app,
    orm,
    config,
    http,
    emulator,
    jobs,
    async countQueries(work) {
      const before = statements.count;
      await work();
      return statements.count - before;
    },
    async createTenant(displayName, users, tenantOptions = {}) {
      const seed = await emulator.createTenant({
        displayName,
        consentedApps: [CRM_APP_ID, ERP_CONNECTOR_APP_ID],
        users: users.map((user, index) => ({
          ...user,
          directoryRoles: user.directoryRoles ?? (index === 0 ? ['Global Administrator'] : []),
        })),
      });
      tenantIds.push(seed.id);
      const tokens = new Map<string, string>();
      const userIds = new Map<string, string>();
      const token = async (upn: string) => {
        let cached = tokens.get(upn);
        if (!cached) {
          cached = await emulator.passwordToken({ tenant: seed.id, username: upn, scope: CRM_SCOPE });
          tokens.set(upn, cached);
        }
        return cached;
      };
      const userId = async (upn: string) => {
        let id = userIds.get(upn);
        if (!id) {
          const res = await agentFor(await token(upn)).get('/api/v1/me');
          if (res.status !== 200) throw new Error(`sign-in of ${upn} failed: ${res.status} ${res.text}`);
          id = res.body.user.id as string;
          userIds.set(upn, id);
        }
        return id;
      };
      const upn = (name: string) => {
        const user = seed.users.find((candidate) => candidate.displayName === name);
        if (!user) throw new Error(`no user ${name} in ${displayName}`);
        return user.userPrincipalName;
      };
      const tokenWith = (name: string, claims: Record<string, unknown>) => {
        const user = seed.users.find((candidate) => candidate.displayName === name);
        if (!user) throw new Error(`no user ${name} in ${displayName}`);
        const now = Math.floor(Date.now() / 1000);
        return emulator.signToken({
          claims: {
            aud: CRM_APP_ID,
            iss: `${config.entra.authorityHost}/${seed.id}/v2.0`,
            iat: now,
            nbf: now,
            exp: now + 600,
            oid: user.id,
            tid: seed.id,
            name: user.displayName,
            preferred_username: user.userPrincipalName,
            scp: 'access_as_user',
            ver: '2.0',
            ...claims,
          },
        });
      };
      const first = seed.users[0];
      if ((tenantOptions.setUp ?? true) && first) await userId(first.userPrincipalName);
      return {
        id: seed.id,
        seed,
        token,
        userId,
        upn,
        tokenWith,
        as: async (upnOf: string) => agentFor(await token(upnOf)),
      };
    },
    async close() {
      try {
        await jobs.stop();
        if (tenantIds.length > 0) {
          await (orm.em as EntityManager)
            .getKysely<Database>()
            .deleteFrom('tenant')
            .where('id', 'in', tenantIds)
            .execute();
        }
      } finally {
        await orm.close(true);
      }
    },
  };
}
