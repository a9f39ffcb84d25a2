// Hand-shaped statements, typed from the entities: a renamed property is a compile error.
import type { EntityManager, InferKyselyDB } from '@mikro-orm/postgresql';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  sql,
} from 'kysely';
import type { entities } from '../entities.ts';
import { pgArray } from './search-index.ts';

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

/** The tenant of the transaction, as row-level security sees it. */
export const currentTenantId = sql<string>`crm_current_tenant()`;

/** `any` of a list of ids as one bind parameter: `x = any($1::uuid[])` plans alike for one id or a thousand. */
export const anyUuid = (ids: readonly string[]): RawBuilder<string> => sql<string>`any(${pgArray([...ids])}::uuid[])`;

/**
 * A value for a jsonb column, typed as the column holds it. The driver would turn a JS array into a
 * PostgreSQL array literal, so the value travels as JSON text and is cast.
 */
export const jsonb = <T>(value: T): RawBuilder<T> => sql<T>`${JSON.stringify(value)}::jsonb`;

/**
 * Kysely that only compiles, never connects: for showing a statement's SQL and plan outside a
 * request (the plan-reading tool).
 */
export const compileOnly = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** Waits for, and holds to the end of the transaction, a lock named by `key` (one at a time per key). */
export async function lockTransactionOn(em: EntityManager, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(db(em));
}
