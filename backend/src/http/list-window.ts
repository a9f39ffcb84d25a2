// What every list adds to its cursor pages for a virtualised table: a sort by any field of the
// list, an offset window (the page the user scrolled to, without the pages before it) and a total
// counted in SQL up to a cap, so that a count over a huge list stays fast.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';
import { validationFailed } from './errors.ts';
import type { CustomFieldRef, FilterField } from './filters.ts';
import { decodeCursor, encodeCursor, type KeysetSort, keysetAfter, keysetOrder } from './pagination.ts';
import { cursorScope, problem } from './problems.ts';

/** Totals count at most this many items; a list that holds more says so (`totalCapped`). */
export const LIST_TOTAL_CAP = 1_000_000;

export const ListWindowQuerySchema = z.object({
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(LIST_TOTAL_CAP)
    .optional()
    .meta({ description: 'Skip this many items instead of passing a cursor: the page a virtualised list scrolled to' }),
  count: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: `true adds total, the matching items counted up to ${LIST_TOTAL_CAP}` }),
});
export type ListWindowQuery = z.output<typeof ListWindowQuerySchema>;

/** A sort by a field the list filters by: `field` ascending, `-field` descending (nulls last). */
export const FieldSortParam = z
  .string()
  .regex(/^-?[a-zA-Z][a-zA-Z0-9_.]{0,79}$/, 'a field of the list, - in front for descending');

/** The ORDER BY of a sort by one of the list's fields or custom fields, ties broken by id. */
export function fieldOrder(
  sort: string,
  target: {
    fields: Record<string, FilterField>;
    idColumn: string;
    customFields?: readonly CustomFieldRef[];
    customFieldsColumn?: string;
  },
): string {
  const descending = sort.startsWith('-');
  const name = descending ? sort.slice(1) : sort;
  let expression: string | undefined;
  if (name.startsWith('customFields.') && target.customFieldsColumn) {
    const definition = target.customFields?.find((field) => field.key === name.slice('customFields.'.length));
    // Keys are checked against the definitions, so interpolating one is safe.
    if (definition) {
      expression = {
        text: `lower(${target.customFieldsColumn}->>'${definition.key}')`,
        select: `lower(${target.customFieldsColumn}->>'${definition.key}')`,
        number: `(${target.customFieldsColumn}->>'${definition.key}')::numeric`,
        boolean: `(${target.customFieldsColumn}->>'${definition.key}')::boolean`,
        date: `(${target.customFieldsColumn}->>'${definition.key}')::date`,
      }[definition.type];
    }
  } else {
    const field = target.fields[name];
    if (field) expression = field.type === 'text' ? `lower(${field.sql})` : field.sql;
  }
  if (!expression) {
    throw validationFailed([
      {
        in: 'query',
        pointer: '#/sort',
        detail: `sort by ${Object.keys(target.fields).join(', ')}${target.customFieldsColumn ? ', customFields.<key>' : ''}, - in front for descending`,
      },
    ]);
  }
  const direction = descending ? 'desc' : 'asc';
  return `${expression} ${direction} nulls last, ${target.idColumn} ${direction}`;
}

const OFFSET_KEY = 'offset';

/** A field sort pages by position: its cursor is opaque like every other and names the next offset. */
export const offsetCursor = (offset: number): string => encodeCursor([OFFSET_KEY, offset]);

/** Where a window starts: the offset asked for, else the one an offset cursor names, else 0. */
export function windowStart(query: { offset?: number | undefined; cursor?: string | undefined }): number {
  if (query.offset !== undefined) return query.offset;
  const key = decodeCursor(query.cursor, 2);
  if (!key) return 0;
  const [kind, offset] = key;
  if (kind !== OFFSET_KEY || typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw problem('invalid_cursor', { list: cursorScope.listAndOrder }, { at: { in: 'query', pointer: '#/cursor' } });
  }
  return offset as number;
}

/** How many rows a list's query finds, counted up to the cap: `{ total, totalCapped }`. */
export async function cappedTotal(
  em: EntityManager,
  query: { sql: string; params: readonly unknown[] },
): Promise<{ total: number; totalCapped: boolean }> {
  // The lists' own statements are still hand-shaped SQL; the count wraps the one the page ran.
  const [row] = await em
    .getConnection()
    .execute<{ n: number }[]>(
      `select count(*)::int as n from (${query.sql} limit ?) counted`,
      [...query.params, LIST_TOTAL_CAP + 1],
      'all',
      em.getTransactionContext(),
    );
  const n = row?.n ?? 0;
  return { total: Math.min(n, LIST_TOTAL_CAP), totalCapped: n > LIST_TOTAL_CAP };
}

/** cappedTotal of a typed statement: its rows (unordered, unpaged) counted up to the cap. */
export async function cappedTotalOf<DB, TB extends keyof DB, O>(
  em: EntityManager,
  query: SelectQueryBuilder<DB, TB, O>,
): Promise<{ total: number; totalCapped: boolean }> {
  const row = await em
    .getKysely()
    .selectFrom(query.limit(LIST_TOTAL_CAP + 1).as('counted'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirst();
  const n = row?.n ?? 0;
  return { total: Math.min(n, LIST_TOTAL_CAP), totalCapped: n > LIST_TOTAL_CAP };
}

/**
 * The order of a page of a list with named keyset sorts (their cursors continue after a key) that
 * also sorts by any field (its cursors name an offset): the ORDER BY, the condition after the
 * cursor, how many rows to skip, and the keyset sort in use, if one is.
 */
export async function pageOrder<Name extends string>(
  query: { sort: string; cursor?: string | undefined; offset?: number | undefined },
  sorts: Readonly<Record<Name, KeysetSort>>,
  fieldTarget: () => Promise<Parameters<typeof fieldOrder>[1]>,
): Promise<{
  keyset: Name | undefined;
  after: { sql: string; params: unknown[] } | undefined;
  order: string;
  skip: number;
}> {
  const keyset = query.sort in sorts ? (query.sort as Name) : undefined;
  if (keyset === undefined) {
    return { keyset, after: undefined, order: fieldOrder(query.sort, await fieldTarget()), skip: windowStart(query) };
  }
  const sort = sorts[keyset];
  const key = query.offset === undefined ? decodeCursor(query.cursor, sort.columns.length) : undefined;
  return {
    keyset,
    after: key ? keysetAfter(sort, key) : undefined,
    order: keysetOrder(sort),
    skip: query.offset ?? 0,
  };
}
