import { pendingMigrations } from '@crm/db';
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';

export interface ReadinessReport {
  ready: boolean;
  checks: { database: 'ok' | 'failing'; migrations: 'ok' | 'failing' };
  /** Sentences safe to show to anyone. */
  problems: string[];
  /** The underlying errors, for the log only (they may name hosts and ports). */
  causes: string[];
}

const DATABASE_TIMEOUT_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Is the database reachable and its schema current? Never throws. */
export async function checkReadiness(orm: MikroORM): Promise<ReadinessReport> {
  const report: ReadinessReport = {
    ready: false,
    checks: { database: 'failing', migrations: 'failing' },
    problems: [],
    causes: [],
  };
  try {
    await withTimeout(
      sql`select 1`.execute((orm.em as EntityManager).getKysely()),
      DATABASE_TIMEOUT_MS,
      'the database',
    );
    report.checks.database = 'ok';
  } catch (error) {
    report.problems.push('the database is unreachable');
    report.causes.push((error as Error).message);
    return report;
  }
  try {
    const pending = await withTimeout(pendingMigrations(orm), DATABASE_TIMEOUT_MS, 'the migration check');
    if (pending.length === 0) report.checks.migrations = 'ok';
    else report.problems.push(`${pending.length} migration(s) are not applied yet: ${pending.join(', ')}`);
  } catch (error) {
    report.problems.push('the migration state could not be read');
    report.causes.push((error as Error).message);
  }
  report.ready = report.checks.database === 'ok' && report.checks.migrations === 'ok';
  return report;
}
