// Documents (F1) on any record: every upload of a name already on the record is a new version,
// nothing is replaced; bytes live in the blob store under their SHA-256. Mail attachments are
// documents of their mail. Documents reach records through record_link (item_type 'document').
import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Insertable, type Kysely, sql } from 'kysely';
import { checkVersion } from '../../http/etag.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory, recordPutOn } from '../../records/history.ts';
import type { OverviewSection } from '../../records/overview.ts';
import { addLinks, linksOf, type RecordRef } from '../../records/record-links.ts';
import { textArray, uuidArray } from '../../records/search-index.ts';
import { currentTenantId, type Database, db, lockTransactionOn } from '../../records/sql.ts';
import { type BlobStore, sha256Of } from '../../storage/blob-store.ts';
import { type InspectedFile, inspectFile } from './file-policy.ts';
import { type LinkedRecord, requireVisibleRecord, visibleRecords, withTitles } from './record-access.ts';

export const DOCUMENT = 'document';

export interface DocumentView {
  id: string;
  name: string;
  /** 'file': bytes stored here; 'cloud': a link to a file elsewhere (OneDrive, SharePoint). */
  kind: 'file' | 'cloud';
  /** The type the bytes show (null for cloud documents). */
  contentType: string | null;
  size: number | null;
  sha256: string | null;
  /** Number of the newest version; 0 for cloud documents, which have none. */
  latestVersion: number;
  isInline: boolean;
  contentId: string | null;
  cloudUrl: string | null;
  /** The filed mail this document came with, if any. */
  mailId: string | null;
  /** The meeting (an activity synced from Outlook) whose attachment this document first came as, if any. */
  activityId: string | null;
  uploadedBy: string | null;
  uploadedByName: string | null;
  uploadedAt: string;
  createdAt: string;
  /** Row version, for If-Match. */
  version: number;
  /** Where the newest version's bytes are downloaded; null for cloud documents. */
  contentUrl: string | null;
}

export interface DocumentVersionView {
  number: number;
  sha256: string;
  size: number;
  contentType: string;
  uploadedBy: string | null;
  uploadedByName: string | null;
  uploadedAt: string;
  contentUrl: string;
}

export interface DocumentDetail extends DocumentView {
  versions: DocumentVersionView[];
  links: LinkedRecord[];
}

/**
 * The document tables as Kysely sees them, with the version's `sha256`: inference names the
 * columns of its reference to the blob (tenant_id, sha256) `blob_tenant` and `blob_sha256`.
 */
type DocumentTables = Omit<Database, 'document_version'> & {
  document_version: Omit<Database['document_version'], 'blob_tenant' | 'blob_sha256'> & { sha256: string };
};
const documentDb = (em: EntityManager) => db(em) as unknown as Kysely<DocumentTables>;

/** Documents with their newest version and who uploaded it: what a DocumentView shows. */
const documents = (em: EntityManager) =>
  documentDb(em)
    .selectFrom('document as d')
    .leftJoin('document_version as v', (join) =>
      join.onRef('v.document_id', '=', 'd.id').onRef('v.number', '=', 'd.latest_version'),
    )
    .leftJoin('app_user as u', (join) =>
      join.on((eb) => eb('u.id', '=', eb.fn.coalesce('v.uploaded_by', 'd.created_by'))),
    )
    .select((eb) => [
      'd.id',
      'd.name',
      'd.kind',
      'd.cloud_url',
      'd.mail_id',
      'd.activity_id',
      'd.is_inline',
      'd.content_id',
      'd.latest_version',
      'd.version',
      'd.created_at',
      'd.created_by',
      'd.deleted_at',
      'v.sha256',
      'v.size',
      'v.content_type',
      eb.fn.coalesce('v.uploaded_by', 'd.created_by').as('uploaded_by'),
      'u.display_name as uploaded_by_name',
      eb.fn.coalesce('v.uploaded_at', 'd.created_at').as('uploaded_at'),
    ]);

