// The prospect selection contract (D7): saved selections of organizations by the shared filter
// tree (postal code prefix or range, industry, revenue and employee ranges, tags, custom fields).
import { z } from 'zod';
import { SEPARATORS } from '../../http/csv.ts';
import { FilterSchema } from '../../http/filters.ts';
import { PageQuerySchema, pageOf } from '../../http/pagination.ts';

const Name = z.string().trim().min(1, 'a selection needs a name').max(120, 'at most 120 characters');
const Description = z
  .string()
  .trim()
  .max(2000, 'at most 2000 characters')
  .nullable()
  .transform((value) => (value === '' ? null : value));

const selectionFields = {
  name: Name,
  description: Description.optional(),
  filter: FilterSchema.nullable().optional().meta({
    description:
      'Over organization fields: postalCode (starts, between), industry, revenue and employeeCount (gt, lt, between), city, country, tags (hasTag), customFields.<key> …',
  }),
  savedFilterId: z
    .uuid()
    .nullable()
    .optional()
    .meta({ description: 'A saved filter of organizations (yours or the company’s), combined with filter by AND' }),
};

export const CreateSelectionSchema = z.object(selectionFields).strict().meta({ id: 'CreateProspectSelection' });
export type CreateSelection = z.output<typeof CreateSelectionSchema>;

export const UpdateSelectionSchema = z
  .object({ ...selectionFields, name: Name.optional() })
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'send a field to change')
  .meta({ id: 'UpdateProspectSelection', description: 'Fields sent replace, null clears' });
export type UpdateSelection = z.output<typeof UpdateSelectionSchema>;

export const SelectionSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    filter: FilterSchema.nullable(),
    savedFilterId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    createdBy: z.uuid().nullable(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.uuid().nullable(),
  })
  .meta({ id: 'ProspectSelection' });
export type SelectionView = z.infer<typeof SelectionSchema>;

export const SelectionsPageSchema = pageOf(SelectionSchema, 'ProspectSelectionsPage');
export const SelectionParamsSchema = z.object({ id: z.uuid() });
export const SelectionListQuerySchema = PageQuerySchema;

export const SelectionCountSchema = z
  .object({ id: z.uuid(), count: z.number().int().meta({ description: 'Organizations the selection finds now' }) })
  .meta({ id: 'ProspectSelectionCount' });

export const ExportQuerySchema = z.object({
  separator: z
    .enum(Object.keys(SEPARATORS) as [keyof typeof SEPARATORS, ...(keyof typeof SEPARATORS)[]])
    .default('semicolon')
    .meta({ description: 'semicolon (German Excel, the default), comma or tab' }),
  decimal: z
    .enum(['comma', 'point'])
    .optional()
    .meta({ description: 'Decimal mark of numbers; comma with the semicolon separator unless given' }),
  bom: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true')
    .meta({ description: 'Start with the UTF-8 byte order mark Excel needs (default true)' }),
});
export type ExportQuery = z.output<typeof ExportQuerySchema>;
