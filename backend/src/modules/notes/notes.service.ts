// Notes (T5): visit and call protocols on any record, with author and time. The body is sanitized
// HTML or Markdown (see note-body.ts); every note is found by global search through its words.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { checkVersion } from '../../http/etag.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { authorActions, named, noSuch, problem } from '../../http/problems.ts';
import { TRASH_FILTER } from '../../http/tenancy.ts';
import { auditBaseline } from '../../records/audit.ts';
import { currentTenant } from '../../records/current-tenant.ts';
import { historyOf, type Snapshot, unchanged } from '../../records/history.ts';
import type { OverviewSection } from '../../records/overview.ts';
import {
  distinctLinks,
  linksOf,
  type RecordRef,
  requireLinkable,
  setLinks,
  sortedLinks,
} from '../../records/record-links.ts';
import { recordTitles, refKey } from '../../records/record-titles.ts';
import { indexRecord, type SearchDocument, unindexRecord, uuidArray } from '../../records/search-index.ts';
import { db } from '../../records/sql.ts';
import { foldText } from '../contacts/matching.ts';
import type { SearchContext } from '../search/search.service.ts';
import { noteAudit } from './note.audit.ts';
import { Note } from './note.entity.ts';
import { type NoteBodyInput, type NoteFormat, type RenderedNote, renderNoteBody } from './note-body.ts';

export interface NoteView {
  id: string;
  body: { format: NoteFormat; body: string };
  bodyHtml: string;
  bodyText: string;
  links: RecordRef[];
  activityId: string | null;
  author: { id: string; displayName: string } | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string | null;
  deletedAt: string | null;
}

/** A note with its author's name, as every read shows it. */
const noteRows = (em: EntityManager) =>
  db(em)
    .selectFrom('note as n')
    .leftJoin('app_user as u', 'u.id', 'n.created_by')
    .select([
      'n.id',
      'n.format',
      'n.source',
      'n.body_html',
      'n.body_text',
      'n.activity_id',
      'n.created_by',
      'u.display_name as author_name',
      'n.version',
      'n.created_at',
      'n.updated_at',
      'n.updated_by',
      'n.deleted_at',
    ]);
type NoteRow = Awaited<ReturnType<ReturnType<typeof noteRows>['executeTakeFirstOrThrow']>>;

const iso = (value: Date | string | null | undefined) => (value ? new Date(value).toISOString() : null);

function noteView(row: NoteRow, links: RecordRef[]): NoteView {
  return {
    id: row.id,
    body: { format: row.format, body: row.source },
    bodyHtml: row.body_html,
    bodyText: row.body_text,
    links,
    activityId: row.activity_id ?? null,
    author: row.created_by ? { id: row.created_by, displayName: row.author_name ?? '' } : null,
    version: row.version,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    updatedBy: row.updated_by ?? null,
    deletedAt: iso(row.deleted_at),
  };
}

const snapshot = (note: Pick<NoteView, 'body' | 'links' | 'activityId'>): Snapshot => ({
  body: note.body,
  links: sortedLinks(note.links),
  activityId: note.activityId,
});

