// The contacts API contract: persons, organizations, business contacts, duplicate check, lookup.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { FilterQueryParam } from '../../http/filters.ts';
import { FieldSortParam, ListWindowQuerySchema } from '../../http/list-window.ts';
import { pageOf } from '../../http/pagination.ts';
import { TagViewSchema } from '../tags/tags.schemas.ts';
import { isValidPostalCode, normalizeEmail, normalizeVatId } from './matching.ts';

const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
const optionalText = (max: number) =>
  text(max)
    .nullable()
    .optional()
    .transform((value) => (value === '' ? null : value));

export const EmailSchema = z
  .object({
    address: z
      .string()
      .trim()
      .max(254, 'at most 254 characters')
      .transform((address, ctx) => {
        const normalized = normalizeEmail(address);
        if (!normalized) {
          ctx.addIssue({ code: 'custom', message: 'not a valid email address, e.g. anna.mueller@example.de' });
          return z.NEVER;
        }
        return normalized;
      }),
    kind: z.enum(['work', 'private', 'other']).default('work'),
  })
  .meta({ id: 'EmailInput' });

export const EmailViewSchema = z
  .object({ address: z.string(), kind: z.enum(['work', 'private', 'other']) })
  .meta({ id: 'EmailAddress' });

export const PhoneInputSchema = z
  .object({
    number: text(40).min(3, 'at least 3 characters'),
    kind: z.enum(['work', 'mobile', 'home', 'fax', 'other']).default('work'),
  })
  .transform((phone, ctx) => {
    // Numbers without a country code are German unless they say otherwise.
    const parsed = parsePhoneNumberFromString(phone.number, 'DE');
    if (!parsed?.isValid()) {
      ctx.addIssue({
        code: 'custom',
        path: ['number'],
        message: 'not a valid phone number; write it with the area code, e.g. 0221 123456 or +41 44 123 45 67',
      });
      return z.NEVER;
    }
    return { number: phone.number, e164: parsed.number, kind: phone.kind };
  });

export const PhoneSchema = z
  .object({
    number: z.string(),
    e164: z.string().meta({ description: 'The number in E.164, e.g. +49221123456' }),
    kind: z.enum(['work', 'mobile', 'home', 'fax', 'other']),
  })
  .meta({ id: 'Phone' });

export const AddressInputSchema = z
  .object({
    kind: z.enum(['visiting', 'postal', 'billing', 'delivery', 'home', 'other']).default('visiting'),
    street: optionalText(200),
    postalCode: optionalText(12),
    city: optionalText(100),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166 country code such as DE, AT or CH')
      .default('DE'),
  })
  .superRefine((address, ctx) => {
    if (address.postalCode && !isValidPostalCode(address.country, address.postalCode)) {
      ctx.addIssue({
        code: 'custom',
        path: ['postalCode'],
        message: `not a valid postal code for ${address.country}`,
      });
    }
  });

export const AddressSchema = z
  .object({
    kind: z.enum(['visiting', 'postal', 'billing', 'delivery', 'home', 'other']),
    street: z.string().nullable(),
    postalCode: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string(),
  })
  .meta({ id: 'Address' });

const CustomFieldsSchema = z.record(z.string(), z.unknown()).meta({ description: 'Values of custom fields by key' });

const personFields = {
  title: optionalText(60),
  firstName: optionalText(100),
  lastName: text(100).min(1, 'a person needs a last name'),
  emails: z.array(EmailSchema).max(20, 'at most 20 email addresses').optional(),
  phones: z.array(PhoneInputSchema).max(20, 'at most 20 phone numbers').optional(),
  addresses: z.array(AddressInputSchema).max(10, 'at most 10 addresses').optional(),
  birthday: z.iso.date('a date like 1980-04-23').nullable().optional(),
  language: z.enum(['de', 'en']).nullable().optional(),
  customFields: CustomFieldsSchema.optional(),
  ownerId: z.uuid().nullable().optional(),
};

export const CreatePersonSchema = z.object(personFields).strict().meta({ id: 'CreatePerson' });
export const UpdatePersonSchema = z
  .object({ ...personFields, lastName: personFields.lastName.optional() })
  .strict()
  .meta({ id: 'UpdatePerson' });

