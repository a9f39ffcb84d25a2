import { z } from 'zod';
import { pageOf } from '../../http/pagination.ts';
import { RecordRefSchema } from '../activities/activities.schemas.ts';
import { DocumentSchema, LinkedRecordSchema } from '../documents/documents.schemas.ts';

/** A link to a record, as activities, notes and tasks take them. */
export const RecordLinkSchema = RecordRefSchema;

const AddressInputSchema = z
  .object({
    address: z
      .string()
      .trim()
      .min(1, 'an address is needed')
      .max(400)
      .meta({ description: 'anna@example.de, or "Anna Müller <ANNA@Example.de>" (split and lower-cased)' }),
    name: z.string().trim().max(300).nullish(),
  })
  .meta({ id: 'MailAddressInput' });

export const MailAddressSchema = z
  .object({ address: z.string(), name: z.string().nullable() })
  .meta({ id: 'MailAddress' });

const AttachmentInputSchema = z
  .object({
    name: z.string().max(1000),
    contentType: z.string().max(200).nullish(),
    size: z.number().int().min(0).nullish().meta({ description: 'As Outlook reports it; the decoded bytes count' }),
    isInline: z.boolean().default(false),
    contentId: z.string().max(500).nullish(),
    contentBase64: z.string().nullish().meta({ description: 'The bytes, base64 (getAttachmentContentAsync)' }),
    cloudUrl: z
      .url({ protocol: /^https$/, error: 'a cloud attachment needs its https URL' })
      .max(2000)
      .nullish()
      .meta({ description: 'For a cloud attachment: kept as a link, no bytes' }),
  })
  .refine(
    (attachment) => (attachment.contentBase64 != null) !== (attachment.cloudUrl != null),
    'send contentBase64 for a file, or cloudUrl for a cloud attachment (exactly one of them)',
  )
  .meta({ id: 'MailAttachmentInput' });

const DateTime = z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time such as 2026-11-24T09:30:00+01:00' });

export const FileMailSchema = z
  .object({
    internetMessageId: z
      .string()
      .max(998)
      .nullish()
      .meta({ description: 'Required; a draft has none (422 mail_not_sent)' }),
    conversationId: z.string().max(1000).nullish(),
    subject: z.string().max(2000).nullish(),
    from: AddressInputSchema,
    to: z.array(AddressInputSchema).max(500).default([]),
    cc: z.array(AddressInputSchema).max(500).default([]),
    sentAt: DateTime.nullish(),
    receivedAt: DateTime.nullish(),
    bodyHtml: z.string().nullish().meta({ description: 'Stored sanitized (allow-list), never raw' }),
    bodyText: z.string().nullish(),
    attachments: z.array(AttachmentInputSchema).max(100).default([]),
    links: z.array(RecordLinkSchema).max(50).default([]).meta({ description: 'The records to file the mail to' }),
    internetHeaders: z
      .record(z.string().max(100), z.string().max(1000))
      .optional()
      .meta({ description: 'x-crm-link: the tracking id a draft was linked under (POST /api/v1/mail-links)' }),
  })
  .meta({ id: 'FileMail' });

export const MailFilingSchema = z
  .object({
    id: z.uuid(),
    internetMessageId: z.string(),
    conversationId: z.string().nullable(),
    subject: z.string(),
    links: z.array(LinkedRecordSchema).meta({ description: 'Every record the mail is filed to' }),
    attachments: z.array(DocumentSchema).meta({ description: 'Its documents, inline images included' }),
  })
  .meta({ id: 'MailFiling' });

export const FiledMailSchema = MailFilingSchema.extend({
  created: z.boolean().meta({ description: 'true: stored now (201); false: it was filed already (200)' }),
  addedLinks: z.array(RecordLinkSchema).meta({ description: 'The links this request added' }),
}).meta({ id: 'FiledMail' });

export const MailViewSchema = MailFilingSchema.extend({
  from: MailAddressSchema,
  to: z.array(MailAddressSchema),
  cc: z.array(MailAddressSchema),
  bcc: z
    .array(MailAddressSchema)
    .optional()
    .meta({ description: 'Only for the one who filed the mail (for mail sent from the CRM: its sender)' }),
  sentAt: z.iso.datetime().nullable(),
  receivedAt: z.iso.datetime().nullable(),
  bodyHtml: z.string().nullable().meta({ description: 'Sanitized HTML; inline images as cid: (see attachments)' }),
  bodyText: z.string().nullable(),
  filedBy: z.uuid().nullable(),
  filedByName: z.string().nullable(),
  filedAt: z.iso.datetime(),
}).meta({ id: 'Mail' });

export const MailSummarySchema = z
  .object({
    id: z.uuid(),
    subject: z.string(),
    from: MailAddressSchema,
    sentAt: z.iso.datetime().nullable(),
    receivedAt: z.iso.datetime().nullable(),
    snippet: z.string(),
    attachmentCount: z.number().int(),
    filedAt: z.iso.datetime(),
  })
  .meta({ id: 'MailSummary' });

export const UnfileMailSchema = z
  .object({ links: z.array(RecordLinkSchema).min(1, 'name the records to unfile from').max(50) })
  .meta({ id: 'UnfileMail' });

export const UnfiledMailSchema = MailFilingSchema.extend({
  filed: z.boolean().meta({ description: 'false: on no record any more, so in the trash until filed again' }),
}).meta({ id: 'UnfiledMail' });

const TrackingId = z.string().regex(/^[A-Za-z0-9._:-]{8,200}$/, '8 to 200 letters, digits or . _ : - (a UUID does)');

export const DraftLinksInputSchema = z
  .object({
    trackingId: TrackingId.meta({ description: 'Put into the draft as internet header x-crm-link' }),
    conversationId: z.string().max(1000).nullish(),
    internetMessageId: z.string().max(998).nullish(),
    links: z.array(RecordLinkSchema).max(50),
  })
  .meta({ id: 'DraftLinksInput' });

export const DraftLinksSchema = z
  .object({
    trackingId: z.string(),
    conversationId: z.string().nullable(),
    internetMessageId: z.string().nullable(),
    links: z.array(RecordLinkSchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    appliedAt: z.iso.datetime().nullable().meta({ description: 'When a filed mail took the links' }),
    mailId: z.uuid().nullable(),
  })
  .meta({ id: 'DraftLinks' });

export const TrackingParamsSchema = z.object({ trackingId: TrackingId });

export const RecordReferenceSchema = z
  .object({
    type: z.string(),
    id: z.uuid(),
    reference: z.string().meta({ description: 'For the subject, e.g. [CRM-P-1234]' }),
    number: z.number().int(),
  })
  .meta({ id: 'RecordReference' });

export const MailFilingsSchema = z.object({ items: z.array(MailFilingSchema) }).meta({ id: 'MailFilings' });

export const MailsPageSchema = pageOf(MailSummarySchema, 'MailsPage');
