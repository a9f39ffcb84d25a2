// Hand-shaped statements, typed from the entities: a renamed property is a compile error.
import { prepareStatement } from '@crm/db';
import type { EntityManager, InferKyselyDB } from '@mikro-orm/postgresql';
import {
  type Compilable,
  type CompiledQuery,
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

/** `any` of a list of texts as one bind parameter, as `anyUuid`. */
export const anyText = (values: readonly string[]): RawBuilder<string> =>
  sql<string>`any(${pgArray([...values])}::text[])`;

/**
 * A value for a jsonb column, typed as the column holds it. The driver would turn a JS array into a
 * PostgreSQL array literal, so the value travels as JSON text and is cast.
 */
export const jsonb = <T>(value: T): RawBuilder<T> => sql<T>`${JSON.stringify(value)}::jsonb`;

/** pg_trgm's thresholds, with pg_trgm's own defaults: `%` matches from `similarity`, `<%` from `word_similarity`. */
const TRIGRAM_THRESHOLDS = {
  similarity: { setting: 'pg_trgm.similarity_threshold', standard: '0.3' },
  word_similarity: { setting: 'pg_trgm.word_similarity_threshold', standard: '0.6' },
} as const;

/**
 * Runs `work` with one of pg_trgm's thresholds at `threshold`, and then puts it back: the setting
 * is the transaction's, and other statements in it match at pg_trgm's own (until pg_trgm is
 * loaded into the connection the setting has no value, and its default is what it was).
 */
export async function withTrigramThreshold<T>(
  em: EntityManager,
  threshold: keyof typeof TRIGRAM_THRESHOLDS,
  value: number,
  work: () => Promise<T>,
): Promise<T> {
  const { setting, standard } = TRIGRAM_THRESHOLDS[threshold];
  const { rows } = await sql<{ previous: string | null }>`
    select p.previous, set_config(${setting}, ${String(value)}, true) as now
      from (select current_setting(${setting}, true) as previous offset 0) p`.execute(db(em));
  try {
    return await work();
  } finally {
    await sql`select set_config(${setting}, ${rows[0]?.previous || standard}, true)`.execute(db(em));
  }
}

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

/** The choices that make a statement's shape: one word, or named choices ({ kind: 'deal', scope: 'all' }). */
export type ShapeChoices = string | Readonly<Record<string, string | boolean>>;

const shapeKey = (shape: ShapeChoices): string =>
  typeof shape === 'string'
    ? shape
    : Object.keys(shape)
        .sort()
        .map((name) => `${name}=${shape[name]}`)
        .join('&');

/**
 * A typed statement whose SQL depends only on a few choices (its shape: a record kind, a visibility
 * scope), compiled once per shape and then run with each request's values. For the hottest reads
 * (the board, the signed-in user) building and compiling the nested statement on every request cost
 * more JavaScript than the database spent on it.
 *
 * `build` writes the statement against `compileOnly` with stand-ins for the values; each stand-in
 * must reach the statement as a bind parameter of its own (`where(col, '=', value)`, `${value}` in a
 * `sql` template, `limit(value)`), and is replaced by the request's value when the statement runs.
 * A stand-in that ended up inside the SQL text or inside a larger parameter is a programming error,
 * found when the shape is first compiled. Each shape runs as a named prepared statement where the
 * pool prepares them (see prepareStatement): planned once per connection, not on every request.
 */
export function statementShapes<Values extends Record<string, unknown>, Row, Shape extends ShapeChoices = string>(
  names: readonly (keyof Values & string)[],
  build: (values: Values, shape: Shape) => Compilable<Row>,
): (em: EntityManager, shape: Shape, values: Values) => Promise<Row[]> {
  const standIns = Object.fromEntries(names.map((name) => [name, `\u0000${name}\u0000`])) as unknown as Values;
  const slotOf = new Map(names.map((name) => [`\u0000${name}\u0000`, name]));
  const compiled = new Map<string, { query: CompiledQuery<Row>; slots: (keyof Values | undefined)[] }>();
  const compile = (shape: Shape, key: string) => {
    const query = build(standIns, shape).compile();
    const slots = query.parameters.map((value) => (typeof value === 'string' ? slotOf.get(value) : undefined));
    const loose = query.parameters.some(
      (value, index) => slots[index] === undefined && typeof value === 'string' && value.includes('\u0000'),
    );
    if (loose || query.sql.includes('\u0000')) {
      throw new Error(`statement shape ${key}: a stand-in is not a bind parameter of its own`);
    }
    prepareStatement(query.sql);
    const entry = { query, slots };
    compiled.set(key, entry);
    return entry;
  };
  return async (em, shape, values) => {
    const key = shapeKey(shape);
    const { query, slots } = compiled.get(key) ?? compile(shape, key);
    const parameters = query.parameters.map((value, index) => {
      const slot = slots[index];
      return slot === undefined ? value : values[slot];
    });
    const result = await db(em).executeQuery<Row>({ ...query, parameters });
    return result.rows;
  };
}
