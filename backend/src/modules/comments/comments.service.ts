// Comments (T6): a conversation on every record, visible to all who may see the record, with
// @mentions of colleagues. A mention is written `@[Display Name](user:<uuid>)` in the body; each
// mentioned user gets exactly one notification per comment, however often it is edited.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import { forbidden, type Principal } from '../../http/principal.ts';
import { newId } from '../../ids.ts';
import { notify } from '../../notifications/outbox.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { OverviewSection } from '../../records/overview.ts';
import type { RecordRef } from '../../records/record-links.ts';
import { recordTitles, refKey } from '../../records/record-titles.ts';
import { pgArray } from '../../records/search-index.ts';
import { sqlIn } from '../../records/sql.ts';

export interface CommentView {
  id: string;
  record: RecordRef;
  /** As written, mentions as `@[Name](user:<uuid>)`. */
  body: string;
  /** The body as safe HTML: everything escaped, mentions as `<span class="mention" data-user-id>` with current names. */
  bodyHtml: string;
  mentions: { userId: string; displayName: string }[];
  author: { id: string; displayName: string } | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  editedAt: string | null;
}

interface CommentRow {
  id: string;
  record_type: string;
  record_id: string;
  body: string;
  /** The mentioned users with their current names, in order of mention. */
  mentioned: { id: string; name: string }[];
  author_id: string | null;
  author_name: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
}

const MENTION =
  /@\[([^\]\n]{1,200})\]\(user:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\)/g;
const MAX_MENTIONS = 20;

/** The distinct users a body mentions, in order of first mention. */
export function mentionedUserIds(body: string): string[] {
  return [...new Set([...body.matchAll(MENTION)].map((match) => (match[2] as string).toLowerCase()))];
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function bodyHtml(body: string, names: ReadonlyMap<string, string>): string {
  let html = '';
  let from = 0;
  for (const match of body.matchAll(MENTION)) {
    const userId = (match[2] as string).toLowerCase();
    html += escapeHtml(body.slice(from, match.index));
    const name = names.get(userId) ?? (match[1] as string);
    html += `<span class="mention" data-user-id="${userId}">@${escapeHtml(name)}</span>`;
    from = match.index + match[0].length;
  }
  html += escapeHtml(body.slice(from));
  return html.replace(/\r?\n/g, '<br>');
}

/** The body as plain text, mentions as `@Name`. */
export function plainText(body: string): string {
  return body.replace(MENTION, (_token, name: string) => `@${name}`);
}

// Mentioned users' current names come with each row: a view costs one query however many mentions.
const COMMENT_COLUMNS = `c.id, c.record_type, c.record_id, c.body, c.author_id, u.display_name as author_name,
  c.version, c.created_at, c.updated_at, c.edited_at,
  (select coalesce(json_agg(json_build_object('id', m.id, 'name', coalesce(mu.display_name, '')) order by m.n), '[]')
     from unnest(c.mentions) with ordinality as m(id, n) left join app_user mu on mu.id = m.id) as mentioned`;
const COMMENT_FROM = 'comment c left join app_user u on u.id = c.author_id';

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

function view(row: CommentRow): CommentView {
  const mentioned = typeof row.mentioned === 'string' ? JSON.parse(row.mentioned) : row.mentioned;
  const names = new Map<string, string>(mentioned.map((user: { id: string; name: string }) => [user.id, user.name]));
  return {
    id: row.id,
    record: { type: row.record_type, id: row.record_id },
    body: row.body,
    bodyHtml: bodyHtml(row.body, names),
    mentions: [...names].map(([userId, displayName]) => ({ userId, displayName })),
    author: row.author_id ? { id: row.author_id, displayName: row.author_name ?? '' } : null,
    version: row.version,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    editedAt: iso(row.edited_at),
  };
}

async function getComment(em: EntityManager, id: string): Promise<CommentView> {
  const rows = await sqlIn<CommentRow>(em, `select ${COMMENT_COLUMNS} from ${COMMENT_FROM} where c.id = ?`, [id]);
  const [row] = rows;
  if (!row) throw notFound(`There is no comment ${id} in your organisation.`);
  return view(row);
}

/** 422 unless every mentioned user is an active user of the caller's organisation. */
async function requireMentionable(em: EntityManager, userIds: readonly string[]): Promise<void> {
  if (userIds.length > MAX_MENTIONS) {
    throw new AppError({
      status: 422,
      code: 'too_many_mentions',
      title: 'Too many mentions',
      detail: `A comment may mention at most ${MAX_MENTIONS} colleagues; this one mentions ${userIds.length}.`,
      errors: [{ in: 'body', pointer: '#/body', detail: `at most ${MAX_MENTIONS} mentions` }],
    });
  }
  if (userIds.length === 0) return;
  const rows = await sqlIn<{ id: string }>(em, 'select id from app_user where id = any(?::uuid[]) and active', [
    pgArray([...userIds]),
  ]);
  const known = new Set(rows.map((row) => row.id));
  const unknown = userIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError({
      status: 422,
      code: 'unknown_mention',
      title: 'Unknown colleague mentioned',
      detail: `The comment mentions ${unknown.join(', ')}, who ${unknown.length === 1 ? 'is' : 'are'} not an active user of your organisation; remove the mention or pick a colleague from the list.`,
      errors: unknown.map((id) => ({
        in: 'body' as const,
        pointer: '#/body',
        detail: `unknown or inactive user ${id}`,
      })),
    });
  }
}

