// Reading the notification outbox: a user's own notifications (newest first, marked read), and
// the admin's view of every notification with its delivery state.
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type Expression,
  type ExpressionBuilder,
  type Selection,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import { problem } from '../../http/problems.ts';
import { type Database, db } from '../../records/sql.ts';
import type { AdminNotification, MyNotification } from './notifications.schemas.ts';

type Notifications = ExpressionBuilder<Database & { n: Database['notification'] }, 'n'>;

/** A moment as ISO 8601 in UTC with milliseconds, as the API shows it. */
export function utcIso<T extends Date | null>(moment: Expression<T>) {
  return sql<
    T extends Date ? string : string | null
  >`to_char(${moment} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

// The cursor holds created_at exactly as stored (text), so no row of the same millisecond is skipped.
const shown = (eb: Notifications) =>
  [
    'n.id',
    'n.kind',
    'n.payload',
    'n.state',
    sql<string>`${eb.ref('n.created_at')}::text`.as('created_key'),
    utcIso(eb.ref('n.created_at')).as('created_at'),
    utcIso(eb.ref('n.read_at')).as('read_at'),
  ] as const;

type Shown = Selection<Database & { n: Database['notification'] }, 'n', ReturnType<typeof shown>[number]>;

const mine = (row: Shown): MyNotification => ({
  id: row.id,
  kind: row.kind,
  createdAt: row.created_at,
  readAt: row.read_at,
  payload: row.payload,
  state: row.state,
});

/** Rows after the cursor, newest first. */
function after(cursor: string | undefined): ((eb: Notifications) => Expression<SqlBool>) | undefined {
  const key = decodeCursor(cursor, 2) as [string, string] | undefined;
  if (!key) return undefined;
  const [createdAt, id] = key;
  return (eb) =>
    eb.or([
      eb('n.created_at', '<', sql<Date>`${createdAt}::timestamptz`),
      eb.and([eb('n.created_at', '=', sql<Date>`${createdAt}::timestamptz`), eb('n.id', '>', id)]),
    ]);
}

/** A page and one row more (to tell whether another follows), in the order of the (…, created_at desc, id) indexes. */
function newestFirst<O>(query: SelectQueryBuilder<Database & { n: Database['notification'] }, 'n', O>, limit: number) {
  return query
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id')
    .limit(limit + 1)
    .execute();
}

function page<T extends Shown, V>(
  rows: T[],
  limit: number,
  view: (row: T) => V,
): { items: V[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const shownRows = hasMore ? rows.slice(0, limit) : rows;
  const last = shownRows.at(-1);
  return {
    items: shownRows.map(view),
    nextCursor: hasMore && last ? encodeCursor([last.created_key, last.id]) : null,
  };
}

export async function listMyNotifications(
  em: EntityManager,
  userId: string,
  options: { limit: number; cursor?: string | undefined; unread: boolean },
): Promise<{ items: MyNotification[]; nextCursor: string | null; unreadCount: number }> {
  const afterCursor = after(options.cursor);
  let query = db(em)
    .selectFrom('notification as n')
    .select(shown)
    .where('n.tenant_id', '=', sql<string>`crm_current_tenant()`)
    .where('n.recipient_id', '=', userId);
  if (options.unread) query = query.where('n.read_at', 'is', null);
  if (afterCursor) query = query.where(afterCursor);
  const rows = await newestFirst(query, options.limit);
  const counted = await db(em)
    .selectFrom('notification')
    .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('unread'))
    .where('tenant_id', '=', sql<string>`crm_current_tenant()`)
    .where('recipient_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return { ...page(rows, options.limit, mine), unreadCount: counted?.unread ?? 0 };
}

/** Marks one of the user's notifications read (again: keeps the first time). */
export async function markNotificationRead(em: EntityManager, userId: string, id: string): Promise<MyNotification> {
  const row = await db(em)
    .updateTable('notification as n')
    .set((eb) => ({ read_at: eb.fn.coalesce('n.read_at', sql<Date>`now()`) }))
    .where('n.tenant_id', '=', sql<string>`crm_current_tenant()`)
    .where('n.id', '=', id)
    .where('n.recipient_id', '=', userId)
    .returning(shown)
    .executeTakeFirst();
  if (!row) throw problem('no_such_notification', { id });
  return mine(row);
}

export async function markAllNotificationsRead(em: EntityManager, userId: string): Promise<number> {
  const rows = await db(em)
    .updateTable('notification')
    .set({ read_at: sql<Date>`now()` })
    .where('tenant_id', '=', sql<string>`crm_current_tenant()`)
    .where('recipient_id', '=', userId)
    .where('read_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

export async function listNotifications(
  em: EntityManager,
  options: {
    limit: number;
    cursor?: string | undefined;
    state?: AdminNotification['state'] | undefined;
    kind?: string | undefined;
    recipientId?: string | undefined;
  },
): Promise<{ items: AdminNotification[]; nextCursor: string | null }> {
  const afterCursor = after(options.cursor);
  let query = db(em)
    .selectFrom('notification as n')
    .select(shown)
    .select((eb) => [
      'n.recipient_id',
      'n.attempts',
      'n.last_error',
      utcIso(eb.ref('n.next_attempt_at')).as('next_attempt_at'),
      utcIso(eb.ref('n.sent_at')).as('sent_at'),
    ])
    .where('n.tenant_id', '=', sql<string>`crm_current_tenant()`);
  if (options.state !== undefined) query = query.where('n.state', '=', options.state);
  if (options.kind !== undefined) query = query.where('n.kind', '=', options.kind);
  if (options.recipientId !== undefined) query = query.where('n.recipient_id', '=', options.recipientId);
  if (afterCursor) query = query.where(afterCursor);
  const rows = await newestFirst(query, options.limit);
  return page(rows, options.limit, (row) => ({
    ...mine(row),
    recipientId: row.recipient_id,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    sentAt: row.sent_at,
  }));
}