type DocumentRow = Awaited<ReturnType<ReturnType<typeof documents>['executeTakeFirstOrThrow']>>;

const iso = (value: string | Date) => new Date(value).toISOString();
export const contentUrlOf = (id: string) => `/api/v1/documents/${id}/content`;

function view(row: DocumentRow): DocumentView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    contentType: row.content_type,
    size: row.size === null ? null : Number(row.size),
    sha256: row.sha256,
    latestVersion: row.latest_version,
    isInline: row.is_inline,
    contentId: row.content_id,
    cloudUrl: row.cloud_url,
    mailId: row.mail_id,
    activityId: row.activity_id,
    uploadedBy: row.uploaded_by,
    uploadedByName: row.uploaded_by_name,
    uploadedAt: iso(row.uploaded_at ?? row.created_at),
    createdAt: iso(row.created_at),
    version: row.version,
    contentUrl: row.kind === 'file' ? contentUrlOf(row.id) : null,
  };
}

/**
 * A file name as it can be stored and sent back in Content-Disposition: no directory part, no
 * control characters, at most 255 characters (the extension kept).
 */
export function cleanFileName(raw: string, fallback = 'Dokument'): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const cleaned = (raw.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').replace(/\s+/g, ' ');
  const name = cleaned.trim().replace(/^\.+$/, '');
  if (name === '') return fallback;
  if (name.length <= 255) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return name.slice(0, 255 - extension.length) + extension;
}

function documentRow(em: EntityManager, id: string, withTrashed = false): Promise<DocumentRow | undefined> {
  return documents(em)
    .where('d.id', '=', id)
    .$if(!withTrashed, (q) => q.where('d.deleted_at', 'is', null))
    .executeTakeFirst();
}

const missing = (id: string) => problem('not_found_maybe_trashed', { noSuch: noSuch('document'), id });

/**
 * A document may be seen by whoever may see one of the records it is on; documents of a filed
 * mail are seen with the mail.
 */
async function requireVisibleDocument(
  em: EntityManager,
  principal: Principal,
  id: string,
  withTrashed = false,
): Promise<{ row: DocumentRow; links: RecordRef[] }> {
  const row = await documentRow(em, id, withTrashed);
  if (!row) throw missing(id);
  const links = (await linksOf(em, DOCUMENT, [id])).get(id) ?? [];
  if (row.mail_id || links.some((link) => link.type === 'mail')) return { row, links };
  const visible = await visibleRecords(em, principal, links);
  if (visible.size === 0) throw missing(id);
  return { row, links };
}

// ---- writing --------------------------------------------------------------------------------

export interface NewFile {
  name: string;
  declaredType: string | null | undefined;
  bytes: Buffer;
}

/** Stores one version's bytes after the file policy has let them through. */
async function storeVersion(
  em: EntityManager,
  principal: Principal,
  store: BlobStore,
  documentId: string,
  number: number,
  file: NewFile,
  pointer: string,
  checked?: InspectedFile,
): Promise<{ sha256: string; size: number; contentType: string }> {
  const inspected =
    checked ?? (await inspectFile(file.bytes, { name: file.name, declaredType: file.declaredType }, pointer));
  const blob = await store.put({ em, tenantId: principal.tenantId }, file.bytes);
  await documentDb(em)
    .insertInto('document_version')
    .values({
      tenant_id: currentTenantId,
      document_id: documentId,
      number,
      sha256: blob.sha256,
      size: BigInt(blob.size),
      content_type: inspected.contentType,
      declared_type: inspected.declaredType,
      uploaded_by: principal.userId ?? null,
    })
    .execute();
  return { sha256: blob.sha256, size: blob.size, contentType: inspected.contentType };
}

type NewDocument = Omit<Insertable<Database['document']>, 'tenant_id' | 'created_by' | 'updated_by' | 'version'>;

