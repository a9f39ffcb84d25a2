// The comments API contract.
import { z } from 'zod';
import { PageQuerySchema, pageOf } from '../../http/pagination.ts';
import { RECORD_TYPES } from '../../records/record-types.schemas.ts';

const MENTIONS =
  'Mention a colleague by writing @[Display Name](user:<user id>) in the body (user ids as in /api/v1/teams); ' +
  'each mentioned active user of your organisation gets one notification of kind "mention" per comment, also when ' +
  'an edit adds them later. Mentioning someone who is not an active user of your organisation answers 422.';

const Body = z
  .string()
  .trim()
  .min(1, 'write something')
  .max(10000, 'at most 10000 characters')
  .meta({ description: MENTIONS });

export const RecordParamsSchema = z.object({ type: z.enum(RECORD_TYPES), id: z.uuid() });

export const CommentSchema = z
  .object({
    id: z.uuid(),
    record: z.object({ type: z.string(), id: z.uuid() }),
    body: z.string().meta({ description: 'As written, with mentions as @[Name](user:<id>); plain text, not HTML' }),
    bodyHtml: z.string().meta({
      description:
        'The body as safe HTML: text escaped, line breaks as <br>, mentions as <span class="mention" data-user-id>',
    }),
    mentions: z.array(z.object({ userId: z.uuid(), displayName: z.string() })),
    author: z.object({ id: z.uuid(), displayName: z.string() }).nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Comment' });

export const CommentsPageSchema = pageOf(CommentSchema, 'CommentsPage');

export const WriteCommentSchema = z.object({ body: Body }).strict().meta({ id: 'WriteComment', description: MENTIONS });

export const CommentListQuerySchema = PageQuerySchema.extend({
  order: z
    .enum(['oldest', 'newest'])
    .default('oldest')
    .meta({ description: 'oldest first (a conversation) or newest' }),
});
