// Documents (F1) on any record: every upload of a name already on the record is a new version,
// nothing is replaced; bytes live in the blob store under their SHA-256. Mail attachments are
// documents of their mail. Documents reach records through record_link (item_type 'document').
import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import { forbidden, type Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory } from '../../records/history.ts';
import type { OverviewSection } from '../../records/overview.ts';
import { addLinks, linksOf, type RecordRef } from '../../records/record-links.ts';
import { pgArray } from '../../records/search-index.ts';
import { sqlIn } from '../../records/sql.ts';
import { type BlobStore, sha256Of } from '../../storage/blob-store.ts';
import { inspectFile } from './file-policy.ts';
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

interface DocumentRow {
  id: string;
  name: string;
  kind: 'file' | 'cloud';
  cloud_url: string | null;
  mail_id: string | null;
  is_inline: boolean;
  content_id: string | null;
  latest_version: number;
  version: number;
  created_at: string;
  created_by: string | null;
  deleted_at: string | null;
  sha256: string | null;
  size: string | number | null;
  content_type: string | null;
  uploaded_by: string | null;
  uploaded_by_name: string | null;
  uploaded_at: string | null;
}

const DOCUMENT_COLUMNS = `d.id, d.name, d.kind, d.cloud_url, d.mail_id, d.is_inline, d.content_id, d.latest_version,
  d.version, d.created_at, d.created_by, d.deleted_at, v.sha256, v.size, v.content_type,
  coalesce(v.uploaded_by, d.created_by) as uploaded_by, u.display_name as uploaded_by_name,
  coalesce(v.uploaded_at, d.created_at) as uploaded_at`;

const DOCUMENT_JOINS = `left join document_version v on v.document_id = d.id and v.number = d.latest_version
  left join app_user u on u.id = coalesce(v.uploaded_by, d.created_by)`;

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