async function insertDocument(em: EntityManager, principal: Principal, document: NewDocument): Promise<void> {
  await db(em)
    .insertInto('document')
    .values({
      ...document,
      tenant_id: currentTenantId,
      created_by: principal.userId ?? null,
      updated_by: principal.userId ?? null,
    })
    .execute();
}

export type UploadOutcome = 'document' | 'version' | 'unchanged';

/**
 * Uploads a file to a record. A file of the same name (case-insensitive) already on the record
 * gets a new version; the very same bytes again change nothing.
 */
export async function uploadDocument(
  em: EntityManager,
  principal: Principal,
  store: BlobStore,
  record: RecordRef,
  file: NewFile,
): Promise<{ document: DocumentDetail; outcome: UploadOutcome }> {
  await requireVisibleRecord(em, principal, record);
  const { id, outcome } = await putFile(em, principal, store, [record], file, '#/file');
  return { document: await getDocument(em, principal, id), outcome };
}

/** Each record's history tells of a document (version) put on it. */
function recordDocumentOn(
  em: EntityManager,
  principal: Principal,
  records: readonly RecordRef[],
  document: { id: string; name: string; version: number },
): void {
  recordPutOn(em, principal, records, 'documents', document);
}

/** Where a file put on records came from, when not from an upload. */
export interface FileOrigin {
  /** The meeting (activity) whose Outlook attachment the file is. */
  activityId?: string | undefined;
}

/**
 * Puts a file on records by the upload rules: a document of the same name (case-insensitive) on one
 * of them gets a new version (the very same bytes change nothing) and is put on the others too;
 * otherwise a new document on all of them. The file policy is applied before anything is written,
 * so a refused file leaves nothing behind. The caller checks the records may be written.
 */
export async function putFile(
  em: EntityManager,
  principal: Principal,
  store: BlobStore,
  records: readonly RecordRef[],
  file: NewFile,
  pointer: string,
  origin: FileOrigin = {},
): Promise<{ id: string; outcome: UploadOutcome }> {
  const name = cleanFileName(file.name);
  const inspected = await inspectFile(file.bytes, { name, declaredType: file.declaredType }, pointer);
  // Two uploads of a new name at once would both create a document: one at a time per record and name.
  const keys = records.map((record) => `document:${record.type}:${record.id}:${name.toLowerCase()}`).sort();
  for (const key of keys) await lockTransactionOn(em, key);
  const existing = await documentDb(em)
    .selectFrom('record_link as l')
    .innerJoin('document as d', 'd.id', 'l.item_id')
    .leftJoin('document_version as v', (join) =>
      join.onRef('v.document_id', '=', 'd.id').onRef('v.number', '=', 'd.latest_version'),
    )
    .select(['d.id', 'd.latest_version', 'v.sha256'])
    .where('l.tenant_id', '=', currentTenantId)
    .where('l.item_type', '=', DOCUMENT)
    .where((eb) =>
      eb(
        eb.refTuple('l.record_type', 'l.record_id'),
        'in',
        records.map((record) => eb.tuple(record.type, record.id)),
      ),
    )
    .where('d.deleted_at', 'is', null)
    .where('d.kind', '=', 'file')
    .where('d.mail_id', 'is', null)
    .where((eb) => eb(eb.fn('lower', ['d.name']), '=', eb.fn('lower', [eb.val(name)])))
    .orderBy('d.id')
    .limit(1)
    .forUpdate(['d'])
    .executeTakeFirst();
  const upload = { ...file, name };
  if (existing) {
    const current = (await linksOf(em, DOCUMENT, [existing.id])).get(existing.id) ?? [];
    const missing = records.filter(
      (record) => !current.some((link) => link.type === record.type && link.id === record.id),
    );
    await addLinks(em, { type: DOCUMENT, id: existing.id }, missing);
    if (existing.sha256 === sha256Of(file.bytes)) {
      await em.flush();
      return { id: existing.id, outcome: 'unchanged' };
    }
    const number = existing.latest_version + 1;
    const stored = await storeVersion(em, principal, store, existing.id, number, upload, pointer, inspected);
    await db(em)
      .updateTable('document')
      .set((eb) => ({
        latest_version: number,
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
        updated_by: principal.userId ?? null,
      }))
      .where('id', '=', existing.id)
      .execute();
    recordHistory(em, principal, {
      type: DOCUMENT,
      id: existing.id,
      action: 'update',
      before: { latestVersion: existing.latest_version, sha256: existing.sha256 },
      after: { latestVersion: number, sha256: stored.sha256 },
    });
    recordDocumentOn(em, principal, records, { id: existing.id, name, version: number });
    await em.flush();
    return { id: existing.id, outcome: 'version' };
  }
  const id = newId();
  await insertDocument(em, principal, { id, name, latest_version: 1, activity_id: origin.activityId ?? null });
  const stored = await storeVersion(em, principal, store, id, 1, upload, pointer, inspected);
  await addLinks(em, { type: DOCUMENT, id }, records);
  recordHistory(em, principal, {
    type: DOCUMENT,
    id,
    action: 'create',
    after: {
      name,
      latestVersion: 1,
      sha256: stored.sha256,
      size: stored.size,
      contentType: stored.contentType,
      ...(origin.activityId ? { activityId: origin.activityId } : {}),
    },
  });
  recordDocumentOn(em, principal, records, { id, name, version: 1 });
  await em.flush();
  return { id, outcome: 'document' };
}

