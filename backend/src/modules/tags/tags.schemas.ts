import { z } from 'zod';
import { RECORD_TYPES } from '../../records/record-types.schemas.ts';

export const TagViewSchema = z.object({ id: z.uuid(), name: z.string(), color: z.string() }).meta({ id: 'TagRef' });

export const TagSchema = z
  .object({ id: z.uuid(), name: z.string(), color: z.string(), version: z.number().int(), usage: z.number().int() })
  .meta({ id: 'Tag' });

const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a hex color like #d13438');
const Name = z.string().trim().min(1, 'a tag needs a name').max(60, 'at most 60 characters');

export const CreateTagSchema = z.object({ name: Name, color: Color.optional() }).strict().meta({ id: 'CreateTag' });
export const UpdateTagSchema = z
  .object({ name: Name.optional(), color: Color.optional() })
  .strict()
  .refine((body) => body.name !== undefined || body.color !== undefined, 'send name, color, or both')
  .meta({ id: 'UpdateTag' });

export const RecordTagParamsSchema = z.object({ type: z.enum(RECORD_TYPES), id: z.uuid(), tagId: z.uuid() });

export const TagListSchema = z.object({ items: z.array(TagSchema) }).meta({ id: 'TagList' });
