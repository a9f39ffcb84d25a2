// The lost reasons API contract (D6): why deals and leads are lost, per object type.
import { z } from 'zod';

export const LOST_REASON_OBJECT_TYPES = ['deal', 'lead'] as const;
export type LostReasonObjectType = (typeof LOST_REASON_OBJECT_TYPES)[number];

const Name = z.string().trim().min(1, 'a lost reason needs a name').max(120, 'at most 120 characters');
const Description = z
  .string()
  .trim()
  .max(1000, 'at most 1000 characters')
  .nullable()
  .transform((value) => (value === '' ? null : value));

export const CreateLostReasonSchema = z
  .object({
    objectType: z.enum(LOST_REASON_OBJECT_TYPES),
    name: Name,
    description: Description.optional(),
    active: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'CreateLostReason' });
export type CreateLostReason = z.output<typeof CreateLostReasonSchema>;

export const UpdateLostReasonSchema = z
  .object({ name: Name.optional(), description: Description.optional(), active: z.boolean().optional() })
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'send name, description or active')
  .meta({ id: 'UpdateLostReason' });
export type UpdateLostReason = z.output<typeof UpdateLostReasonSchema>;

export const LostReasonSchema = z
  .object({
    id: z.uuid(),
    objectType: z.enum(LOST_REASON_OBJECT_TYPES),
    name: z.string(),
    description: z.string().nullable(),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    createdBy: z.uuid().nullable(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.uuid().nullable(),
  })
  .meta({ id: 'LostReason' });
export type LostReasonView = z.infer<typeof LostReasonSchema>;

export const LostReasonListQuerySchema = z.object({
  objectType: z.enum(LOST_REASON_OBJECT_TYPES).optional(),
  active: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true'))
    .meta({ description: 'true: only those to choose from; false: only retired ones' }),
});

export const LostReasonListSchema = z.object({ items: z.array(LostReasonSchema) }).meta({ id: 'LostReasonList' });
