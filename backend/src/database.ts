// Opens the database the configuration names, or starts the embedded one, and migrates it.
import path from 'node:path';
import { type EmbeddedPostgres, migrate, ormOptions, startEmbeddedPostgres } from '@crm/db';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.ts';
import { auditPolicies, entities } from './entities.ts';
import { currentTenantRoutine, tenantFilter } from './http/tenancy.ts';
import type { Logger } from './logger.ts';
import { AuditSubscriber } from './records/audit.ts';

export interface Database {
  readonly orm: MikroORM;
  /** Where the database listens, for the job runtime's own pool. */
  readonly clientUrl: string;
  /** Connections the job runtime may open beside the ORM's pool. */
  readonly jobsPoolMax: number;
  /** Set when the embedded database was started for this process. */
  readonly embedded: EmbeddedPostgres | undefined;
  close(): Promise<void>;
}

/** The ORM options of the backend: its entities, the tenant filter and the audit subscriber. */
export function backendOrmOptions(clientUrl: string, poolMax: number) {
  return {
    ...ormOptions({
      clientUrl,
      entities,
      routines: [currentTenantRoutine],
      poolMax,
      filters: { [tenantFilter.name]: tenantFilter },
    }),
    subscribers: [new AuditSubscriber(auditPolicies)],
  };
}

export function embeddedDataDir(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'pg');
}

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dbPoolMax'> & { jobs: Pick<Config['jobs'], 'poolMax'> },
  logger: Logger,
  options: { migrate?: boolean } = {},
): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let clientUrl = config.databaseUrl;
  let poolMax = config.dbPoolMax;
  let jobsPoolMax = config.jobs.poolMax;
  if (!clientUrl) {
    const started = Date.now();
    embedded = await startEmbeddedPostgres({ dataDir: embeddedDataDir(config) });
    clientUrl = embedded.url;
    // Both pools share the embedded server's sockets; the job runtime gets its share first.
    jobsPoolMax = Math.min(jobsPoolMax, Math.floor(embedded.maxConnections / 4));
    poolMax = Math.min(poolMax, embedded.maxConnections - jobsPoolMax);
    logger.info({ dataDir: embedded.dataDir, ms: Date.now() - started }, 'embedded PostgreSQL started');
  }
  try {
    const orm = await MikroORM.init(backendOrmOptions(clientUrl, poolMax));
    if (options.migrate ?? true) {
      const applied = await migrate(orm);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
    return {
      orm,
      clientUrl,
      jobsPoolMax,
      embedded,
      async close() {
        try {
          await orm.close(true);
        } finally {
          await embedded?.stop();
        }
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
