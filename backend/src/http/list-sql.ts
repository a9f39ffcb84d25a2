// The statements' side of a list window (http/list-window.ts): sorts by any field, the capped
// total, keyset pages. Kept apart from the window's schema, which the browser-safe contract carries.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { db } from '../records/sql.ts';
import { validationFailed } from './errors.ts';
import { customFieldValue } from './filter-sql.ts';
import type { CustomFieldRef, FilterField } from './filters.ts';
import { LIST_TOTAL_CAP, windowStart } from './list-window.ts';
import { decodeCursor } from './pagination.ts';

const DIRECTION = { asc: sql`asc`, desc: sql`desc` } as const;

/** A sort by one of the list's fields or custom fields, ties broken by id: the terms of its ORDER BY. */
export function fieldSort(
  sort: string,
  target: {
    fields: Record<string, FilterField>;
    idColumn: Expression<unknown>;
    customFields?: readonly CustomFieldRef[];
    customFieldsColumn?: Expression<unknown>;
  },
): Expression<unknown>[] {
  const descending = sort.startsWith('-');
  const name = descending ? sort.slice(1) : sort;
  let expression: Expression<unknown> | undefined;
  if (name.startsWith('customFields.') && target.customFieldsColumn) {
    const definition = target.customFields?.find((field) => field.key === name.slice('customFields.'.length));
    if (definition) {
      const value = customFieldValue(target.customFieldsColumn, definition);
      expression = definition.type === 'text' || definition.type === 'select' ? sql`lower(${value})` : value;
    }
  } else {
    const field = target.fields[name];
    if (field) expression = field.type === 'text' ? sql`lower(${field.sql})` : field.sql;
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
  const direction = DIRECTION[descending ? 'desc' : 'asc'];
  return [sql`${expression} ${direction} nulls last`, sql`${target.idColumn} ${direction}`];
}

/** How many rows a list's query finds, counted up to the cap: `{ total, totalCapped }`. */
export async function cappedTotal<DB, TB extends keyof DB, O>(
  em: EntityManager,
  query: SelectQueryBuilder<DB, TB, O>,
): Promise<{ total: number; totalCapped: boolean }> {
  const row = await db(em)
    .selectFrom(query.limit(LIST_TOTAL_CAP + 1).as('counted'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirst();
  const n = row?.n ?? 0;
  return { total: Math.min(n, LIST_TOTAL_CAP), totalCapped: n > LIST_TOTAL_CAP };
}

/** A keyset sort: the columns (ending in a unique one) and one direction for all of them. */
export interface KeysetSort {
  readonly columns: readonly Expression<unknown>[];
  readonly direction: 'asc' | 'desc';
}

/** The condition that continues a keyset sort after a decoded cursor key, the key's values bound. */
const keysetAfter = (sort: KeysetSort, after: readonly unknown[]): Expression<SqlBool> =>
  sql<SqlBool>`(${sql.join(sort.columns)}) ${sort.direction === 'asc' ? sql`>` : sql`<`} (${sql.join(after)})`;

/** The ORDER BY terms of a keyset sort. */
const keysetOrder = (sort: KeysetSort): Expression<unknown>[] =>
  sort.columns.map((column) => sql`${column} ${DIRECTION[sort.direction]}`);

/**
 * The order of a page of a list with named keyset sorts (their cursors continue after a key) that
 * also sorts by any field (its cursors name an offset): the ORDER BY terms, the condition after the
 * cursor, how many rows to skip, and the keyset sort in use, if one is.
 */
export async function pageOrder<Name extends string>(
  query: { sort: string; cursor?: string | undefined; offset?: number | undefined },
  sorts: Readonly<Record<Name, KeysetSort>>,
  fieldTarget: () => Promise<Parameters<typeof fieldSort>[1]>,
): Promise<{
  keyset: Name | undefined;
  after: Expression<SqlBool> | undefined;
  order: Expression<unknown>[];
  skip: number;
}> {
  const keyset = query.sort in sorts ? (query.sort as Name) : undefined;
  if (keyset === undefined) {
    return { keyset, after: undefined, order: fieldSort(query.sort, await fieldTarget()), skip: windowStart(query) };
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
