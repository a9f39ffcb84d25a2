// The one MikroORM configuration, for the embedded database and a real server alike.
import type { EntitySchema, FilterDef, Options, Routine } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { migrationsList } from '../migrations/index.ts';
import { PostgresNamingStrategy } from './naming-strategy.ts';
import { usePreparedStatements } from './prepared-statements.ts';

export interface OrmOptionsInput {
  clientUrl: string;
  // biome-ignore lint/suspicious/noExplicitAny: entity schemas of any shape are registered here
  entities: EntitySchema<any, any>[];
  /** Database functions the entities rely on (policies, defaults), so the schema generator knows them. */
  routines?: Routine[];
  /** Upper bound of pooled connections; never above what the server accepts. */
  poolMax: number;
  /** How long a connection attempt may take before the query fails. */
  connectTimeoutMs?: number;
  debug?: boolean;
  /** Global query filters (the tenant filter). */
  filters?: Record<string, FilterDef>;
  /**
   * Whether statements marked by prepareStatement run as named prepared statements: on a server
   * with a backend per connection (default), not on the embedded database, whose sockets share one.
   */
  preparedStatements?: boolean;
}

export function ormOptions(input: OrmOptionsInput): Partial<Options<PostgreSqlDriver>> {
  return {
    driver: PostgreSqlDriver,
    clientUrl: input.clientUrl,
    entities: input.entities,
    routines: input.routines ?? [],
    namingStrategy: PostgresNamingStrategy,
    filters: input.filters ?? {},
    extensions: [Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: input.poolMax, idleTimeoutMillis: 30_000 },
    // Also how long a request waits for a pooled connection: a burst may queue a while before a 503.
    driverOptions: {
      connectionTimeoutMillis: input.connectTimeoutMs ?? 30_000,
      ...((input.preparedStatements ?? true) ? { onPoolCreated: usePreparedStatements } : {}),
    },
    // Session context (role, tenant) is applied with SET LOCAL inside each transaction: the
    // embedded server shares one backend between all sockets, so nothing may be session-wide.
    sessionContext: 'transaction',
    allowGlobalContext: false,
    ensureDatabase: false,
    debug: input.debug ?? false,
  };
}
