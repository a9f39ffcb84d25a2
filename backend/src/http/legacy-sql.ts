// Typed pieces (filters, sorts) handed to the statements still written as SQL text. Goes away with
// the last such statement.
import {
  DummyDriver,
  type Expression,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';

// Compiles only; it never connects.
const compiler = new Kysely<Record<string, never>>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** An expression as SQL text with `?` placeholders (MikroORM's), and its parameters in order. */
export function legacySql(expression: Expression<unknown>): { sql: string; params: unknown[] } {
  const compiled = sql`${expression}`.compile(compiler);
  // Kysely numbers its placeholders $1, $2, … in the order of `parameters`.
  return { sql: compiled.sql.replace(/\$\d+/g, '?'), params: [...compiled.parameters] };
}
