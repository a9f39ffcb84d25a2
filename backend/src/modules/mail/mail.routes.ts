import { z } from 'zod';
import { formatBytes } from '../../http/errors.ts';
import { PageQuerySchema } from '../../http/pagination.ts';
import { emOf, principalOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { recordParamsSchema, requireVisibleRecord } from '../documents/record-access.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import {
  DraftLinksInputSchema,
  DraftLinksSchema,
  FiledMailSchema,
  FileMailSchema,
  MailFilingsSchema,
  MailsPageSchema,
  MailViewSchema,
  RecordReferenceSchema,
  TrackingParamsSchema,
  UnfiledMailSchema,
  UnfileMailSchema,
} from './mail.schemas.ts';
import {
  draftLinks,
  fileMail,
  filingsOf,
  getMail,
  linkDraft,
  listMails,
  MAIL_BODY_MAX_BYTES,
  type MailDeps,
  unfileMail,
} from './mail.service.ts';
import { referenceOf } from './references.service.ts';

export interface MailOptions extends MailDeps {
  /** Largest JSON body of a filing (MAIL_FILING_MAX_BYTES), for the description. */
  filingMaxBytes: number;
}

/** The path of the filing route, which takes larger JSON bodies than the rest (see app.ts). */
export const FILE_MAIL_PATH = '/api/v1/mails';

export function mailRoutes(options: MailOptions): RouteSpec[] {
  const recordParams = recordParamsSchema();
  return [
    defineRoute({
      method: 'post',
      path: FILE_MAIL_PATH,
      operationId: 'fileMail',
      summary: 'File a mail with its attachments to records; filing it again only adds links',
      description: `JSON with attachments base64-encoded in contentBase64 (the form office-js getAttachmentContentAsync gives), a cloud attachment as cloudUrl only. The whole body may be up to ${formatBytes(options.filingMaxBytes)} (MAIL_FILING_MAX_BYTES), each attachment up to ${formatBytes(options.documentMaxBytes)} decoded (DOCUMENT_MAX_BYTES), bodyHtml and bodyText up to ${formatBytes(MAIL_BODY_MAX_BYTES)} each; beyond, 413 says the limit and nothing is stored. Links come from links, from a CRM reference in the subject ([CRM-P-1234]) and from links remembered for the draft (internetHeaders x-crm-link, or the conversation). On a second filing the body and attachments are ignored and may be left out.`,
      tags: ['Mail'],
      body: FileMailSchema,
      responses: {
        201: jsonResponse(FiledMailSchema, 'Stored now, with its attachments as documents'),
        200: jsonResponse(FiledMailSchema, 'Filed already: links added (addedLinks), nothing else changed'),
        403: { description: 'Needs a signed-in user' },
        413: { description: 'Body, mail text or an attachment over its limit (the problem says which and how much)' },
        415: { description: 'Not JSON, or an attachment that is a program or script' },
        422: { description: 'A draft (no internetMessageId), no record to file to, an unknown record' },
      },
      async handler(ctx, { body }) {
        const filed = await fileMail(emOf(ctx), requireUser(ctx), options, body);
        ctx.status = filed.created ? 201 : 200;
        ctx.set('Location', `/api/v1/mails/${filed.id}`);
        ctx.body = filed;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/mails',
      operationId: 'findMailFilings',
      summary: 'Where the mail with this internet message id is filed (none: not filed)',
      tags: ['Mail'],
      query: z.object({ internetMessageId: z.string().trim().min(1, 'say which mail').max(998) }),
      responses: {
        200: jsonResponse(MailFilingsSchema, 'One item when filed, none otherwise'),
      },
      async handler(ctx, { query }) {
        ctx.body = { items: await filingsOf(emOf(ctx), query.internetMessageId) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/mails/{id}',
      operationId: 'getMail',
      summary: 'A filed mail: sanitized HTML, text, attachments as documents, the records it is on',
      tags: ['Mail'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(MailViewSchema, 'The mail'), 404: { description: 'Not found' } },
      async handler(ctx, { params }) {
        ctx.body = await getMail(emOf(ctx), principalOf(ctx), params.id);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/mails/{id}/links',
      operationId: 'unfileMail',
      summary: 'Unfile a mail from records (whoever filed it, sales managers, admins)',
      description: 'Its attachments leave those records too. A mail on no record any more goes to the trash.',
      tags: ['Mail'],
      params: IdParamsSchema,
      body: UnfileMailSchema,
      responses: {
        200: jsonResponse(UnfiledMailSchema, 'Where the mail is still filed'),
        403: { description: 'Not yours to unfile' },
        404: { description: 'Not found' },
      },
      async handler(ctx, { params, body }) {
        ctx.body = await unfileMail(emOf(ctx), requireUser(ctx), params.id, body.links);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/records/{type}/{id}/mails',
      operationId: 'listRecordMails',
      summary: "A record's filed mails, newest first",
      tags: ['Mail'],
      params: recordParams,
      query: PageQuerySchema,
      responses: {
        200: jsonResponse(MailsPageSchema, 'A page of mails'),
        404: { description: 'No such record' },
      },
      async handler(ctx, { params, query }) {
        ctx.body = await listMails(emOf(ctx), principalOf(ctx), params, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/records/{type}/{id}/reference',
      operationId: 'getRecordReference',
      summary: "The record's reference for mail subjects, e.g. [CRM-P-1234]; handed out on first request",
      description:
        'A number per organisation (the first request for a record takes the next one) after a letter for the kind of record: P person, O organization, B business contact, D deal, L lead. Mail filed with it in the subject is linked to the record.',
      tags: ['Mail'],
      params: recordParams,
      responses: { 200: jsonResponse(RecordReferenceSchema, 'The reference'), 404: { description: 'No such record' } },
      async handler(ctx, { params }) {
        await requireVisibleRecord(emOf(ctx), principalOf(ctx), params);
        ctx.body = { type: params.type, id: params.id, ...(await referenceOf(emOf(ctx), params)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/mail-links',
      operationId: 'linkDraft',
      summary: 'Remember the records a draft is linked to; the sent mail is filed to them',
      description:
        'Put trackingId into the draft as internet header x-crm-link (and a custom property). Sending the same trackingId again replaces the links. When the mail is filed (internetHeaders x-crm-link, or the conversation when the header was lost), these links are added; when internetMessageId names a mail filed already, they are added now.',
      tags: ['Mail'],
      body: DraftLinksInputSchema,
      responses: {
        201: jsonResponse(DraftLinksSchema, 'Remembered'),
        200: jsonResponse(DraftLinksSchema, 'Links of a known draft replaced'),
        422: { description: 'An unknown record' },
      },
      async handler(ctx, { body }) {
        const { pending, created } = await linkDraft(emOf(ctx), requireUser(ctx), body);
        ctx.status = created ? 201 : 200;
        ctx.body = pending;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/mail-links/{trackingId}',
      operationId: 'getDraftLinks',
      summary: 'The records a draft is linked to',
      tags: ['Mail'],
      params: TrackingParamsSchema,
      responses: { 200: jsonResponse(DraftLinksSchema, 'The links'), 404: { description: 'Nothing remembered' } },
      async handler(ctx, { params }) {
        ctx.body = await draftLinks(emOf(ctx), params.trackingId);
      },
    }),
  ];
}