/** One notification per mentioned colleague (not the author); the key makes repeats and edits harmless. */
async function notifyMentions(em: EntityManager, principal: Principal, comment: CommentView): Promise<void> {
  const recipients = comment.mentions.map((mention) => mention.userId).filter((id) => id !== principal.userId);
  if (recipients.length === 0) return;
  const title = (await recordTitles(em, [comment.record])).get(refKey(comment.record)) ?? '';
  const text = plainText(comment.body).replace(/\s+/g, ' ').trim();
  await notify(
    em,
    recipients.map((recipientId) => ({
      recipientId,
      kind: 'mention' as const,
      payload: {
        commentId: comment.id,
        record: { ...comment.record, title },
        authorId: principal.userId ?? null,
        authorName: principal.displayName,
        excerpt: text.length > 200 ? `${text.slice(0, 199)}…` : text,
      },
      idempotencyKey: `mention:${comment.id}:${recipientId}`,
    })),
  );
}

export async function listComments(
  em: EntityManager,
  record: RecordRef,
  options: { limit: number; cursor?: string | undefined; order: 'oldest' | 'newest' },
): Promise<{ items: CommentView[]; nextCursor: string | null }> {
  const after = decodeCursor(options.cursor, 1) as [string] | undefined;
  const newest = options.order === 'newest';
  const rows = await sqlIn<CommentRow>(
    em,
    `select ${COMMENT_COLUMNS} from ${COMMENT_FROM}
      where c.tenant_id = crm_current_tenant() and c.record_type = ? and c.record_id = ?
        ${after ? `and c.id ${newest ? '<' : '>'} ?::uuid` : ''}
      order by c.created_at ${newest ? 'desc' : 'asc'}, c.id ${newest ? 'desc' : 'asc'} limit ?`,
    [record.type, record.id, ...(after ?? []), options.limit + 1],
  );
  const hasMore = rows.length > options.limit;
  const items = (hasMore ? rows.slice(0, options.limit) : rows).map(view);
  const last = items.at(-1);
  return { items, nextCursor: hasMore && last ? encodeCursor([last.id]) : null };
}

export async function createComment(
  em: EntityManager,
  principal: Principal & { userId: string },
  record: RecordRef,
  body: string,
): Promise<CommentView> {
  const mentions = mentionedUserIds(body);
  await requireMentionable(em, mentions);
  const id = newId();
  await sqlIn(
    em,
    `insert into comment (id, tenant_id, record_type, record_id, body, mentions, author_id)
     values (?, crm_current_tenant(), ?, ?, ?, ?::uuid[], ?)`,
    [id, record.type, record.id, body, pgArray(mentions), principal.userId],
  );
  const comment = await getComment(em, id);
  await notifyMentions(em, principal, comment);
  return comment;
}

function requireAuthorOrAdmin(principal: Principal, comment: CommentView, action: string): void {
  if (comment.author?.id !== principal.userId && !principal.roles.has('admin')) {
    throw forbidden(`Only the author of a comment or a CRM administrator may ${action} it.`);
  }
}

export async function updateComment(
  em: EntityManager,
  principal: Principal & { userId: string },
  id: string,
  body: string,
  expectedVersion: number | undefined,
): Promise<CommentView> {
  const current = await getComment(em, id);
  requireAuthorOrAdmin(principal, current, 'change');
  checkVersion(current, expectedVersion, 'The comment');
  if (body === current.body) return current;
  const mentions = mentionedUserIds(body);
  await requireMentionable(
    em,
    // Colleagues mentioned before stay mentionable even if they left meanwhile.
    mentions.filter((userId) => !current.mentions.some((mention) => mention.userId === userId)),
  );
  await sqlIn(
    em,
    `update comment set body = ?, mentions = ?::uuid[], version = version + 1, updated_at = now(), edited_at = now()
      where id = ?`,
    [body, pgArray(mentions), id],
  );
  const comment = await getComment(em, id);
  await notifyMentions(em, principal, comment);
  return comment;
}

export async function deleteComment(
  em: EntityManager,
  principal: Principal & { userId: string },
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const current = await getComment(em, id);
  requireAuthorOrAdmin(principal, current, 'delete');
  checkVersion(current, expectedVersion, 'The comment');
  await sqlIn(em, 'delete from comment where id = ?', [id]);
}

export const commentsOverview: OverviewSection = async (em, _principal, { type, id }) => {
  const rows = await sqlIn<CommentRow & { total: number }>(
    em,
    `select ${COMMENT_COLUMNS}, count(*) over ()::int as total from ${COMMENT_FROM}
      where c.tenant_id = crm_current_tenant() and c.record_type = ? and c.record_id = ?
      order by c.created_at desc, c.id desc limit 3`,
    [type, id],
  );
  return { count: rows[0]?.total ?? 0, newest: rows.map(view) };
};

// A merged record's conversation continues on the survivor.
export const moveCommentsOnMerge: MergeHook = async (em, merge) => {
  await sqlIn(em, 'update comment set record_id = ? where record_type = ? and record_id = ?', [
    merge.survivorId,
    merge.type,
    merge.mergedId,
  ]);
};
