// Typed relations between any two records (C4), as the API takes and answers them.
import { z } from 'zod';
import { RECORD_TYPES } from '../../records/record-types.schemas.ts';

export const RelationTypeSchema = z
  .object({ id: z.uuid(), name: z.string(), reverseName: z.string(), active: z.boolean(), version: z.number().int() })
  .meta({ id: 'RelationType' });

const TypeName = z.string().trim().min(1, 'a name is needed').max(80, 'at most 80 characters');

export const RelatedRecordSchema = z.object({ type: z.enum(RECORD_TYPES), id: z.uuid() }).meta({ id: 'RecordRef' });

export const RelationSchema = z
  .object({
    id: z.uuid(),
    typeId: z.uuid(),
    label: z.string(),
    direction: z.enum(['outgoing', 'incoming']),
    other: RelatedRecordSchema.extend({ title: z.string() }),
    note: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Relation' });

export const RelationTypeListSchema = z.object({ items: z.array(RelationTypeSchema) }).meta({ id: 'RelationTypeList' });

export const CreateRelationTypeSchema = z
  .object({ name: TypeName, reverseName: TypeName })
  .strict()
  .meta({ id: 'CreateRelationType' });

export const UpdateRelationTypeSchema = z
  .object({ name: TypeName.optional(), reverseName: TypeName.optional(), active: z.boolean().optional() })
  .strict()
  .meta({ id: 'UpdateRelationType' });

export const RelationListSchema = z.object({ items: z.array(RelationSchema) }).meta({ id: 'RelationList' });

export const CreateRelationSchema = z
  .object({
    typeId: z.uuid(),
    from: RelatedRecordSchema,
    to: RelatedRecordSchema,
    note: z.string().trim().max(500, 'at most 500 characters').nullable().optional(),
  })
  .strict()
  .meta({ id: 'CreateRelation' });
