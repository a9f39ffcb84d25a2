// Reading the notification outbox: a user's own notifications (newest first, marked read), and
// the admin's view of every notification with its delivery state.
import type { EntityManager } from '@mikro-orm/postgresql';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import { problem } from '../../http/problems.ts';
import { sqlIn } from '../../records/sql.ts';
import type { AdminNotification, MyNotification } from './notifications.schemas.ts';

const UTC_ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (column: string) => `to_char(${column} at time zone 'UTC', ${UTC_ISO})`;

// The cursor holds created_at exactly as stored (text), so no row of the same millisecond is skipped.
const COLUMNS = `n.id, n.kind, n.payload, n.state, n.created_at::text as created_key,
  ${iso('n.created_at')} as created_at, ${iso('n.read_at')} as read_at`;

interface Row {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  state: MyNotification['state'];
  created_key: string;
  created_at: string;
  read_at: string | null;
}

interface AdminRow extends Row {
  recipient_id: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  sent_at: string | null;
}

const mine = (row: Row): MyNotification => ({
  id: row.id,
  kind: row.kind,
  createdAt: row.created_at,
  readAt: row.read_at,
  payload: row.payload,
  state: row.state,
});

/** Newest first, in the order of the (tenant, recipient, created_at desc, id) index. */
function pageWhere(cursor: string | undefined, params: unknown[]): string {
  const after = decodeCursor(cursor, 2) as [string, string] | undefined;
  if (!after) return '';
  params.push(after[0], after[0], after[1]);
  return 'and (n.created_at < ?::timestamptz or (n.created_at = ?::timestamptz and n.id > ?::uuid))';
}

function page<T extends Row, V>(
  rows: T[],
  limit: number,
  view: (row: T) => V,
): { items: V[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const shown = hasMore ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { items: shown.map(view), nextCursor: hasMore && last ? encodeCursor([last.created_key, last.id]) : null };
}

export async function listMyNotifications(
  em: EntityManager,
  userId: string,
  options: { limit: number; cursor?: string | undefined; unread: boolean },
): Promise<{ items: MyNotification[]; nextCursor: string | null; unreadCount: number }> {
  const params: unknown[] = [userId];
  const unread = options.unread ? 'and n.read_at is null' : '';
  const after = pageWhere(options.cursor, params);
  params.push(options.limit + 1);
  const rows = await sqlIn<Row>(
    em,
    `select ${COLUMNS} from notification n
      where n.tenant_id = crm_current_tenant() and n.recipient_id = ? ${unread} ${after}
      order by n.created_at desc, n.id limit ?`,
    params,
  );
  const [counted] = await sqlIn<{ unread: number }>(
    em,
    `select count(*)::int as unread from notification
      where tenant_id = crm_current_tenant() and recipient_id = ? and read_at is null`,
    [userId],
  );
  return { ...page(rows, options.limit, mine), unreadCount: counted?.unread ?? 0 };
}

/** Marks one of the user's notifications read (again: keeps the first time). */
export async function markNotificationRead(em: EntityManager, userId: string, id: string): Promise<MyNotification> {
  const [row] = await sqlIn<Row>(
    em,
    `update notification n set read_at = coalesce(n.read_at, now())
      where n.tenant_id = crm_current_tenant() and n.id = ? and n.recipient_id = ?
      returning ${COLUMNS}`,
    [id, userId],
  );
  if (!row) throw problem('no_such_notification', { id });
  return mine(row);
}

export async function markAllNotificationsRead(em: EntityManager, userId: string): Promise<number> {
  const rows = await sqlIn<{ id: string }>(
    em,
    `update notification set read_at = now()
      where tenant_id = crm_current_tenant() and recipient_id = ? and read_at is null
      returning id`,
    [userId],
  );
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
  const filters: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of [
    ['state', options.state],
    ['kind', options.kind],
    ['recipient_id', options.recipientId],
  ] as const) {
    if (value === undefined) continue;
    filters.push(`and n.${column} = ?`);
    params.push(value);
  }
  const after = pageWhere(options.cursor, params);
  params.push(options.limit + 1);
  const rows = await sqlIn<AdminRow>(
    em,
    `select ${COLUMNS}, n.recipient_id, n.attempts, n.last_error,
            ${iso('n.next_attempt_at')} as next_attempt_at, ${iso('n.sent_at')} as sent_at
       from notification n
      where n.tenant_id = crm_current_tenant() ${filters.join(' ')} ${after}
      order by n.created_at desc, n.id limit ?`,
    params,
  );
  return page(rows, options.limit, (row) => ({
    ...mine(row),
    recipientId: row.recipient_id,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    sentAt: row.sent_at,
  }));
}
