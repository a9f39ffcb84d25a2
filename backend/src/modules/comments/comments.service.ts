// Comments (T6): a conversation on every record, visible to all who may see the record, with
// @mentions of colleagues. A mention is written `@[Display Name](user:<uuid>)` in the body; each
// mentioned user gets exactly one notification per comment, however often it is edited.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { authorActions, named, noSuch, problem } from '../../http/problems.ts';
import { currentTenant } from '../../records/current-tenant.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { OverviewSection } from '../../records/overview.ts';
import type { RecordRef } from '../../records/record-links.ts';
import { recordTitles, refKey } from '../../records/record-titles.ts';
import { db } from '../../records/sql.ts';
import { notify } from '../notifications/outbox.ts';
import { Comment } from './comment.entity.ts';

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

/** A comment with its author's name, as every read shows it. */
const commentRows = (em: EntityManager) =>
  db(em)
    .selectFrom('comment as c')
    .leftJoin('app_user as u', 'u.id', 'c.author_id')
    .select([
      'c.id',
      'c.record_type',
      'c.record_id',
      'c.body',
      'c.mentions',
      'c.author_id',
      'u.display_name as author_name',
      'c.version',
      'c.created_at',
      'c.updated_at',
      'c.edited_at',
    ]);
type CommentRow = Awaited<ReturnType<ReturnType<typeof commentRows>['executeTakeFirstOrThrow']>>;

const iso = (value: Date | string | null | undefined) => (value ? new Date(value).toISOString() : null);

/** Views of comments; mentioned users' current names for all of them in one query. */
async function views(em: EntityManager, rows: readonly CommentRow[]): Promise<CommentView[]> {
  const mentioned = [...new Set(rows.flatMap((row) => row.mentions))];
  const users =
    mentioned.length === 0
      ? []
      : await db(em).selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', mentioned).execute();
  const nameOf = new Map(users.map((user) => [user.id, user.display_name]));
  return rows.map((row) => {
    const names = new Map<string, string>(row.mentions.map((id) => [id, nameOf.get(id) ?? '']));
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
  });
}

async function getComment(em: EntityManager, id: string): Promise<CommentView> {
  const rows = await commentRows(em).where('c.id', '=', id).execute();
  const [row] = await views(em, rows);
  if (!row) throw problem('not_found', { noSuch: noSuch('comment'), id });
  return row;
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
  const rows = await db(em)
    .selectFrom('app_user')
    .select('id')
    .where('id', 'in', [...userIds])
    .where('active', '=', true)
    .execute();
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
  let query = commentRows(em)
    .where('c.tenant_id', '=', (eb) => eb.fn('crm_current_tenant'))
    .where('c.record_type', '=', record.type)
    .where('c.record_id', '=', record.id);
  if (after) query = query.where('c.id', newest ? '<' : '>', after[0]);
  const rows = await query
    .orderBy('c.created_at', newest ? 'desc' : 'asc')
    .orderBy('c.id', newest ? 'desc' : 'asc')
    .limit(options.limit + 1)
    .execute();
  const hasMore = rows.length > options.limit;
  const items = await views(em, hasMore ? rows.slice(0, options.limit) : rows);
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
  const { id } = em.create(Comment, {
    tenant: currentTenant(em),
    recordType: record.type,
    recordId: record.id,
    body,
    mentions,
    authorId: principal.userId,
  });
  await em.flush();
  const comment = await getComment(em, id);
  await notifyMentions(em, principal, comment);
  return comment;
}

function requireAuthorOrAdmin(principal: Principal, comment: CommentView, action: keyof typeof authorActions): void {
  if (comment.author?.id !== principal.userId && !principal.roles.has('admin')) {
    throw problem('only_author', { thing: { en: 'comment', de: 'den Kommentar' }, action: authorActions[action] });
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
  checkVersion(current, expectedVersion, named('comment'));
  if (body === current.body) return current;
  const mentions = mentionedUserIds(body);
  await requireMentionable(
    em,
    // Colleagues mentioned before stay mentionable even if they left meanwhile.
    mentions.filter((userId) => !current.mentions.some((mention) => mention.userId === userId)),
  );
  const entity = await em.findOneOrFail(Comment, id);
  em.assign(entity, { body, mentions, editedAt: new Date() });
  await em.flush();
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
  checkVersion(current, expectedVersion, named('comment'));
  em.remove(em.getReference(Comment, id));
  await em.flush();
}

export const commentsOverview: OverviewSection = async (em, _principal, { type, id }) => {
  const rows = await commentRows(em)
    .select((eb) => eb.fn.countAll<number>().over().as('total'))
    .where('c.tenant_id', '=', (eb) => eb.fn('crm_current_tenant'))
    .where('c.record_type', '=', type)
    .where('c.record_id', '=', id)
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(3)
    .execute();
  return { count: Number(rows[0]?.total ?? 0), newest: await views(em, rows) };
};

// A merged record's conversation continues on the survivor.
export const moveCommentsOnMerge: MergeHook = async (em, merge) => {
  await db(em)
    .updateTable('comment')
    .set({ record_id: merge.survivorId })
    .where('record_type', '=', merge.type)
    .where('record_id', '=', merge.mergedId)
    .execute();
};
