// The saved filters API contract (V5): a filter tree with a name, a user's own or the company's.
import { z } from 'zod';
import { FilterSchema } from '../../http/filters.ts';
import { CUSTOM_FIELD_ENTITY_TYPES } from '../custom-fields/custom-fields.schemas.ts';

/** The lists a filter can be saved for: those with custom fields, and activities. */
export const SAVED_FILTER_ENTITY_TYPES = [...CUSTOM_FIELD_ENTITY_TYPES, 'activity'] as const;
export type SavedFilterEntityType = (typeof SAVED_FILTER_ENTITY_TYPES)[number];

const Name = z.string().trim().min(1, 'a saved filter needs a name').max(120, 'at most 120 characters');

export const CreateSavedFilterSchema = z
  .object({
    name: Name,
    entityType: z.enum(SAVED_FILTER_ENTITY_TYPES),
    filter: FilterSchema,
    scope: z
      .enum(['private', 'company'])
      .default('private')
      .meta({ description: 'private: yours alone; company: everyone sees it (admins only)' }),
  })
  .strict()
  .meta({ id: 'CreateSavedFilter' });
export type CreateSavedFilter = z.output<typeof CreateSavedFilterSchema>;

export const UpdateSavedFilterSchema = z
  .object({ name: Name.optional(), filter: FilterSchema.optional() })
  .strict()
  .refine((change) => change.name !== undefined || change.filter !== undefined, 'send name, filter, or both')
  .meta({ id: 'UpdateSavedFilter' });
export type UpdateSavedFilter = z.output<typeof UpdateSavedFilterSchema>;

export const SavedFilterSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    entityType: z.enum(SAVED_FILTER_ENTITY_TYPES),
    scope: z.enum(['private', 'company']),
    ownerId: z.uuid().nullable(),
    filter: FilterSchema,
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    createdBy: z.uuid().nullable(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'SavedFilter' });
export type SavedFilterView = z.infer<typeof SavedFilterSchema>;

export const SavedFilterListSchema = z.object({ items: z.array(SavedFilterSchema) }).meta({ id: 'SavedFilterList' });
