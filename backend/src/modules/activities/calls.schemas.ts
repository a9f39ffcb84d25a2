// A logged call (A2) as the API answers it: the activity, its note and its follow-up task.
import { z } from 'zod';
import { NoteSchema } from '../notes/notes.schemas.ts';
import { ActivitySchema } from './activities.schemas.ts';

export const FollowUpTaskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    assigneeId: z.uuid(),
    dueAt: z.iso.datetime(),
    status: z.literal('open'),
    links: z.array(z.object({ type: z.string(), id: z.uuid() })),
  })
  .meta({ id: 'FollowUpTask' });

export const LoggedCallSchema = z
  .object({ activity: ActivitySchema, note: NoteSchema.nullable(), followUpTask: FollowUpTaskSchema.nullable() })
  .meta({ id: 'LoggedCall' });