export interface MailAttachmentInput {
  name: string;
  declaredType: string | null;
  isInline: boolean;
  contentId: string | null;
  /** The bytes, or a link for a cloud attachment. */
  content: { bytes: Buffer } | { cloudUrl: string };
  /** JSON pointer of the attachment in the filing request, for problems. */
  pointer: string;
}

/**
 * Keeps the attachments of a newly filed mail as its documents, linked to the mail and (all but
 * inline images, which are part of the body) to the records the mail is filed to. The caller
 * flushes the history.
 */
export async function storeMailAttachments(
  em: EntityManager,
  principal: Principal,
  store: BlobStore,
  mailId: string,
  attachments: readonly MailAttachmentInput[],
  records: readonly RecordRef[],
): Promise<void> {
  for (const attachment of attachments) {
    const id = newId();
    const name = cleanFileName(attachment.name, 'Anhang');
    const cloudUrl = 'cloudUrl' in attachment.content ? attachment.content.cloudUrl : null;
    await insertDocument(em, principal, {
      id,
      name,
      kind: cloudUrl ? 'cloud' : 'file',
      cloud_url: cloudUrl,
      mail_id: mailId,
      is_inline: attachment.isInline,
      content_id: attachment.contentId,
      latest_version: cloudUrl ? 0 : 1,
    });
    const stored =
      'bytes' in attachment.content
        ? await storeVersion(
            em,
            principal,
            store,
            id,
            1,
            { name, declaredType: attachment.declaredType, bytes: attachment.content.bytes },
            attachment.pointer,
          )
        : null;
    await addLinks(em, { type: DOCUMENT, id }, [{ type: 'mail', id: mailId }, ...(attachment.isInline ? [] : records)]);
    recordHistory(em, principal, {
      type: DOCUMENT,
      id,
      action: 'create',
      after: { name, mailId, latestVersion: stored ? 1 : 0, sha256: stored?.sha256 ?? null, cloudUrl },
    });
  }
}

