import { z } from 'zod';
import { pageOf } from '../../http/pagination.ts';

export const LinkedRecordSchema = z
  .object({
    type: z.string().meta({ description: 'person, organization, business_contact, deal, lead' }),
    id: z.uuid(),
    title: z.string().nullable().meta({ description: 'The record as search names it' }),
  })
  .meta({ id: 'LinkedRecord' });

export const DocumentSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(['file', 'cloud']).meta({ description: 'file: stored here; cloud: a link to a file elsewhere' }),
    contentType: z.string().nullable().meta({ description: 'MIME type sniffed from the bytes' }),
    size: z.number().int().nullable().meta({ description: 'Bytes of the newest version' }),
    sha256: z.string().nullable().meta({ description: 'SHA-256 (hex) of the newest version' }),
    latestVersion: z.number().int().meta({ description: 'Number of the newest version; 0 for cloud documents' }),
    isInline: z.boolean().meta({ description: 'An image inside a mail body (cid:)' }),
    contentId: z.string().nullable().meta({ description: 'The cid an inline image is referred to by' }),
    cloudUrl: z.string().nullable(),
    mailId: z.uuid().nullable().meta({ description: 'The filed mail this document is an attachment of' }),
    activityId: z.uuid().nullable().meta({
      description: 'The meeting (an activity synced from Outlook) whose attachment this document first came as',
    }),
    uploadedBy: z.uuid().nullable(),
    uploadedByName: z.string().nullable(),
    uploadedAt: z.iso.datetime().meta({ description: 'When the newest version came' }),
    createdAt: z.iso.datetime(),
    version: z.number().int().meta({ description: 'Row version for If-Match (not a document version)' }),
    contentUrl: z.string().nullable().meta({ description: 'Download of the newest version' }),
  })
  .meta({ id: 'Document' });

export const DocumentVersionSchema = z
  .object({
    number: z.number().int(),
    sha256: z.string(),
    size: z.number().int(),
    contentType: z.string(),
    uploadedBy: z.uuid().nullable(),
    uploadedByName: z.string().nullable(),
    uploadedAt: z.iso.datetime(),
    contentUrl: z.string(),
  })
  .meta({ id: 'DocumentVersion' });

export const DocumentDetailSchema = DocumentSchema.extend({
  versions: z.array(DocumentVersionSchema).meta({ description: 'Newest first' }),
  links: z.array(LinkedRecordSchema).meta({ description: 'The records the document is on' }),
}).meta({ id: 'DocumentDetail' });

export const DocumentsPageSchema = pageOf(DocumentSchema, 'DocumentsPage');

export const TrashedDocumentSchema = z
  .object({ id: z.uuid(), name: z.string(), deletedAt: z.iso.datetime(), deletedBy: z.uuid().nullable() })
  .meta({ id: 'TrashedDocument' });

export const UploadFormSchema = z
  .object({
    file: z.string().meta({
      format: 'binary',
      description:
        "The file, with its name in the part's Content-Disposition (filename*=UTF-8''… for umlauts) and its type in the part's Content-Type",
    }),
  })
  .meta({ id: 'DocumentUpload' });

export const BinarySchema = z.string().meta({ format: 'binary' });

export const ContentQuerySchema = z.object({
  disposition: z
    .enum(['attachment', 'inline'])
    .default('attachment')
    .meta({ description: 'inline shows images and PDFs in the browser; everything else is always a download' }),
});

export const DocumentHistoryPageSchema = pageOf(
  z.object({
    id: z.uuid(),
    changeId: z.uuid(),
    action: z.string(),
    field: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    changedBy: z.uuid().nullable(),
    changedAt: z.iso.datetime(),
  }),
  'DocumentHistoryPage',
);

export const TrashedDocumentsPageSchema = pageOf(TrashedDocumentSchema, 'TrashedDocumentsPage');
