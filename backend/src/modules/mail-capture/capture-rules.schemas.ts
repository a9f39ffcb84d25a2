// The capture rules' API contract (Y2): what the organisation files automatically, and what a user
// keeps out of it. Addresses and domains are compared lower-case; they are stored so.
import { z } from 'zod';

export const CAPTURE_FOLDERS = ['inbox', 'sentitems'] as const;
export type CaptureFolder = (typeof CAPTURE_FOLDERS)[number];
/**
 * Which open deals of its persons a mail filed automatically goes to besides the persons and their
 * organizations: none; single (the default), a person's open deal when it is her only one, so a mail
 * never lands on the wrong one of several; all, every open deal of the person.
 */
export const LINK_OPEN_DEALS = ['none', 'single', 'all'] as const;
export type LinkOpenDeals = (typeof LINK_OPEN_DEALS)[number];
const LinkOpenDealsSchema = z.enum(LINK_OPEN_DEALS).meta({
  description:
    "Open deals of the mail's persons it is filed to as well: none; single (default), a person's only open deal; all, every open deal of hers",
});

const Address = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'an email address such as anna@example.de' }).max(320));

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value) => value.replace(/^@/, ''))
  .pipe(
    z
      .string()
      .max(253)
      .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain such as example.de'),
  );

const unique = <T>(items: T[]) => [...new Set(items)];

export const CaptureRulesInputSchema = z
  .object({
    enabled: z.boolean().meta({ description: 'Automatic filing on for the organisation' }),
    internalDomains: z
      .array(Domain)
      .max(200)
      .transform(unique)
      .nullable()
      .meta({ description: "Mail only among these domains is never filed; null: the tenant's verified domains" }),
    excludedAddresses: z
      .array(Address)
      .max(1000)
      .transform(unique)
      .meta({ description: 'A mail to or from any of these is never filed' }),
    excludedDomains: z
      .array(Domain)
      .max(500)
      .transform(unique)
      .meta({ description: 'A mail to or from an address of these domains is never filed' }),
    folders: z
      .array(z.enum(CAPTURE_FOLDERS))
      .max(CAPTURE_FOLDERS.length)
      .transform(unique)
      .meta({ description: 'The mail folders read: inbox (received mail), sentitems (sent mail)' }),
    lookbackDays: z
      .number()
      .int('whole days')
      .min(0, 'at least 0 days')
      .max(3650, 'at most 3650 days (ten years)')
      .meta({ description: 'How far back a newly connected mailbox is filed, in days' }),
    linkOpenDeals: LinkOpenDealsSchema.default('single'),
  })
  .strict()
  .meta({ id: 'CaptureRulesInput' });
export type CaptureRulesInput = z.infer<typeof CaptureRulesInputSchema>;

export const CaptureRulesViewSchema = z
  .object({
    enabled: z.boolean(),
    internalDomains: z.array(z.string()).nullable(),
    verifiedDomains: z
      .array(z.string())
      .meta({ description: "The tenant's verified domains as Microsoft 365 last named them (read only)" }),
    effectiveInternalDomains: z
      .array(z.string())
      .meta({ description: 'The internal domains in force: internalDomains, or else the verified domains' }),
    excludedAddresses: z.array(z.string()),
    excludedDomains: z.array(z.string()),
    folders: z.array(z.enum(CAPTURE_FOLDERS)),
    lookbackDays: z.number().int(),
    linkOpenDeals: LinkOpenDealsSchema,
    privateNeverFiled: z
      .literal(true)
      .meta({ description: 'Mails marked private, personal or confidential are never filed (not a setting)' }),
    version: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The stored version (ETag); null while the defaults hold' }),
  })
  .meta({ id: 'CaptureRules' });
export type CaptureRulesView = z.infer<typeof CaptureRulesViewSchema>;

export const UserCaptureRulesInputSchema = z
  .object({
    optOut: z.boolean().meta({ description: 'None of my mail is filed automatically' }),
    excludedAddresses: z
      .array(Address)
      .max(1000)
      .transform(unique)
      .meta({ description: 'My mail to or from any of these is never filed' }),
  })
  .strict()
  .meta({ id: 'UserCaptureRulesInput' });
export type UserCaptureRules = z.infer<typeof UserCaptureRulesInputSchema>;

export const UserCaptureRulesViewSchema = z
  .object({
    optOut: z.boolean(),
    excludedAddresses: z.array(z.string()),
    version: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The stored version (ETag); null while the defaults hold' }),
  })
  .meta({ id: 'UserCaptureRules' });

export const MailCaptureEntrySchema = z
  .object({
    action: z.enum(['filed', 'unfiled']),
    rule: z.string().nullable().meta({
      description:
        'The rule that filed it (known_address; draft_link: a draft linked in the add-in, filed when sent); null for an un-filing',
    }),
    matched: z.array(z.string()).meta({ description: 'The known addresses it was filed for' }),
    dealRule: z
      .enum(['single', 'all'])
      .nullable()
      .meta({ description: 'The linkOpenDeals rule that filed it to open deals too; null: to none' }),
    deals: z.array(z.uuid()).meta({ description: 'The open deals it was filed to by that rule' }),
    folder: z.enum(CAPTURE_FOLDERS).nullable(),
    mailbox: z
      .object({
        kind: z.enum(['user', 'shared']).meta({ description: "user: a user's own mailbox; shared: a shared mailbox" }),
        address: z.string().nullable().meta({ description: "The mailbox's email address" }),
      })
      .nullable()
      .meta({ description: 'The mailbox it was filed from; null for an un-filing' }),
    userId: z.uuid().nullable().meta({
      description: "The mailbox's owner (filed; for a shared mailbox the admin who named it) or who un-filed it",
    }),
    userName: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: 'MailCaptureEntry' });

export const MailCaptureViewSchema = z
  .object({
    mailId: z.uuid(),
    internetMessageId: z.string(),
    filed: z.boolean().meta({ description: 'Whether the mail is on records now' }),
    automatic: z.boolean().meta({ description: 'Whether the sync filed it (from some mailbox)' }),
    unfiled: z.boolean().meta({ description: 'Un-filed: the sync does not file it again' }),
    entries: z.array(MailCaptureEntrySchema).meta({ description: 'Oldest first' }),
  })
  .meta({ id: 'MailCapture' });
export type MailCaptureView = z.infer<typeof MailCaptureViewSchema>;
