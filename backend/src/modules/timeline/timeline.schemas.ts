// The timeline API contract.
import { z } from 'zod';
import { RecordQueryParam } from '../activities/activities.schemas.ts';
import { canonicalTimeZone, isTimeZone } from './time-zones.ts';

const Day = z.iso.date('a date as YYYY-MM-DD, e.g. 2026-11-24');

export const TimelineQuerySchema = z.object({
  from: Day.meta({ description: 'First day, YYYY-MM-DD' }),
  to: Day.meta({ description: 'Last day (included), YYYY-MM-DD; at most 93 days after from' }),
  tz: z
    .string()
    .max(64)
    .default('Europe/Berlin')
    .refine(isTimeZone, 'an IANA time zone such as Europe/Berlin or UTC')
    .transform(canonicalTimeZone)
    .meta({ description: 'The time zone the days are cut in; Europe/Berlin unless given' }),
  userId: z.uuid().optional().meta({ description: "Only this user's activities (owner) and tasks (assignee)" }),
  record: RecordQueryParam.optional(),
});

const EntrySchema = z
  .object({
    kind: z.string().meta({ description: 'activity, task, later deal stage changes' }),
    id: z.uuid(),
    at: z.iso.datetime().meta({ description: "An activity's start, a task's due time" }),
    title: z.string(),
    userId: z.uuid().nullable().meta({ description: 'Owner of an activity, assignee of a task' }),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TimelineEntry' });

export const TimelineSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    days: z.array(z.object({ date: z.string(), items: z.array(EntrySchema) })),
    truncated: z
      .array(z.string())
      .meta({ description: 'Kinds with more than 1000 entries in the range, cut; ask for a shorter range' }),
  })
  .meta({ id: 'Timeline' });
