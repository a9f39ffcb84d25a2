// The calendar and timeline view (T8): activities with their times, tasks by their due time and the
// phases of deals (a stage from entering it to leaving it) with how far the phase's tasks are done.
import { z } from 'zod';
import { RecordRefSchema } from '../activities/activities.schemas.ts';
import { canonicalTimeZone, isTimeZone } from '../timeline/time-zones.ts';

export const CALENDAR_ITEM_TYPES = ['activity', 'task', 'phase'] as const;
export type CalendarItemType = (typeof CALENDAR_ITEM_TYPES)[number];

export const CALENDAR_OWNERS = ['me', 'team'] as const;

/** The longest window one request may ask for. */
export const MAX_CALENDAR_DAYS = 100;

const Day = z.iso.date('a date as YYYY-MM-DD, e.g. 2026-11-24');

export const CalendarQuerySchema = z.object({
  from: Day.meta({ description: 'First day, YYYY-MM-DD, in timeZone' }),
  to: Day.meta({ description: `Last day (included), YYYY-MM-DD; at most ${MAX_CALENDAR_DAYS} days from from` }),
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'an IANA time zone such as Europe/Berlin or UTC')
    .transform(canonicalTimeZone)
    .optional()
    .meta({ description: 'The zone the days are cut in; your calendar setting (default Europe/Berlin) unless given' }),
  owner: z
    .enum(CALENDAR_OWNERS)
    .default('team')
    .meta({ description: 'me: what is mine (owner, assignee); team: everything you may see, as the lists show it' }),
  types: z
    .string()
    .transform((value) => value.split(',').filter((type) => type !== ''))
    .pipe(z.array(z.enum(CALENDAR_ITEM_TYPES)).min(1, 'at least one of activity, task, phase'))
    .optional()
    .meta({ description: 'Comma-separated: activity, task, phase; all unless given' }),
});
export type CalendarQuery = z.output<typeof CalendarQuerySchema>;

export const CalendarActivitySchema = z
  .object({
    id: z.uuid(),
    subject: z.string(),
    typeId: z.uuid(),
    typeName: z.string().meta({ description: "The type's name in the request's language" }),
    color: z.string().meta({ description: "The type's colour, #rrggbb" }),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime().nullable().meta({ description: 'Start plus duration; null without a duration' }),
    allDay: z.boolean(),
    done: z.boolean(),
    ownerId: z.uuid().nullable(),
    links: z.array(RecordRefSchema).meta({ description: 'The records it is linked to: the calendar opens their page' }),
  })
  .meta({ id: 'CalendarActivity' });

export const CalendarTaskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    dueAt: z.iso.datetime(),
    allDay: z.boolean(),
    dueOn: z.iso.date().nullable().meta({ description: "An all-day task's day in the task's own zone" }),
    status: z.string(),
    priority: z.string(),
    assigneeId: z.uuid().nullable(),
    links: z.array(RecordRefSchema).meta({ description: 'The records it is linked to: the calendar opens their page' }),
  })
  .meta({ id: 'CalendarTask' });

export const CalendarPhaseSchema = z
  .object({
    dealId: z.uuid(),
    dealTitle: z.string(),
    ownerId: z.uuid().nullable(),
    pipelineId: z.uuid(),
    stageId: z.uuid(),
    stageName: z.string(),
    enteredAt: z.iso.datetime(),
    leftAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When the deal left the stage or was closed in it; null while it is in it' }),
    tasksDone: z.number().int(),
    tasksTotal: z
      .number()
      .int()
      .meta({
        description:
          'Tasks of the phase, cancelled ones left out: those the stage made when the deal entered it, and ' +
          "the deal's other tasks due within the phase",
      }),
  })
  .meta({ id: 'CalendarPhase' });

export const CalendarSchema = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    timeZone: z.string(),
    start: z.iso.datetime().meta({ description: 'The first instant of from in timeZone' }),
    end: z.iso.datetime().meta({ description: 'The first instant after to in timeZone' }),
    activities: z.array(CalendarActivitySchema),
    tasks: z.array(CalendarTaskSchema),
    phases: z.array(CalendarPhaseSchema),
    truncated: z
      .array(z.enum(CALENDAR_ITEM_TYPES))
      .meta({ description: 'Types with more items in the window than one answer holds; ask for a shorter one' }),
  })
  .meta({ id: 'Calendar', description: 'What happens between from and to, by type' });
export type Calendar = z.output<typeof CalendarSchema>;
export type CalendarActivity = z.output<typeof CalendarActivitySchema>;
export type CalendarTask = z.output<typeof CalendarTaskSchema>;
export type CalendarPhase = z.output<typeof CalendarPhaseSchema>;