async function documentRow(em: EntityManager, id: string, withTrashed = false): Promise<DocumentRow | undefined> {
  const [row] = await sqlIn<DocumentRow>(
    em,
    `select ${DOCUMENT_COLUMNS} from document d ${DOCUMENT_JOINS}
      where d.id = ? ${withTrashed ? '' : 'and d.deleted_at is null'}`,
    [id],
  );
  return row;
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
): Promise<{ sha256: string; size: number; contentType: string }> {
  const inspected = await inspectFile(file.bytes, { name: file.name, declaredType: file.declaredType }, pointer);
  const blob = await store.put({ em, tenantId: principal.tenantId }, file.bytes);
  await sqlIn(
    em,
    `insert into document_version (tenant_id, document_id, number, sha256, size, content_type, declared_type, uploaded_by)
     values (crm_current_tenant(), ?, ?, ?, ?, ?, ?, ?)`,
    [
      documentId,
      number,
      blob.sha256,
      blob.size,
      inspected.contentType,
      inspected.declaredType,
      principal.userId ?? null,
    ],
  );
  return { sha256: blob.sha256, size: blob.size, contentType: inspected.contentType };
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
  const name = cleanFileName(file.name);
  // Two uploads of a new name at once would both create a document: one at a time per name.
  await sqlIn(em, 'select pg_advisory_xact_lock(hashtextextended(?, 0))', [
    `document:${record.type}:${record.id}:${name.toLowerCase()}`,
  ]);
  const [existing] = await sqlIn<{ id: string; latest_version: number; sha256: string | null }>(
    em,
    `select d.id, d.latest_version, v.sha256
       from record_link l
       join document d on d.id = l.item_id
       left join document_version v on v.document_id = d.id and v.number = d.latest_version
      where l.tenant_id = crm_current_tenant() and l.record_type = ? and l.record_id = ? and l.item_type = 'document'
        and d.deleted_at is null and d.kind = 'file' and d.mail_id is null and lower(d.name) = lower(?)
      order by d.id
      limit 1
      for update of d`,
    [record.type, record.id, name],
  );
  const upload = { ...file, name };
  if (existing) {
    if (existing.sha256 === sha256Of(file.bytes)) {
      return { document: await getDocument(em, principal, existing.id), outcome: 'unchanged' };
    }
    const number = existing.latest_version + 1;
    const stored = await storeVersion(em, principal, store, existing.id, number, upload, '#/file');
    await sqlIn(
      em,
      `update document set latest_version = ?, version = version + 1, updated_at = now(), updated_by = ? where id = ?`,
      [number, principal.userId ?? null, existing.id],
    );
    recordHistory(em, principal, {
      type: DOCUMENT,
      id: existing.id,
      action: 'update',
      before: { latestVersion: existing.latest_version, sha256: existing.sha256 },
      after: { latestVersion: number, sha256: stored.sha256 },
    });
    recordHistory(em, principal, {
      type: record.type,
      id: record.id,
      action: 'update',
      before: { documents: null },
      after: { documents: { id: existing.id, name, version: number } },
    });
    await em.flush();
    return { document: await getDocument(em, principal, existing.id), outcome: 'version' };
  }
  const id = newId();
  await sqlIn(
    em,
    `insert into document (id, tenant_id, name, latest_version, created_by, updated_by)
     values (?, crm_current_tenant(), ?, 1, ?, ?)`,
    [id, name, principal.userId ?? null, principal.userId ?? null],
  );
  const stored = await storeVersion(em, principal, store, id, 1, upload, '#/file');
  await addLinks(em, { type: DOCUMENT, id }, [record]);
  recordHistory(em, principal, {
    type: DOCUMENT,
    id,
    action: 'create',
    after: { name, latestVersion: 1, sha256: stored.sha256, size: stored.size, contentType: stored.contentType },
  });
  recordHistory(em, principal, {
    type: record.type,
    id: record.id,
    action: 'update',
    before: { documents: null },
    after: { documents: { id, name, version: 1 } },
  });
  await em.flush();
  return { document: await getDocument(em, principal, id), outcome: 'document' };
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
    await sqlIn(
      em,
      `insert into document (id, tenant_id, name, kind, cloud_url, mail_id, is_inline, content_id, latest_version, created_by, updated_by)
       values (?, crm_current_tenant(), ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        name,
        cloudUrl ? 'cloud' : 'file',
        cloudUrl,
        mailId,
        attachment.isInline,
        attachment.contentId,
        cloudUrl ? 0 : 1,
        principal.userId ?? null,
        principal.userId ?? null,
      ],
    );
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
  const types = pgArray(records.map((record) => record.type));
  const ids = pgArray(records.map((record) => record.id));
  if (linked) {
    await sqlIn(
      em,
      `insert into record_link (tenant_id, item_type, item_id, record_type, record_id)
       select crm_current_tenant(), 'document', d.id, l.type, l.id
         from document d cross join unnest(?::text[], ?::uuid[]) as l(type, id)
        where d.tenant_id = crm_current_tenant() and d.mail_id = ? and not d.is_inline
       on conflict do nothing`,
      [types, ids, mailId],
    );
  } else {
    await sqlIn(
      em,
      `delete from record_link r using document d, unnest(?::text[], ?::uuid[]) as l(type, id)
        where d.tenant_id = crm_current_tenant() and d.mail_id = ? and r.item_type = 'document' and r.item_id = d.id
          and r.record_type = l.type and r.record_id = l.id`,
      [types, ids, mailId],
    );
  }
}

/** The documents of many mails at once, by mail id, attachments in the order they came. */
export async function documentsOfMails(
  em: EntityManager,
  mailIds: readonly string[],
): Promise<Map<string, DocumentView[]>> {
  const result = new Map<string, DocumentView[]>(mailIds.map((id) => [id, []]));
  if (mailIds.length === 0) return result;
  const rows = await sqlIn<DocumentRow>(
    em,
    `select ${DOCUMENT_COLUMNS} from document d ${DOCUMENT_JOINS}
      where d.tenant_id = crm_current_tenant() and d.mail_id = any(?::uuid[]) and d.deleted_at is null
      order by d.id`,
    [pgArray([...mailIds])],
  );
  for (const row of rows) result.get(row.mail_id as string)?.push(view(row));
  return result;
}

// ---- reading --------------------------------------------------------------------------------

export async function getDocument(em: EntityManager, principal: Principal, id: string): Promise<DocumentDetail> {
  const { row, links } = await requireVisibleDocument(em, principal, id);
  const versions = await sqlIn<{
    number: number;
    sha256: string;
    size: string | number;
    content_type: string;
    uploaded_by: string | null;
    uploaded_by_name: string | null;
    uploaded_at: string;
  }>(
    em,
    `select v.number, v.sha256, v.size, v.content_type, v.uploaded_by, u.display_name as uploaded_by_name, v.uploaded_at
       from document_version v left join app_user u on u.id = v.uploaded_by
      where v.document_id = ? order by v.number desc`,
    [id],
  );
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

function documentsOn(em: EntityManager, record: RecordRef, limit: number, before?: string): Promise<DocumentRow[]> {
  return sqlIn<DocumentRow>(
    em,
    `select ${DOCUMENT_COLUMNS}
       from record_link l
       join document d on d.id = l.item_id
       ${DOCUMENT_JOINS}
      where l.tenant_id = crm_current_tenant() and l.record_type = ? and l.record_id = ? and l.item_type = 'document'
        and d.deleted_at is null ${before ? 'and l.item_id < ?' : ''}
      order by l.item_id desc
      limit ?`,
    [record.type, record.id, ...(before ? [before] : []), limit],
  );
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
    throw new AppError({
      status: 409,
      code: 'cloud_document',
      title: 'This document is stored in the cloud',
      detail: `"${row.name}" is a link to a file elsewhere, not stored in the CRM; open ${row.cloud_url} instead.`,
      extensions: { cloudUrl: row.cloud_url },
    });
  }
  const [version] = await sqlIn<{ sha256: string; size: string | number; content_type: string }>(
    em,
    'select sha256, size, content_type from document_version where document_id = ? and number = ?',
    [id, number ?? row.latest_version],
  );
  if (!version) {
    throw notFound(`Document "${row.name}" has no version ${number}; it has versions 1 to ${row.latest_version}.`);
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
  throw forbidden('Only whoever added this document, a sales manager or an administrator can move it to the trash.');
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
  await sqlIn(
    em,
    'update document set deleted_at = now(), deleted_by = ?, version = version + 1, updated_at = now() where id = ?',
    [principal.userId ?? null, id],
  );
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
  if (!row.deleted_at) throw notFound(`Document ${id} is not in the trash.`);
  requireMayChange(principal, row);
  await sqlIn(
    em,
    'update document set deleted_at = null, deleted_by = null, version = version + 1, updated_at = now() where id = ?',
    [id],
  );
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
  const [row] = await sqlIn<{ id: string }>(em, 'select id from document where id = ? and deleted_at is not null', [
    id,
  ]);
  if (!row) throw problem('not_in_trash', { noSuch: noSuch('document'), id });
  const hashes = await sqlIn<{ sha256: string }>(
    em,
    'select distinct sha256 from document_version where document_id = ?',
    [id],
  );
  await sqlIn(em, "delete from record_link where item_type = 'document' and item_id = ?", [id]);
  await sqlIn(em, 'delete from document where id = ?', [id]);
  const orphans = await sqlIn<{ sha256: string }>(
    em,
    `select h.sha256 from unnest(?::text[]) as h(sha256)
      where not exists (select 1 from document_version v where v.tenant_id = crm_current_tenant() and v.sha256 = h.sha256)`,
    [pgArray(hashes.map((hash) => hash.sha256))],
  );
  await store.remove(
    { em, tenantId: principal.tenantId },
    orphans.map((orphan) => orphan.sha256),
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
  const rows = await sqlIn<{ id: string; name: string; deleted_at: string; deleted_by: string | null }>(
    em,
    `select id, name, deleted_at, deleted_by from document
      where tenant_id = crm_current_tenant() and deleted_at is not null
        ${after ? 'and (deleted_at, id) < (?::timestamptz, ?::uuid)' : ''}
      order by deleted_at desc, id desc
      limit ?`,
    [...(after ?? []), options.limit + 1],
  );
  const items = rows.slice(0, options.limit).map((row) => ({
    id: row.id,
    name: row.name,
    deletedAt: iso(row.deleted_at),
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
  const rows = await sqlIn<DocumentRow & { total: number }>(
    em,
    `select ${DOCUMENT_COLUMNS}, count(*) over ()::int as total
       from record_link l
       join document d on d.id = l.item_id
       ${DOCUMENT_JOINS}
      where l.tenant_id = crm_current_tenant() and l.record_type = ? and l.record_id = ? and l.item_type = 'document'
        and d.deleted_at is null
      order by l.item_id desc
      limit 5`,
    [record.type, record.id],
  );
  return { count: rows[0]?.total ?? 0, newest: rows.map(view) };
};
