import { z } from 'zod';

export const CUSTOM_FIELD_ENTITY_TYPES = [
  'person',
  'organization',
  'business_contact',
  'deal',
  'lead',
  'task',
] as const;
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'boolean', 'date', 'select'] as const;

const Label = z.string().trim().min(1, 'a label is needed').max(100, 'at most 100 characters');
const Labels = z.object({ de: Label, en: Label });

export const OptionSchema = z.object({
  value: z
    .string()
    .trim()
    .min(1)
    .max(60, 'at most 60 characters')
    .regex(/^[\w-]+$/, 'letters, digits, _ and - only'),
  labels: Labels,
});
export type CustomFieldOption = z.output<typeof OptionSchema>;

export const CustomFieldSchema = z
  .object({
    id: z.uuid(),
    entityType: z.enum(CUSTOM_FIELD_ENTITY_TYPES),
    key: z.string(),
    labels: z.object({ de: z.string(), en: z.string() }),
    type: z.enum(CUSTOM_FIELD_TYPES),
    options: z.array(z.object({ value: z.string(), labels: z.object({ de: z.string(), en: z.string() }) })),
    required: z.boolean(),
    position: z.number().int(),
    version: z.number().int(),
  })
  .meta({ id: 'CustomField' });

export const CreateCustomFieldSchema = z
  .object({
    entityType: z.enum(CUSTOM_FIELD_ENTITY_TYPES),
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter, at most 40'),
    labels: Labels,
    type: z.enum(CUSTOM_FIELD_TYPES),
    options: z.array(OptionSchema).max(200, 'at most 200 options').optional(),
    required: z.boolean().default(false),
    position: z.number().int().min(0).max(10_000).default(0),
  })
  .strict()
  .superRefine((field, ctx) => {
    if (field.type === 'select' && !field.options?.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select field needs at least one option' });
    }
    if (field.type !== 'select' && field.options?.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'only select fields have options' });
    }
    const values = field.options?.map((option) => option.value) ?? [];
    if (new Set(values).size !== values.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'option values must be unique' });
    }
  })
  .meta({ id: 'CreateCustomField' });

export const UpdateCustomFieldSchema = z
  .object({
    labels: Labels.optional(),
    options: z.array(OptionSchema).min(1).max(200).optional(),
    required: z.boolean().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict()
  .meta({ id: 'UpdateCustomField' });

export type CustomFieldView = z.infer<typeof CustomFieldSchema>;
export type CreateCustomField = z.output<typeof CreateCustomFieldSchema>;
export type UpdateCustomField = z.output<typeof UpdateCustomFieldSchema>;

/** Built-in fields that may be made required, by entity type. */
export const REQUIRABLE_FIELDS = {
  person: ['title', 'firstName', 'emails', 'phones', 'addresses', 'birthday', 'language', 'ownerId'],
  organization: [
    'emails',
    'phones',
    'addresses',
    'vatId',
    'industry',
    'employeeCount',
    'revenue',
    'website',
    'ownerId',
  ],
} as const;

export type RequiredFields = { [K in keyof typeof REQUIRABLE_FIELDS]?: (typeof REQUIRABLE_FIELDS)[K][number][] };

export const RequiredFieldsSchema = z
  .object({
    person: z.array(z.enum(REQUIRABLE_FIELDS.person)).optional(),
    organization: z.array(z.enum(REQUIRABLE_FIELDS.organization)).optional(),
  })
  .strict()
  .meta({ id: 'RequiredFields' });

export const CustomFieldListSchema = z.object({ items: z.array(CustomFieldSchema) }).meta({ id: 'CustomFieldList' });
