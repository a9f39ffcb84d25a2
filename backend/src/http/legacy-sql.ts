// Typed pieces (filters, sorts) handed to the statements still written as SQL text. Goes away with
// the last such statement.
import { type Expression, sql } from 'kysely';
import { compileOnly } from '../records/sql.ts';

/** An expression as SQL text with `?` placeholders (MikroORM's), and its parameters in order. */
export function legacySql(expression: Expression<unknown>): { sql: string; params: unknown[] } {
  const compiled = sql`${expression}`.compile(compileOnly);
  // Kysely numbers its placeholders $1, $2, … in the order of `parameters`.
  return { sql: compiled.sql.replace(/\$\d+/g, '?'), params: [...compiled.parameters] };
}
