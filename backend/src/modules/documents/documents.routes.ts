import type { RouterContext } from '@koa/router';
import { z } from 'zod';
import { formatBytes } from '../../http/errors.ts';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { decodeCursor, encodeCursor, PageQuerySchema } from '../../http/pagination.ts';
import { emOf, principalOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { historyOf } from '../../records/history.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import {
  BinarySchema,
  ContentQuerySchema,
  DocumentDetailSchema,
  DocumentHistoryPageSchema,
  DocumentsPageSchema,
  TrashedDocumentsPageSchema,
  UploadFormSchema,
} from './documents.schemas.ts';
import {
  DOCUMENT,
  type DocumentContent,
  documentContent,
  getDocument,
  listDocuments,
  listTrashedDocuments,
  purgeDocument,
  requireDocumentForHistory,
  restoreDocument,
  trashDocument,
  uploadDocument,
} from './documents.service.ts';
import { recordParamsSchema } from './record-access.ts';
import { readUpload, type UploadedFile } from './upload.ts';

export interface DocumentsOptions {
  store: BlobStore;
  /** Largest document, in bytes. */
  maxBytes: number;
}

/** Types a browser may show in place: images and PDFs. Anything else is only ever downloaded. */
const SHOWN_INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'application/pdf']);

const GERMAN_LETTERS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss' };

/** The plain-ASCII file name for clients that do not read filename* (RFC 6266). */
export function asciiFileName(name: string): string {
  return name
    .replace(/[äöüÄÖÜß]/g, (letter) => GERMAN_LETTERS[letter] ?? letter)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_');
}

/** Answers with a document's bytes: type as sniffed, never sniffed again by the browser, named for saving. */
async function sendContent(ctx: RouterContext, content: DocumentContent, disposition: 'attachment' | 'inline') {
  ctx.status = 200;
  ctx.set('Content-Type', content.contentType);
  ctx.attachment(content.name, {
    type: disposition === 'inline' && SHOWN_INLINE.has(content.contentType) ? 'inline' : 'attachment',
    fallback: asciiFileName(content.name),
  });
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
  ctx.set('Cache-Control', 'private, no-cache');
  ctx.set('ETag', `"${content.sha256}"`);
  ctx.set('Repr-Digest', `sha-256=:${Buffer.from(content.sha256, 'hex').toString('base64')}:`);
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.length = content.size;
  ctx.body = await content.open();
}

const binaryResponse = (description: string) => ({
  description,
  headers: z.object({
    'Content-Disposition': z.string().meta({ description: 'attachment; filename="…"; filename*=UTF-8\'\'…' }),
    'X-Content-Type-Options': z.literal('nosniff'),
    ETag: z.string().meta({ description: 'The SHA-256 of the bytes, quoted' }),
  }),
  content: { '*/*': { schema: BinarySchema } },
});

