// The leads API contract (D5): a person and a company not yet in the contacts, worked in a lead
// pipeline, lost with a reason or converted into a person, an organization and a deal.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { pageOf } from '../../http/pagination.ts';
import { isValidPostalCode, normalizeEmail } from '../contacts/matching.ts';
import { recordInput, recordListQuery, recordViewEnd } from '../pipeline-records/pipeline-records.schemas.ts';

export const LEAD_STATUSES = ['open', 'converted', 'lost'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
const optionalText = (max: number) =>
  text(max)
    .nullable()
    .optional()
    .transform((value) => (value === '' ? null : value));

const Email = z
  .string()
  .trim()
  .max(254, 'at most 254 characters')
  .transform((address, ctx) => {
    if (address === '') return null;
    const normalized = normalizeEmail(address);
    if (!normalized) {
      ctx.addIssue({ code: 'custom', message: 'not a valid email address, e.g. anna.mueller@example.de' });
      return z.NEVER;
    }
    return normalized;
  });

/** A phone number with its E.164 form; numbers without a country code are German. */
const Phone = text(40).transform((number, ctx) => {
  if (number === '') return null;
  const parsed = parsePhoneNumberFromString(number, 'DE');
  if (!parsed?.isValid()) {
    ctx.addIssue({
      code: 'custom',
      message: 'not a valid phone number; write it with the area code, e.g. 0221 123456 or +41 44 123 45 67',
    });
    return z.NEVER;
  }
  return { number, e164: parsed.number as string };
});

const Country = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'an ISO 3166 country code such as DE, AT or CH');

const leadFields = {
  title: text(200)
    .min(1, 'a lead needs a title')
    .optional()
    .meta({ description: 'Default: the company name, or the person’s name' }),
  pipelineId: z.uuid().optional().meta({ description: "Default: the stage's pipeline, or the default lead pipeline" }),
  stageId: z.uuid().optional().meta({ description: "Default: the pipeline's first stage" }),
  firstName: optionalText(100),
  lastName: optionalText(100),
  email: Email.nullable().optional(),
  phone: Phone.nullable().optional(),
  position: optionalText(120).meta({ description: 'Job title of the person at the company' }),
  companyName: optionalText(200),
  website: optionalText(300),
  industry: optionalText(100),
  street: optionalText(200),
  postalCode: optionalText(12),
  city: optionalText(100),
  country: Country.nullable().optional().meta({ description: 'ISO 3166 code; DE when a postal code is given without' }),
  source: optionalText(100).meta({ description: 'Where the lead came from: trade fair, website, purchased list …' }),
  ownerId: z.uuid().nullable().optional().meta({ description: 'Default: the caller' }),
  value: recordInput.value,
  currency: recordInput.currency,
  status: z
    .enum(['open', 'lost'])
    .optional()
    .meta({ description: 'open or lost; a lead is converted with POST /api/v1/leads/{id}/convert' }),
  lostReasonId: z.uuid().nullable().optional().meta({ description: 'An active lead lost reason; needed when lost' }),
  lostNote: recordInput.lostNote,
  customFields: recordInput.customFields,
};

type LeadInput = { [K in keyof typeof leadFields]?: unknown };

function postalCodeFits(input: LeadInput, ctx: z.RefinementCtx): void {
  const postalCode = input.postalCode;
  if (typeof postalCode !== 'string' || !postalCode) return;
  const country = typeof input.country === 'string' && input.country ? input.country : 'DE';
  if (!isValidPostalCode(country, postalCode)) {
    ctx.addIssue({ code: 'custom', path: ['postalCode'], message: `not a valid postal code for ${country}` });
  }
}

export const CreateLeadSchema = z
  .object(leadFields)
  .strict()
  .superRefine(postalCodeFits)
  .meta({ id: 'CreateLead', description: 'A lead needs a title, a company name or a last name' });
export type CreateLead = z.output<typeof CreateLeadSchema>;

export const UpdateLeadSchema = z
  .object(leadFields)
  .strict()
  .superRefine(postalCodeFits)
  .meta({ id: 'UpdateLead', description: 'Fields sent replace, null clears' });
export type UpdateLead = z.output<typeof UpdateLeadSchema>;

export const ConvertedToSchema = z
  .object({
    personId: z.uuid().nullable(),
    organizationId: z.uuid().nullable(),
    businessContactId: z.uuid().nullable(),
    dealId: z.uuid().nullable(),
  })
  .meta({ id: 'LeadConvertedTo', description: 'What the lead became' });