/** Puts a filed mail's (non-inline) documents on further records, or takes them off. */
export async function linkMailDocuments(
  em: EntityManager,
  mailId: string,
  records: readonly RecordRef[],
  linked: boolean,
): Promise<void> {
  if (records.length === 0) return;
  if (linked) {
    const types = textArray(records.map((record) => record.type));
    const ids = uuidArray(records.map((record) => record.id));
    await db(em)
      .insertInto('record_link')
      .columns(['tenant_id', 'item_type', 'item_id', 'record_type', 'record_id'])
      .expression((eb) =>
        eb
          .selectFrom('document as d')
          // Two unnests in the select list run in step: every document with every record.
          .select((inner) => [
            currentTenantId.as('tenant_id'),
            inner.val(DOCUMENT).as('item_type'),
            'd.id as item_id',
            inner.fn<string>('unnest', [types]).as('record_type'),
            inner.fn<string>('unnest', [ids]).as('record_id'),
          ])
          .where('d.tenant_id', '=', currentTenantId)
          .where('d.mail_id', '=', mailId)
          .where('d.is_inline', '=', false),
      )
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  } else {
    await db(em)
      .deleteFrom('record_link')
      .where('item_type', '=', DOCUMENT)
      .where('item_id', 'in', (eb) =>
        eb
          .selectFrom('document as d')
          .select('d.id')
          .where('d.tenant_id', '=', currentTenantId)
          .where('d.mail_id', '=', mailId),
      )
      .where((eb) =>
        eb(
          eb.refTuple('record_type', 'record_id'),
          'in',
          records.map((record) => eb.tuple(record.type, record.id)),
        ),
      )
      .execute();
  }
}

/** The documents of many mails at once, by mail id, attachments in the order they came. */
export async function documentsOfMails(
  em: EntityManager,
  mailIds: readonly string[],
): Promise<Map<string, DocumentView[]>> {
  const result = new Map<string, DocumentView[]>(mailIds.map((id) => [id, []]));
  if (mailIds.length === 0) return result;
  const rows = await documents(em)
    .where('d.tenant_id', '=', currentTenantId)
    .where((eb) => eb('d.mail_id', '=', eb.fn.any(uuidArray(mailIds))))
    .where('d.deleted_at', 'is', null)
    .orderBy('d.id')
    .execute();
  for (const row of rows) result.get(row.mail_id as string)?.push(view(row));
  return result;
}

// ---- reading --------------------------------------------------------------------------------

export async function getDocument(em: EntityManager, principal: Principal, id: string): Promise<DocumentDetail> {
  const { row, links } = await requireVisibleDocument(em, principal, id);
  const versions = await documentDb(em)
    .selectFrom('document_version as v')
    .leftJoin('app_user as u', 'u.id', 'v.uploaded_by')
    .select([
      'v.number',
      'v.sha256',
      'v.size',
      'v.content_type',
      'v.uploaded_by',
      'u.display_name as uploaded_by_name',
      'v.uploaded_at',
    ])
    .where('v.document_id', '=', id)
    .orderBy('v.number', 'desc')
    .execute();
  return {
    ...view(row),
    versions: versions.map((version) => ({
      number: version.number,
      sha256: version.sha256,
      size: Number(version.size),
      contentType: version.content_type,
      uploadedBy: version.uploaded_by,
      uploadedByName: version.uploaded_by_name,
      uploadedAt: iso(version.uploaded_at),
      contentUrl: `/api/v1/documents/${id}/versions/${version.number}/content`,
    })),
    links: await withTitles(
      em,
      links.filter((link) => link.type !== 'mail'),
    ),
  };
}

/** A record's documents, newest first (document ids are time-ordered), read along the link index. */
export async function listDocuments(
  em: EntityManager,
  principal: Principal,
  record: RecordRef,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ items: DocumentView[]; nextCursor: string | null }> {
  await requireVisibleRecord(em, principal, record);
  const after = decodeCursor(options.cursor, 1) as [string] | undefined;
  const rows = await documentsOn(em, record, options.limit + 1, after?.[0]);
  const items = rows.slice(0, options.limit).map(view);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > options.limit && last ? encodeCursor([last.id]) : null };
}

