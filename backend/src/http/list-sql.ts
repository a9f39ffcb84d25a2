// The statements' side of a list window (http/list-window.ts): sorts by any field, the capped
// total, keyset pages. Kept apart from the window's schema, which the browser-safe contract carries.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, type SelectQueryBuilder, sql } from 'kysely';
import { db } from '../records/sql.ts';
import { validationFailed } from './errors.ts';
import { customFieldValue, expressionOf } from './filter-sql.ts';
import type { CustomFieldRef, FieldExpression, FilterField } from './filters.ts';
import { legacySql } from './legacy-sql.ts';
import { LIST_TOTAL_CAP, windowStart } from './list-window.ts';
import { decodeCursor, type KeysetSort, keysetAfter, keysetOrder } from './pagination.ts';

/** A sort by one of the list's fields or custom fields, ties broken by id: the terms of its ORDER BY. */
export function fieldSort(
  sort: string,
  target: {
    fields: Record<string, FilterField>;
    idColumn: FieldExpression;
    customFields?: readonly CustomFieldRef[];
    customFieldsColumn?: FieldExpression;
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
    if (field) expression = field.type === 'text' ? sql`lower(${expressionOf(field.sql)})` : expressionOf(field.sql);
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
  const direction = sql.raw(descending ? 'desc' : 'asc');
  return [sql`${expression} ${direction} nulls last`, sql`${expressionOf(target.idColumn)} ${direction}`];
}

/**
 * The ORDER BY of `fieldSort` as SQL text.
 * @deprecated Untyped: for the lists not yet converted; typed lists pass `fieldSort` to `orderBy`.
 */
export function fieldOrder(sort: string, target: Parameters<typeof fieldSort>[1]): string {
  // Sort terms carry no values (a custom field's key is a literal), so the text stands alone.
  return legacySql(sql.join(fieldSort(sort, target))).sql;
}

/** How many rows a list's query finds, counted up to the cap: `{ total, totalCapped }`. */
export async function cappedTotal<DB, TB extends keyof DB, O>(
  em: EntityManager,
  query: { sql: string; params: readonly unknown[] } | SelectQueryBuilder<DB, TB, O>,
): Promise<{ total: number; totalCapped: boolean }> {
  let n: number;
  if ('sql' in query) {
    // A list whose statement is still SQL text: the count wraps the one the page ran.
    const [row] = await em
      .getConnection()
      .execute<{ n: number }[]>(
        `select count(*)::int as n from (${query.sql} limit ?) counted`,
        [...query.params, LIST_TOTAL_CAP + 1],
        'all',
        em.getTransactionContext(),
      );
    n = row?.n ?? 0;
  } else {
    const row = await db(em)
      .selectFrom(query.limit(LIST_TOTAL_CAP + 1).as('counted'))
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirst();
    n = row?.n ?? 0;
  }
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