export const LeadSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    pipelineId: z.uuid(),
    stageId: z.uuid(),
    stageName: z.string(),
    probability: z.number().int(),
    status: z.enum(LEAD_STATUSES),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    phoneE164: z.string().nullable(),
    position: z.string().nullable(),
    companyName: z.string().nullable(),
    website: z.string().nullable(),
    industry: z.string().nullable(),
    street: z.string().nullable(),
    postalCode: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    source: z.string().nullable(),
    ownerId: z.uuid().nullable(),
    value: z.string(),
    currency: z.string(),
    ...recordViewEnd({
      convertedAt: z.iso.datetime().nullable(),
      convertedBy: z.uuid().nullable(),
      convertedTo: ConvertedToSchema.nullable(),
    }),
  })
  .meta({ id: 'Lead' });
export type LeadView = z.infer<typeof LeadSchema>;

export const LeadsPageSchema = pageOf(LeadSchema, 'LeadsPage');

export const LeadListQuerySchema = recordListQuery(
  'leads',
  LEAD_STATUSES,
  ['-updatedAt', 'title', '-createdAt'],
  '-updatedAt (newest change first), title (A–Z) or -createdAt (newest first), or any field the list filters by (- for descending)',
);
export type LeadListQuery = z.output<typeof LeadListQuerySchema>;

export const LeadParamsSchema = z.object({ id: z.uuid() });

// ---- conversion ---------------------------------------------------------------------------------

const Target = (what: string) =>
  z
    .union([z.object({ existingId: z.uuid() }).strict(), z.object({ create: z.literal(true) }).strict()])
    .nullable()
    .optional()
    .meta({
      description: `Link an existing ${what} (existingId) or create one from the lead (create: true); null for none. Default: create one when the lead has the data for it.`,
    });

export const ConvertLeadSchema = z
  .object({
    person: Target('person'),
    organization: Target('organization'),
    deal: z
      .object({
        pipelineId: z.uuid().optional().meta({ description: "Default: the stage's pipeline, or the default one" }),
        stageId: z.uuid().optional(),
        title: text(200).min(1).optional(),
        value: recordInput.value,
        currency: recordInput.currency,
        ownerId: z.uuid().nullable().optional().meta({ description: "Default: the lead's owner" }),
        expectedCloseDate: z.iso.date('a date like 2026-12-31').nullable().optional(),
      })
      .strict()
      .optional()
      .meta({ description: 'Also create a deal with the person, organization and their business contact' }),
    confirm: z
      .literal('duplicate')
      .optional()
      .meta({ description: 'Create the person and organization even though likely duplicates exist' }),
  })
  .strict()
  .meta({ id: 'ConvertLead' });
export type ConvertLead = z.output<typeof ConvertLeadSchema>;

export const ConversionSchema = z
  .object({
    lead: LeadSchema,
    convertedTo: ConvertedToSchema,
    created: z
      .object({ person: z.boolean(), organization: z.boolean(), businessContact: z.boolean(), deal: z.boolean() })
      .meta({ description: 'Which of them the conversion created (the others it linked)' }),
  })
  .meta({ id: 'LeadConversion' });

// ---- field mapping --------------------------------------------------------------------------------

export const FieldMappingEntrySchema = z
  .object({
    from: z.string().min(1).max(80).meta({ description: 'A lead field, e.g. email or customFields.budget' }),
    to: z.string().min(1).max(100).meta({
      description: 'person.*, organization.*, businessContact.* or deal.* field, e.g. deal.customFields.budget',
    }),
  })
  .strict()
  .meta({ id: 'LeadFieldMappingEntry' });
export type FieldMappingEntry = z.infer<typeof FieldMappingEntrySchema>;

const FieldDescription = z.object({ field: z.string(), type: z.string() });

export const FieldMappingSchema = z
  .object({
    mappings: z.array(FieldMappingEntrySchema),
    isDefault: z.boolean().meta({ description: 'True while the organisation has not saved its own mapping' }),
    version: z.number().int().meta({ description: 'Send as If-Match when saving (0 for the default)' }),
    leadFields: z.array(FieldDescription).meta({ description: 'Fields a mapping may read' }),
    targetFields: z.array(FieldDescription).meta({ description: 'Fields a mapping may write' }),
  })
  .meta({ id: 'LeadFieldMapping' });
export type FieldMappingView = z.infer<typeof FieldMappingSchema>;

export const UpdateFieldMappingSchema = z
  .object({ mappings: z.array(FieldMappingEntrySchema).max(200, 'at most 200 mappings') })
  .strict()
  .meta({ id: 'UpdateLeadFieldMapping' });
