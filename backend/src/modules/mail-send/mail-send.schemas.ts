// The API contract of sending mail from the CRM (E3): mail templates (a user's own or the company's)
// with placeholders filled from a record, and a mail sent through Microsoft 365 and filed at once.
import { z } from 'zod';
import { RecordRefSchema } from '../activities/activities.schemas.ts';
import { MailFilingSchema } from '../mail/mail.schemas.ts';

/** The placeholders a template's subject and body may hold, filled from the record and the sender. */
export const MAIL_TEMPLATE_PLACEHOLDERS = [
  'person.firstName',
  'person.lastName',
  'organization.name',
  'deal.title',
  'me.displayName',
] as const;
export type MailTemplatePlaceholder = (typeof MAIL_TEMPLATE_PLACEHOLDERS)[number];

const Name = z.string().trim().min(1, 'a mail template needs a name').max(120, 'at most 120 characters');
const Subject = z
  .string()
  .max(998, 'at most 998 characters')
  .meta({
    description: `May hold placeholders: ${MAIL_TEMPLATE_PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ')}`,
  });
const BodyHtml = z
  .string()
  .max(1_000_000, 'at most 1,000,000 characters')
  .meta({ description: 'HTML, sanitized as filed mail is (scripts, styles and event handlers go); placeholders too' });

export const CreateMailTemplateSchema = z
  .object({
    name: Name,
    subject: Subject.default(''),
    bodyHtml: BodyHtml.default(''),
    scope: z
      .enum(['private', 'company'])
      .default('private')
      .meta({ description: 'private: yours alone; company: everyone uses it (admins only)' }),
  })
  .strict()
  .meta({ id: 'CreateMailTemplate' });
export type CreateMailTemplate = z.output<typeof CreateMailTemplateSchema>;

export const UpdateMailTemplateSchema = z
  .object({ name: Name.optional(), subject: Subject.optional(), bodyHtml: BodyHtml.optional() })
  .strict()
  .refine(
    (change) => change.name !== undefined || change.subject !== undefined || change.bodyHtml !== undefined,
    'send name, subject or bodyHtml',
  )
  .meta({ id: 'UpdateMailTemplate' });
export type UpdateMailTemplate = z.output<typeof UpdateMailTemplateSchema>;

export const MailTemplateSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    subject: z.string(),
    bodyHtml: z.string(),
    scope: z.enum(['private', 'company']),
    ownerId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    createdBy: z.uuid().nullable(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'MailTemplate' });
export type MailTemplateView = z.infer<typeof MailTemplateSchema>;

export const MailTemplateListSchema = z.object({ items: z.array(MailTemplateSchema) }).meta({ id: 'MailTemplateList' });
export type MailTemplateList = z.infer<typeof MailTemplateListSchema>;

export const FillMailTemplateSchema = z
  .object({ record: RecordRefSchema.meta({ description: 'The record whose data fills the placeholders' }) })
  .strict()
  .meta({ id: 'FillMailTemplate' });

export const FilledMailTemplateSchema = z
  .object({
    subject: z.string().meta({ description: "Filled, with the record's reference ([CRM-D-12])" }),
    bodyHtml: z.string().meta({ description: 'Filled; values HTML-escaped' }),
    reference: z.string().meta({ description: "The record's reference for the subject, e.g. [CRM-D-12]" }),
  })
  .meta({ id: 'FilledMailTemplate' });
export type FilledMailTemplate = z.infer<typeof FilledMailTemplateSchema>;

const Addresses = z
  .array(z.string().trim().max(320, 'an e-mail address has at most 320 characters'))
  .max(100, 'at most 100 addresses')
  .default([]);

export const SendMailSchema = z
  .object({
    to: Addresses,
    cc: Addresses,
    bcc: Addresses,
    subject: z.string().max(900, 'at most 900 characters').optional().meta({
      description: "Default the template's; placeholders are filled and the record's reference is added when missing",
    }),
    bodyHtml: BodyHtml.optional().meta({ description: "Default the template's; placeholders are filled" }),
    templateId: z.uuid().optional().meta({ description: 'A template of yours or your company’s' }),
    record: RecordRefSchema.meta({ description: 'The record the mail is about and is filed to (you must see it)' }),
  })
  .strict()
  .meta({ id: 'SendMail' });
export type SendMail = z.output<typeof SendMailSchema>;

export const SentMailSchema = MailFilingSchema.extend({
  reference: z.string().meta({ description: "The record's reference put in the subject, e.g. [CRM-D-12]" }),
}).meta({ id: 'SentMail' });
export type SentMailView = z.infer<typeof SentMailSchema>;