export function documentsRoutes(options: DocumentsOptions): RouteSpec[] {
  const uploads = new WeakMap<RouterContext, UploadedFile>();
  const recordParams = recordParamsSchema();
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/records/{type}/{id}/documents',
      operationId: 'uploadDocument',
      summary: 'Upload a document to a record; a name already there gets a new version, nothing is replaced',
      description: `multipart/form-data with the file in a part named "file", at most ${formatBytes(options.maxBytes)} (DOCUMENT_MAX_BYTES). The MIME type is sniffed from the bytes; programs and scripts are refused (415), a file whose bytes contradict its declared type too (422).`,
      tags: ['Documents'],
      params: recordParams,
      requestBody: { required: true, content: { 'multipart/form-data': { schema: UploadFormSchema } } },
      async readBody(ctx) {
        uploads.set(ctx, await readUpload(ctx, options.maxBytes));
      },
      responses: {
        201: jsonResponse(DocumentDetailSchema, 'A new document, or a new version of the one with this name'),
        200: jsonResponse(DocumentDetailSchema, 'The newest version has these very bytes already: nothing changed'),
        404: { description: 'No such record' },
        413: { description: `File larger than DOCUMENT_MAX_BYTES (${formatBytes(options.maxBytes)})` },
        415: { description: 'Not multipart/form-data, or a program or script' },
        422: { description: 'Empty, or the bytes contradict the declared type' },
      },
      async handler(ctx, { params }) {
        const principal = requireUser(ctx);
        const file = uploads.get(ctx) as UploadedFile;
        const { document, outcome } = await uploadDocument(emOf(ctx), principal, options.store, params, file);
        ctx.status = outcome === 'unchanged' ? 200 : 201;
        ctx.set('Location', `/api/v1/documents/${document.id}`);
        setVersionTag(ctx, document.version);
        ctx.body = document;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/records/{type}/{id}/documents',
      operationId: 'listDocuments',
      summary: "A record's documents, newest first (mail attachments included, inline images not)",
      tags: ['Documents'],
      params: recordParams,
      query: PageQuerySchema,
      responses: {
        200: jsonResponse(DocumentsPageSchema, 'A page of documents'),
        404: { description: 'No such record' },
      },
      async handler(ctx, { params, query }) {
        ctx.body = await listDocuments(emOf(ctx), principalOf(ctx), params, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/documents/{id}',
      operationId: 'getDocument',
      summary: 'A document with all its versions (newest first) and the records it is on',
      tags: ['Documents'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(DocumentDetailSchema, 'The document'), 404: { description: 'Not found' } },
      async handler(ctx, { params }) {
        const document = await getDocument(emOf(ctx), principalOf(ctx), params.id);
        setVersionTag(ctx, document.version);
        ctx.body = document;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/documents/{id}/content',
      operationId: 'downloadDocument',
      summary: "Download the newest version's bytes",
      tags: ['Documents'],
      params: IdParamsSchema,
      query: ContentQuerySchema,
      responses: {
        200: binaryResponse('The bytes'),
        304: { description: 'Unchanged since the ETag sent in If-None-Match' },
        404: { description: 'Not found' },
        409: { description: 'A cloud document: open its cloudUrl' },
      },
      async handler(ctx, { params, query }) {
        const content = await documentContent(emOf(ctx), principalOf(ctx), options.store, params.id);
        await sendContent(ctx, content, query.disposition);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/documents/{id}/versions/{number}/content',
      operationId: 'downloadDocumentVersion',
      summary: "Download an older version's bytes",
      tags: ['Documents'],
      params: IdParamsSchema.extend({ number: z.coerce.number().int().min(1).max(1_000_000) }),
      query: ContentQuerySchema,
      responses: {
        200: binaryResponse('The bytes'),
        304: { description: 'Unchanged since the ETag sent in If-None-Match' },
        404: { description: 'No such document or version' },
      },
      async handler(ctx, { params, query }) {
        const content = await documentContent(emOf(ctx), principalOf(ctx), options.store, params.id, params.number);
        await sendContent(ctx, content, query.disposition);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/documents/{id}/history',
      operationId: 'getDocumentHistory',
      summary: 'Every change of a document (versions, trash, restore), newest first',
      tags: ['Documents'],
      params: IdParamsSchema,
      query: PageQuerySchema,
      responses: {
        200: jsonResponse(DocumentHistoryPageSchema, 'A page of changes'),
        404: { description: 'Not found' },
      },
      async handler(ctx, { params, query }) {
        await requireDocumentForHistory(emOf(ctx), principalOf(ctx), params.id);
        const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
        const items = await historyOf(emOf(ctx), DOCUMENT, params.id, { limit: query.limit + 1, before });
        const shown = items.slice(0, query.limit);
        const last = shown.at(-1);
        ctx.body = {
          items: shown,
          nextCursor: items.length > query.limit && last ? encodeCursor([last.changedAt, last.id]) : null,
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/documents/{id}',
      operationId: 'deleteDocument',
      summary: 'Move a document to the trash (whoever added it, sales managers, admins); If-Match with its ETag',
      tags: ['Documents'],
      params: IdParamsSchema,
      responses: {
        204: { description: 'In the trash' },
        403: { description: 'Not yours to delete' },
        404: { description: 'Not found' },
        412: { description: 'Changed meanwhile' },
      },
      async handler(ctx, { params }) {
        await trashDocument(emOf(ctx), requireUser(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/documents/{id}/restore',
      operationId: 'restoreDocument',
      summary: 'Bring a document back from the trash',
      tags: ['Documents'],
      params: IdParamsSchema,
      responses: {
        200: jsonResponse(DocumentDetailSchema, 'The restored document'),
        403: { description: 'Not yours to restore' },
        404: { description: 'Not in the trash' },
      },
      async handler(ctx, { params }) {
        const document = await restoreDocument(emOf(ctx), requireUser(ctx), params.id);
        setVersionTag(ctx, document.version);
        ctx.body = document;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/trash/documents',
      operationId: 'listTrashedDocuments',
      summary: 'Documents in the trash, most recently deleted first',
      tags: ['Trash'],
      query: PageQuerySchema,
      responses: { 200: jsonResponse(TrashedDocumentsPageSchema, 'A page of the trash') },
      async handler(ctx, { query }) {
        ctx.body = await listTrashedDocuments(emOf(ctx), query);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/trash/documents/{id}',
      operationId: 'purgeDocument',
      summary: 'Delete a document in the trash for good, with bytes no other document shares (admin)',
      tags: ['Trash'],
      params: IdParamsSchema,
      responses: {
        204: { description: 'Gone' },
        403: { description: 'Admins only' },
        404: { description: 'Not in the trash' },
      },
      async handler(ctx, { params }) {
        await purgeDocument(emOf(ctx), principalOf(ctx), options.store, params.id);
        ctx.status = 204;
      },
    }),
  ];
}