/** A one-line excerpt of a note's text. */
export function excerptOf(text: string, length = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1).trimEnd()}…` : line;
}

function noteDocument(id: string, text: string): SearchDocument {
  const title = excerptOf(text, 100);
  return {
    type: 'note',
    id,
    title,
    subtitle: null,
    normalized: foldText(title),
    phonetic: [],
    emails: [],
    phones: [],
    postalCodes: [],
    vatId: null,
    body: foldText(text),
  };
}

async function findNote(em: EntityManager, id: string, options: { trashed: boolean }): Promise<NoteView | null> {
  const row = await noteRows(em)
    .where('n.id', '=', id)
    .where('n.deleted_at', options.trashed ? 'is not' : 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return noteView(row, (await linksOf(em, 'note', [id])).get(id) ?? []);
}

// record_link has no entity on this branch yet (it comes with the remaining entities); until
// then this one fragment names it, its values bound as parameters.
const linkedNoteIds = (type: string, id: string) =>
  sql<string>`(select l.item_id from record_link l where l.tenant_id = crm_current_tenant()
    and l.record_type = ${type} and l.record_id = ${id}::uuid and l.item_type = 'note')`;

/** The note's entity with its links, as its history compares the next change with. */
async function loadNote(em: EntityManager, view: NoteView): Promise<Note> {
  const note = await em.findOneOrFail(Note, view.id, { filters: { [TRASH_FILTER]: false } });
  note.links = view.links;
  auditBaseline(noteAudit, note);
  return note;
}

export async function getNote(em: EntityManager, id: string): Promise<NoteView> {
  const note = await findNote(em, id, { trashed: false });
  if (!note) throw problem('not_found_maybe_trashed', { noSuch: noSuch('note'), id });
  return note;
}

function requireAuthorOrAdmin(principal: Principal, note: NoteView, action: keyof typeof authorActions): void {
  const own = principal.userId !== undefined && note.author?.id === principal.userId;
  if (!own && !principal.roles.has('admin')) {
    throw problem('only_author', { thing: { en: 'note', de: 'die Notiz' }, action: authorActions[action] });
  }
}

function requireSomeLink(links: readonly RecordRef[]): void {
  if (links.length === 0) {
    throw problem('note_needs_record', {}, { at: { pointer: '#/links' } });
  }
}

async function requireActivity(em: EntityManager, principal: Principal, activityId: string): Promise<void> {
  // As activities.service's visibleActivity: the owner's or the author's, for a scope of owners.
  const visibility = await principal.visibility('activity');
  const users = visibility.scope === 'owners' ? uuidArray(visibility.ownerIds) : undefined;
  const row = await db(em)
    .selectFrom('activity as a')
    .select('a.id')
    .where('a.id', '=', activityId)
    .where('a.deleted_at', 'is', null)
    .where((eb) =>
      users
        ? eb.or([eb('a.owner_id', '=', eb.fn.any(users)), eb('a.created_by', '=', eb.fn.any(users))])
        : eb.lit(true),
    )
    .executeTakeFirst();
  if (!row) {
    throw problem('unknown_activity', { id: activityId }, { at: { pointer: '#/activityId' } });
  }
}

export async function createNote(
  em: EntityManager,
  principal: Principal,
  input: { body: NoteBodyInput; links: readonly RecordRef[]; activityId?: string | null | undefined },
  /** Where the body's text is in the request, for problems. */
  bodyPointer = '#/body/body',
): Promise<NoteView> {
  const rendered = renderNoteBody(input.body, bodyPointer);
  const links = distinctLinks(input.links);
  requireSomeLink(links);
  await requireLinkable(em, links);
  if (input.activityId) await requireActivity(em, principal, input.activityId);
  const by = principal.userId ?? null;
  const created = em.create(Note, {
    tenant: currentTenant(em),
    format: rendered.format,
    source: rendered.source,
    bodyHtml: rendered.html,
    bodyText: rendered.text,
    activityId: input.activityId ?? null,
    createdBy: by,
    updatedBy: by,
  });
  created.links = links;
  // The note's history tells (note.audit.ts).
  await em.flush();
  const id = created.id;
  await setLinks(em, { type: 'note', id }, links);
  const note = await getNote(em, id);
  await indexRecord(em, noteDocument(id, rendered.text));
  return note;
}

export async function updateNote(
  em: EntityManager,
  principal: Principal,
  id: string,
  patch: { body?: NoteBodyInput | undefined; links?: RecordRef[] | undefined; activityId?: string | null | undefined },
  expectedVersion: number | undefined,
): Promise<NoteView> {
  const current = await getNote(em, id);
  requireAuthorOrAdmin(principal, current, 'change');
  checkVersion(current, expectedVersion, named('note'));
  const rendered: RenderedNote | undefined = patch.body ? renderNoteBody(patch.body) : undefined;
  const links = patch.links === undefined ? current.links : distinctLinks(patch.links);
  if (patch.links !== undefined) {
    requireSomeLink(links);
    await requireLinkable(em, links);
  }
  const activityId = patch.activityId === undefined ? current.activityId : patch.activityId;
  if (activityId && activityId !== current.activityId) await requireActivity(em, principal, activityId);
  const before = snapshot(current);
  const after = snapshot({
    body: rendered ? { format: rendered.format, body: rendered.source } : current.body,
    links,
    activityId,
  });
  if (unchanged(before, after)) return current;
  const note = await loadNote(em, current);
  if (rendered) {
    em.assign(note, {
      format: rendered.format,
      source: rendered.source,
      bodyHtml: rendered.html,
      bodyText: rendered.text,
    });
  }
  note.activityId = activityId;
  note.links = links;
  // A change of links alone is a new version of the note too.
  note.updatedAt = new Date();
  await em.flush();
  if (!unchanged({ links: sortedLinks(current.links) }, { links: sortedLinks(links) })) {
    await setLinks(em, { type: 'note', id }, links);
  }
  if (rendered) await indexRecord(em, noteDocument(id, rendered.text));
  return getNote(em, id);
}

export async function trashNote(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const current = await getNote(em, id);
  requireAuthorOrAdmin(principal, current, 'delete');
  checkVersion(current, expectedVersion, named('note'));
  const note = await loadNote(em, current);
  note.deletedAt = new Date();
  await em.flush();
  await unindexRecord(em, 'note', id);
}

export async function restoreNote(em: EntityManager, principal: Principal, id: string): Promise<NoteView> {
  const trashed = await findNote(em, id, { trashed: true });
  if (!trashed) throw problem('not_in_trash', { noSuch: noSuch('note'), id });
  requireAuthorOrAdmin(principal, trashed, 'restore');
  const note = await loadNote(em, trashed);
  note.deletedAt = null;
  await em.flush();
  await indexRecord(em, noteDocument(id, trashed.bodyText));
  return getNote(em, id);
}

/** Notes on a record, newest first (UUIDv7 ids are in creation order). */
export async function notesOf(
  em: EntityManager,
  record: RecordRef,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ items: NoteView[]; nextCursor: string | null }> {
  const after = decodeCursor(options.cursor, 1) as [string] | undefined;
  let query = noteRows(em).where('n.id', 'in', linkedNoteIds(record.type, record.id)).where('n.deleted_at', 'is', null);
  if (after) query = query.where('n.id', '<', after[0]);
  const rows = await query
    .orderBy('n.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const hasMore = rows.length > options.limit;
  const shown = hasMore ? rows.slice(0, options.limit) : rows;
  const links = await linksOf(
    em,
    'note',
    shown.map((row) => row.id),
  );
  const items = shown.map((row) => noteView(row, links.get(row.id) ?? []));
  const last = items.at(-1);
  return { items, nextCursor: hasMore && last ? encodeCursor([last.id]) : null };
}

export async function noteHistory(
  em: EntityManager,
  id: string,
  options: { limit: number; cursor?: string | undefined },
) {
  const found = await db(em).selectFrom('note').select('id').where('id', '=', id).execute();
  if (found.length === 0) throw problem('not_found', { noSuch: noSuch('note'), id });
  const before = decodeCursor(options.cursor, 2) as [string, string] | undefined;
  const items = await historyOf(em, 'note', id, { limit: options.limit + 1, before });
  const hasMore = items.length > options.limit;
  const shown = hasMore ? items.slice(0, options.limit) : items;
  const last = shown.at(-1);
  return { items: shown, nextCursor: hasMore && last ? encodeCursor([last.changedAt, last.id]) : null };
}

// ---- the note in search and in the 360° view ----------------------------------------------

export const noteSearchContext: SearchContext = async (em, ids) => {
  const links = await linksOf(em, 'note', ids);
  const titles = await recordTitles(em, [...links.values()].flat());
  return new Map(
    [...links].map(([id, refs]) => [
      id,
      refs.flatMap((ref) => {
        const title = titles.get(refKey(ref));
        return title === undefined ? [] : [{ ...ref, title }];
      }),
    ]),
  );
};

export interface NoteSummary {
  id: string;
  excerpt: string;
  format: NoteFormat;
  activityId: string | null;
  author: { id: string; displayName: string } | null;
  createdAt: string;
}

export const notesOverview: OverviewSection = async (em, _principal, { type, id }) => {
  const rows = await noteRows(em)
    .select((eb) => eb.fn.countAll<number>().over().as('total'))
    .where('n.id', 'in', linkedNoteIds(type, id))
    .where('n.deleted_at', 'is', null)
    .orderBy('n.id', 'desc')
    .limit(3)
    .execute();
  const newest: NoteSummary[] = rows.map((row) => ({
    id: row.id,
    excerpt: excerptOf(row.body_text, 300),
    format: row.format,
    activityId: row.activity_id ?? null,
    author: row.created_by ? { id: row.created_by, displayName: row.author_name ?? '' } : null,
    createdAt: iso(row.created_at) as string,
  }));
  return { count: Number(rows[0]?.total ?? 0), newest };
};
