// Hand-shaped statements, typed from the entities: a renamed property is a compile error.
import type { EntityManager, InferKyselyDB } from '@mikro-orm/postgresql';
import { type Kysely, sql } from 'kysely';
import type { entities } from '../entities.ts';

/** Every table the entities describe, with its columns (snake_case, as in the database). */
export type Database = InferKyselyDB<(typeof entities)[number]>;

/**
 * Kysely bound to the entity manager's transaction: a request's statement runs in its tenant
 * transaction (row-level security's SET LOCAL holds) and sees what the unit of work flushed.
 * Values travel as bind parameters, on a PostgreSQL server and on the embedded database alike.
 */
export function db(em: EntityManager): Kysely<Database> {
  return em.getKysely<Database>();
}

/**
 * Runs SQL inside the entity manager's transaction (so as the tenant, under row-level security).
 * @deprecated Untyped: for the modules not yet converted. New code uses entities and the unit of
 * work, and `db(em)` where a request needs one hand-shaped statement.
 */
export function sqlIn<T>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params, 'all', em.getTransactionContext());
}

/** The tenant of the transaction (row-level security's setting), for a statement that names it. */
export const currentTenantId = sql<string>`crm_current_tenant()`;

/** Waits for, and holds to the end of the transaction, a lock named by `key` (one at a time per key). */
export async function lockTransactionOn(em: EntityManager, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(db(em));
}
