// Further contacts and responsible colleagues on a record, as the API takes and answers them.
import { z } from 'zod';

export const RecordPersonSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['contact', 'colleague']),
    personId: z.uuid().nullable(),
    userId: z.uuid().nullable(),
    name: z.string(),
    role: z.string().nullable(),
  })
  .meta({ id: 'RecordPerson' });

export const RecordPeopleSchema = z.object({ items: z.array(RecordPersonSchema) }).meta({ id: 'RecordPeople' });

export const AddRecordPersonSchema = z
  .object({
    personId: z.uuid().optional(),
    userId: z.uuid().optional(),
    role: z.string().trim().max(80, 'at most 80 characters').nullable().optional(),
  })
  .strict()
  .refine((body) => (body.personId === undefined) !== (body.userId === undefined), 'send either personId or userId')
  .meta({ id: 'AddRecordPerson' });