const audit = {
  ownerId: z.uuid().nullable(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  createdBy: z.uuid().nullable(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.uuid().nullable(),
  deletedAt: z.iso.datetime().nullable(),
};

export const PersonViewSchema = z
  .object({
    id: z.uuid(),
    title: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string(),
    emails: z.array(EmailViewSchema),
    phones: z.array(PhoneSchema),
    addresses: z.array(AddressSchema),
    birthday: z.string().nullable(),
    language: z.enum(['de', 'en']).nullable(),
    customFields: CustomFieldsSchema,
    tags: z.array(TagViewSchema),
    ...audit,
  })
  .meta({ id: 'Person' });

const VatIdSchema = z
  .string()
  .trim()
  .max(20, 'at most 20 characters')
  .transform((input, ctx) => {
    const vat = normalizeVatId(input);
    if (!vat) {
      ctx.addIssue({
        code: 'custom',
        message: 'not a valid VAT id; it starts with the country code, e.g. DE123456789 or ATU12345678',
      });
      return z.NEVER;
    }
    return vat.value;
  });

const organizationFields = {
  name: text(200).min(1, 'an organization needs a name'),
  emails: z.array(EmailSchema).max(20, 'at most 20 email addresses').optional(),
  phones: z.array(PhoneInputSchema).max(20, 'at most 20 phone numbers').optional(),
  addresses: z.array(AddressInputSchema).max(10, 'at most 10 addresses').optional(),
  vatId: VatIdSchema.nullable().optional(),
  industry: optionalText(100),
  employeeCount: z.number().int().min(0).max(10_000_000).nullable().optional(),
  revenue: z
    .string()
    .regex(/^\d{1,16}(\.\d{1,2})?$/, 'a decimal amount as a string, e.g. "1250000.00"')
    .nullable()
    .optional()
    .meta({ description: 'Annual revenue as a decimal string' }),
  website: optionalText(300),
  customFields: CustomFieldsSchema.optional(),
  ownerId: z.uuid().nullable().optional(),
};

export const CreateOrganizationSchema = z.object(organizationFields).strict().meta({ id: 'CreateOrganization' });
export const UpdateOrganizationSchema = z
  .object({ ...organizationFields, name: organizationFields.name.optional() })
  .strict()
  .meta({ id: 'UpdateOrganization' });

export const OrganizationViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    emails: z.array(EmailViewSchema),
    phones: z.array(PhoneSchema),
    addresses: z.array(AddressSchema),
    vatId: z.string().nullable(),
    industry: z.string().nullable(),
    employeeCount: z.number().int().nullable(),
    revenue: z.string().nullable(),
    website: z.string().nullable(),
    customFields: CustomFieldsSchema,
    tags: z.array(TagViewSchema),
    ...audit,
  })
  .meta({ id: 'Organization' });

const businessContactFields = {
  personId: z.uuid(),
  organizationId: z.uuid(),
  email: EmailSchema.shape.address.nullable().optional(),
  phone: text(40)
    .nullable()
    .optional()
    .transform((number, ctx) => {
      // Absent is "unchanged" (an update without a phone kept clearing it); empty or null clears it.
      if (number === undefined) return undefined;
      if (!number) return null;
      const parsed = parsePhoneNumberFromString(number, 'DE');
      if (!parsed?.isValid()) {
        ctx.addIssue({ code: 'custom', message: 'not a valid phone number; write it with the area code' });
        return z.NEVER;
      }
      return { number, e164: parsed.number as string };
    }),
  position: optionalText(120),
  department: optionalText(120),
  employeeNumber: optionalText(40),
  isPrimary: z.boolean().optional(),
};

export const CreateBusinessContactSchema = z
  .object(businessContactFields)
  .strict()
  .meta({ id: 'CreateBusinessContact' });
export const UpdateBusinessContactSchema = z
  .object({
    email: businessContactFields.email,
    phone: businessContactFields.phone,
    position: businessContactFields.position,
    department: businessContactFields.department,
    employeeNumber: businessContactFields.employeeNumber,
    isPrimary: businessContactFields.isPrimary,
  })
  .strict()
  .meta({ id: 'UpdateBusinessContact' });