/** The documents on a record, newest first, read along the link index. */
const documentsLinkedTo = (em: EntityManager, record: RecordRef) =>
  documents(em)
    .innerJoin('record_link as l', 'l.item_id', 'd.id')
    .where('l.tenant_id', '=', currentTenantId)
    .where('l.record_type', '=', record.type)
    .where('l.record_id', '=', record.id)
    .where('l.item_type', '=', DOCUMENT)
    .where('d.deleted_at', 'is', null)
    .orderBy('l.item_id', 'desc');

function documentsOn(em: EntityManager, record: RecordRef, limit: number, before?: string): Promise<DocumentRow[]> {
  return documentsLinkedTo(em, record)
    .$if(before !== undefined, (q) => q.where('l.item_id', '<', before as string))
    .limit(limit)
    .execute();
}

export interface DocumentContent {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  /** Opens the bytes; called only when the client does not have them already. */
  open(): Promise<Readable>;
}

/** The bytes of a version (the newest when `number` is undefined), with what a download needs. */
export async function documentContent(
  em: EntityManager,
  principal: Principal,
  store: BlobStore,
  id: string,
  number?: number,
): Promise<DocumentContent> {
  const { row } = await requireVisibleDocument(em, principal, id);
  if (row.kind === 'cloud') {
    throw problem(
      'cloud_document',
      { name: row.name, url: row.cloud_url ?? '' },
      { extensions: { cloudUrl: row.cloud_url } },
    );
  }
  const version = await documentDb(em)
    .selectFrom('document_version')
    .select(['sha256', 'size', 'content_type'])
    .where('document_id', '=', id)
    .where('number', '=', number ?? row.latest_version)
    .executeTakeFirst();
  if (!version) {
    throw problem('no_such_document_version', { name: row.name, number: number ?? '', latest: row.latest_version });
  }
  return {
    name: row.name,
    contentType: version.content_type,
    size: Number(version.size),
    sha256: version.sha256,
    async open() {
      const blob = await store.get({ em, tenantId: principal.tenantId }, version.sha256);
      if (!blob) throw new Error(`blob ${version.sha256} of document ${id} is missing`);
      return blob.stream;
    },
  };
}

// ---- trash ----------------------------------------------------------------------------------

function requireMayChange(principal: Principal, row: DocumentRow): void {
  if (principal.roles.has('admin') || principal.roles.has('sales_manager')) return;
  if (principal.userId && row.created_by === principal.userId) return;
  throw problem('only_adder_or_manager', {
    did: { en: 'added', de: 'hinzugefügt' },
    thing: { en: 'document', de: 'das Dokument' },
    action: { en: 'move it to the trash', de: 'es in den Papierkorb verschieben' },
  });
}

