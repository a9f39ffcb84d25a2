import { z } from 'zod';
import { RecordLinkSchema } from '../mail/mail.schemas.ts';

export const FileByReferenceSchema = z
  .object({
    messageId: z
      .string()
      .trim()
      .min(1, 'say which message')
      .max(1000)
      .meta({ description: "The message's immutable Graph id (office-js convertToRestId, then translateExchangeIds)" }),
    mailbox: z
      .string()
      .trim()
      .min(1, 'say which mailbox')
      .max(320)
      .meta({ description: "The mailbox's address (Office.context.mailbox.userProfile.emailAddress)" }),
    links: z.array(RecordLinkSchema).min(1, 'name the records to file to').max(50),
    idempotencyKey: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._:-]{8,200}$/, '8 to 200 letters, digits, dots, colons, hyphens or underscores')
      .meta({ description: 'Made by the pane per click; a repeated request with it is the same filing' }),
  })
  .meta({ id: 'FileByReference' });
export type FileByReference = z.infer<typeof FileByReferenceSchema>;

export const MailFilingProblemSchema = z
  .object({ status: z.number().int(), code: z.string(), title: z.string(), detail: z.string() })
  .meta({ id: 'MailFilingProblem' });

export const MailFilingStateSchema = z
  .object({
    id: z.uuid(),
    state: z.enum(['pending', 'filed', 'failed']),
    mailId: z.uuid().nullable().meta({ description: 'The filed mail (state filed)' }),
    problem: MailFilingProblemSchema.nullable().meta({ description: 'Why it failed (state failed)' }),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'MailFilingState' });
export type MailFilingState = z.infer<typeof MailFilingStateSchema>;

export const MailFilingsQuerySchema = z.object({
  messageId: z
    .string()
    .trim()
    .min(1, 'say which message')
    .max(1000)
    .meta({ description: "The message's immutable Graph id, as the filing named it" }),
});

export const MailFilingListSchema = z
  .object({ items: z.array(MailFilingStateSchema).meta({ description: 'Newest first, at most 10' }) })
  .meta({ id: 'MailFilingList' });
export type MailFilingList = z.infer<typeof MailFilingListSchema>;