export const BusinessContactViewSchema = z
  .object({
    id: z.uuid(),
    personId: z.uuid(),
    organizationId: z.uuid(),
    personName: z.string(),
    organizationName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    phoneE164: z.string().nullable(),
    position: z.string().nullable(),
    department: z.string().nullable(),
    employeeNumber: z.string().nullable(),
    isPrimary: z.boolean(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'BusinessContact' });

export const PersonsPageSchema = pageOf(PersonViewSchema, 'PersonsPage');
export const OrganizationsPageSchema = pageOf(OrganizationViewSchema, 'OrganizationsPage');
export const BusinessContactsPageSchema = pageOf(BusinessContactViewSchema, 'BusinessContactsPage');

export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  sort: z
    .union([z.enum(['name', '-updatedAt']), FieldSortParam])
    .default('name')
    .meta({
      description: 'name (A–Z), -updatedAt (newest first), or any field the list filters by (- for descending)',
    }),
  filter: FilterQueryParam.optional(),
  ...ListWindowQuerySchema.shape,
});

export const ConfirmQuerySchema = z.object({
  confirm: z
    .literal('duplicate')
    .optional()
    .meta({ description: 'Create or save even though likely duplicates exist' }),
});

export const IdParamsSchema = z.object({ id: z.uuid() });

export const DuplicateCandidateSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(['person', 'organization']),
    title: z.string(),
    score: z.number().min(0).max(1),
    reasons: z.array(
      z.enum(['same_email', 'same_phone', 'same_vat_id', 'same_sound', 'similar_spelling', 'same_postal_code']),
    ),
  })
  .meta({ id: 'DuplicateCandidate' });

export const DuplicateCheckSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('person'), record: CreatePersonSchema, excludeId: z.uuid().optional() }),
    z.object({ type: z.literal('organization'), record: CreateOrganizationSchema, excludeId: z.uuid().optional() }),
  ])
  .meta({ id: 'DuplicateCheck' });

export const DuplicateCheckResultSchema = z
  .object({ candidates: z.array(DuplicateCandidateSchema) })
  .meta({ id: 'DuplicateCheckResult' });

export const LookupQuerySchema = z.object({
  email: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : value.split(',')))
    .pipe(
      z
        .array(z.string().trim().toLowerCase().max(254))
        .min(1, 'at least one address')
        .max(100, 'at most 100 addresses at once'),
    )
    .meta({ description: 'One or more addresses: repeat the parameter or separate with commas' }),
});

export const LookupResultSchema = z
  .object({
    items: z.array(
      z.object({
        email: z.string(),
        persons: z.array(z.object({ id: z.uuid(), name: z.string() })),
        organizations: z.array(z.object({ id: z.uuid(), name: z.string() })),
        businessContacts: z.array(
          z.object({
            id: z.uuid(),
            personId: z.uuid(),
            organizationId: z.uuid(),
            personName: z.string(),
            organizationName: z.string(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'LookupResult' });

export type CreatePerson = z.output<typeof CreatePersonSchema>;
export type UpdatePerson = z.output<typeof UpdatePersonSchema>;
export type CreateOrganization = z.output<typeof CreateOrganizationSchema>;
export type UpdateOrganization = z.output<typeof UpdateOrganizationSchema>;
export type CreateBusinessContact = z.output<typeof CreateBusinessContactSchema>;
export type UpdateBusinessContact = z.output<typeof UpdateBusinessContactSchema>;
export type PersonView = z.infer<typeof PersonViewSchema>;
export type OrganizationView = z.infer<typeof OrganizationViewSchema>;
export type BusinessContactView = z.infer<typeof BusinessContactViewSchema>;
export type DuplicateCandidate = z.infer<typeof DuplicateCandidateSchema>;

export const MergeSchema = z
  .object({
    type: z.enum(['person', 'organization']),
    survivorId: z.uuid().meta({ description: 'The record that stays' }),
    mergedId: z.uuid().meta({ description: 'The duplicate that moves into it and goes to the trash' }),
    take: z
      .record(z.string(), z.enum(['survivor', 'merged']))
      .optional()
      .meta({
        description:
          "Whose value a field keeps. Default: the survivor's (an empty one takes the other's); emails, phones and addresses: both.",
      }),
  })
  .strict()
  .meta({ id: 'Merge' });