export async function trashDocument(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const { row, links } = await requireVisibleDocument(em, principal, id);
  requireMayChange(principal, row);
  checkVersion(row, expectedVersion, named('document', row.name));
  await db(em)
    .updateTable('document')
    .set((eb) => ({
      deleted_at: sql<Date>`now()`,
      deleted_by: principal.userId ?? null,
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', id)
    .execute();
  recordHistory(em, principal, { type: DOCUMENT, id, action: 'delete', before: { name: row.name } });
  for (const link of links.filter((link) => link.type !== 'mail')) {
    recordHistory(em, principal, {
      type: link.type,
      id: link.id,
      action: 'update',
      before: { documents: { id, name: row.name } },
      after: { documents: null },
    });
  }
  await em.flush();
}

export async function restoreDocument(em: EntityManager, principal: Principal, id: string): Promise<DocumentDetail> {
  const { row } = await requireVisibleDocument(em, principal, id, true);
  if (!row.deleted_at) throw problem('not_in_trash', { noSuch: noSuch('document'), id });
  requireMayChange(principal, row);
  await db(em)
    .updateTable('document')
    .set((eb) => ({ deleted_at: null, deleted_by: null, version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
    .where('id', '=', id)
    .execute();
  recordHistory(em, principal, { type: DOCUMENT, id, action: 'restore', after: { name: row.name } });
  await em.flush();
  return getDocument(em, principal, id);
}

/** Deletes a trashed document for good, with the bytes no other document shares (admins only). */
export async function purgeDocument(
  em: EntityManager,
  principal: Principal,
  store: BlobStore,
  id: string,
): Promise<void> {
  if (!principal.roles.has('admin'))
    throw problem('admin_empties_trash', { things: { en: 'documents', de: 'Dokumente' } });
  const row = await db(em)
    .selectFrom('document')
    .select('id')
    .where('id', '=', id)
    .where('deleted_at', 'is not', null)
    .executeTakeFirst();
  if (!row) throw problem('not_in_trash', { noSuch: noSuch('document'), id });
  await deleteDocuments(em, store, principal.tenantId, [id]);
}

/** Deletes documents for good, off every record, with the bytes no other document shares. */
export async function deleteDocuments(
  em: EntityManager,
  store: BlobStore,
  tenantId: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  const hashes = await documentDb(em)
    .selectFrom('document_version')
    .select('sha256')
    .distinct()
    .where((eb) => eb('document_id', '=', eb.fn.any(uuidArray(ids))))
    .execute();
  await db(em)
    .deleteFrom('record_link')
    .where('item_type', '=', DOCUMENT)
    .where((eb) => eb('item_id', '=', eb.fn.any(uuidArray(ids))))
    .execute();
  await db(em)
    .deleteFrom('document')
    .where((eb) => eb('id', '=', eb.fn.any(uuidArray(ids))))
    .execute();
  const stillUsed =
    hashes.length === 0
      ? []
      : await documentDb(em)
          .selectFrom('document_version')
          .select('sha256')
          .where('tenant_id', '=', currentTenantId)
          .where((eb) => eb('sha256', '=', eb.fn.any(textArray(hashes.map((hash) => hash.sha256)))))
          .execute();
  const used = new Set(stillUsed.map((version) => version.sha256));
  await store.remove(
    { em, tenantId },
    hashes.map((hash) => hash.sha256).filter((sha256) => !used.has(sha256)),
  );
}

export interface TrashedDocument {
  id: string;
  name: string;
  deletedAt: string;
  deletedBy: string | null;
}

export async function listTrashedDocuments(
  em: EntityManager,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ items: TrashedDocument[]; nextCursor: string | null }> {
  const after = decodeCursor(options.cursor, 2) as [string, string] | undefined;
  const rows = await db(em)
    .selectFrom('document')
    .select(['id', 'name', 'deleted_at', 'deleted_by'])
    .where('tenant_id', '=', currentTenantId)
    .where('deleted_at', 'is not', null)
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple('deleted_at', 'id'),
          '<',
          eb.tuple(sql<Date>`${after?.[0]}::timestamptz`, sql<string>`${after?.[1]}::uuid`),
        ),
      ),
    )
    .orderBy('deleted_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit).map((row) => ({
    id: row.id,
    name: row.name,
    deletedAt: iso(row.deleted_at as Date),
    deletedBy: row.deleted_by,
  }));
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > options.limit && last ? encodeCursor([last.deletedAt, last.id]) : null,
  };
}

/** 404 unless the document exists (in the trash or not): its history is there to be read. */
export async function requireDocumentForHistory(em: EntityManager, principal: Principal, id: string): Promise<void> {
  await requireVisibleDocument(em, principal, id, true);
}

// One query: the window counts every matching row before the limit cuts the newest five.
export const documentsOverview: OverviewSection = async (em, _principal, record) => {
  const rows = await documentsLinkedTo(em, record)
    .select(sql<number>`count(*) over ()::int`.as('total'))
    .limit(5)
    .execute();
  return { count: rows[0]?.total ?? 0, newest: rows.map(view) };
};
