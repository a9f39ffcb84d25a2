// The notes API contract.
import { z } from 'zod';
import { PageQuerySchema, pageOf } from '../../http/pagination.ts';
import { LinksSchema } from '../activities/activities.schemas.ts';

export const NoteBodySchema = z
  .object({
    format: z.enum(['html', 'markdown']),
    body: z.string().meta({
      description:
        'HTML (sanitized on an allow-list: p, br, strong, em, u, s, ul, ol, li, a with http/https/mailto links, h2-h4, ' +
        'blockquote, code, pre, tables) or Markdown (kept as written, rendered through the same sanitizer); at most 100 kB',
    }),
  })
  .strict()
  .meta({ id: 'NoteBody' });

export const NoteSchema = z
  .object({
    id: z.uuid(),
    body: z.object({ format: z.enum(['html', 'markdown']), body: z.string() }).meta({
      description: 'The source: the sanitized HTML, or the Markdown as written. Show bodyHtml, never render this.',
    }),
    bodyHtml: z.string().meta({ description: 'Sanitized HTML, safe to show' }),
    bodyText: z.string().meta({ description: 'Plain text' }),
    links: z.array(z.object({ type: z.string(), id: z.uuid() })),
    activityId: z.uuid().nullable().meta({ description: 'The activity (call, visit) this note is the protocol of' }),
    author: z.object({ id: z.uuid(), displayName: z.string() }).nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.uuid().nullable(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Note' });

export const NotesPageSchema = pageOf(NoteSchema, 'NotesPage');

export const CreateNoteSchema = z
  .object({
    body: NoteBodySchema,
    links: LinksSchema.min(1, 'a note is on at least one record'),
    activityId: z.uuid().nullable().optional(),
  })
  .strict()
  .meta({ id: 'CreateNote' });

export const UpdateNoteSchema = z
  .object({
    body: NoteBodySchema.optional(),
    links: LinksSchema.min(1, 'a note is on at least one record').optional(),
    activityId: z.uuid().nullable().optional(),
  })
  .strict()
  .meta({ id: 'UpdateNote' });

export const NoteListQuerySchema = PageQuerySchema;
