// The tasks API contract: tasks, delegation, dependencies, order, my tasks and absences.
import { z } from 'zod';
import { FilterQueryParam } from '../../http/filters.ts';
import { FieldSortParam, ListWindowQuerySchema } from '../../http/list-window.ts';
import { pageOf } from '../../http/pagination.ts';
import { HistoryItemSchema } from '../records/records.schemas.ts';
import { canonicalTimeZone, durationMs, MAX_REMIND_BEFORE_MS } from './task-time.ts';

export const TASK_STATUSES = ['open', 'in_progress', 'waiting', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
const optionalText = (max: number) =>
  text(max)
    .nullable()
    .optional()
    .transform((value) => (value === '' ? null : value));

export const DateTimeSchema = z.iso
  .datetime({
    offset: true,
    error: 'a date and time in ISO 8601 with its offset, e.g. 2026-12-01T09:00:00+01:00',
  })
  .meta({ description: 'ISO 8601 date and time with offset, e.g. 2026-12-01T09:00:00+01:00' });

const DateSchema = z.iso.date({ error: 'a calendar date in ISO 8601, e.g. 2026-12-01' });

export const TimeZoneSchema = z
  .string()
  .max(64, 'at most 64 characters')
  .transform((name, ctx) => {
    const zone = canonicalTimeZone(name);
    if (!zone) {
      ctx.addIssue({ code: 'custom', message: 'not a time zone; use an IANA name such as Europe/Berlin' });
      return z.NEVER;
    }
    return zone;
  })
  .meta({ description: 'IANA time zone, e.g. Europe/Berlin' });

const RemindBeforeSchema = z
  .string()
  .max(40)
  .refine((value) => {
    const ms = durationMs(value);
    return ms !== null && ms > 0 && ms <= MAX_REMIND_BEFORE_MS;
  }, 'an ISO 8601 duration of up to a year, e.g. PT15M, PT2H or P1D')
  .meta({ description: 'How long before dueAt to remind, ISO 8601, e.g. PT15M' });

export const TaskLinkSchema = z
  .object({
    type: z.string().regex(/^[a-z_]{1,40}$/, 'a record type such as person, organization or business_contact'),
    id: z.uuid(),
  })
  .strict()
  .meta({ id: 'TaskLink', description: 'A record the task is about' });

const taskFields = {
  title: text(300).min(1, 'a task needs a title'),
  description: optionalText(20_000),
  assigneeId: z.uuid().nullable().optional().meta({ description: 'The user who does it (or teamId)' }),
  teamId: z.uuid().nullable().optional().meta({ description: 'The team that does it (or assigneeId)' }),
  ownerId: z.uuid().nullable().optional(),
  status: z.enum(TASK_STATUSES).optional(),
  priority: z.enum(TASK_PRIORITIES).optional(),
  dueAt: DateTimeSchema.nullable().optional(),
  dueOn: DateSchema.nullable()
    .optional()
    .meta({ description: 'Due on a whole day (all-day task) in timeZone, instead of dueAt' }),
  timeZone: TimeZoneSchema.optional(),
  followUpOn: DateSchema.nullable().optional().meta({ description: 'Follow-up date (Wiedervorlage)' }),
  remindAt: DateTimeSchema.nullable().optional(),
  remindBefore: RemindBeforeSchema.nullable().optional(),
  links: z.array(TaskLinkSchema).max(50, 'at most 50 links').optional(),
};

type TaskInput = { [K in keyof typeof taskFields]?: unknown };

/** Pairs that exclude each other. */
function exclusive(input: TaskInput, ctx: z.RefinementCtx): void {
  const both = (a: keyof TaskInput, b: keyof TaskInput, message: string) => {
    if (input[a] !== undefined && input[a] !== null && input[b] !== undefined && input[b] !== null) {
      ctx.addIssue({ code: 'custom', path: [b], message });
    }
  };
  both('assigneeId', 'teamId', 'a task is for a user (assigneeId) or a team (teamId), not both');
  both('dueAt', 'dueOn', 'send dueAt (a time) or dueOn (a whole day), not both');
  both('remindAt', 'remindBefore', 'send remindAt (a time) or remindBefore (an offset), not both');
}

export const CreateTaskSchema = z.object(taskFields).strict().superRefine(exclusive).meta({ id: 'CreateTask' });
export const UpdateTaskSchema = z
  .object({ ...taskFields, title: taskFields.title.optional() })
  .strict()
  .superRefine(exclusive)
  .meta({ id: 'UpdateTask' });
export type CreateTask = z.output<typeof CreateTaskSchema>;
export type UpdateTask = z.output<typeof UpdateTaskSchema>;

export const DelegateSchema = z
  .object({ toUserId: z.uuid(), note: optionalText(2000) })
  .strict()
  .meta({ id: 'DelegateTask' });
export const DeclineSchema = z
  .object({ reason: text(2000).min(1, 'say why you decline, so the delegator knows what to do') })
  .strict()
  .meta({ id: 'DeclineDelegation' });
export const SetDependenciesSchema = z
  .object({ taskIds: z.array(z.uuid()).max(100, 'at most 100 prerequisites') })
  .strict()
  .meta({ id: 'SetTaskDependencies' });
export const AddDependencySchema = z.object({ taskId: z.uuid() }).strict().meta({ id: 'AddTaskDependency' });
export const MoveSchema = z
  .object({ beforeId: z.uuid().optional(), afterId: z.uuid().optional() })
  .strict()
  .superRefine((input, ctx) => {
    if ((input.beforeId === undefined) === (input.afterId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['beforeId'], message: 'send either beforeId or afterId' });
    }
  })
  .meta({ id: 'MoveTask' });

export const TaskIdParams = z.object({ id: z.uuid() });
export const DependencyParams = z.object({ id: z.uuid(), dependsOnId: z.uuid() });

export const TASK_SORTS = ['dueAt', '-dueAt', 'priority', '-updatedAt', 'rank'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export const TaskListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  sort: z
    .union([z.enum(TASK_SORTS), FieldSortParam])
    .default('dueAt')
    .meta({
      description:
        'dueAt (soonest first, undated last), -dueAt, priority (urgent first, then dueAt), -updatedAt, rank (personal order), or any field the list filters by (- for descending)',
    }),
  ...ListWindowQuerySchema.shape,
  filter: FilterQueryParam.optional().meta({
    description:
      'Filter tree over title, description, status, priority, assigneeId, teamId, ownerId, createdBy, delegatedBy, delegationState, dueAt, allDay, followUpOn, remindAt, completedAt, createdAt, updatedAt',
  }),
  record: z
    .string()
    .regex(/^[a-z_]{1,40}:[0-9a-fA-F-]{36}$/, 'type:id of a record, e.g. person:0190f3c4-…')
    .transform((value) => {
      const [type, id] = value.split(':') as [string, string];
      return { type, id: id.toLowerCase() };
    })
    .optional()
    .meta({ description: 'Only tasks linked to this record, as type:id' }),
});
export type TaskListQuery = z.output<typeof TaskListQuerySchema>;

// ---- views --------------------------------------------------------------------------------

const iso = z.iso.datetime({ offset: true });

export const TaskViewSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    assigneeId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    ownerId: z.uuid().nullable(),
    status: z.enum(TASK_STATUSES),
    priority: z.enum(TASK_PRIORITIES),
    dueAt: iso.nullable(),
    allDay: z.boolean(),
    dueOn: z.string().nullable().meta({ description: 'The due day of an all-day task, in its time zone' }),
    timeZone: z.string(),
    followUpOn: z.string().nullable(),
    remindAt: iso.nullable(),
    remindBefore: z.string().nullable(),
    completedAt: iso.nullable(),
    completedBy: z.uuid().nullable(),
    rank: z.string(),
    links: z.array(TaskLinkSchema),
    dependsOn: z.array(
      z.object({ id: z.uuid(), title: z.string(), status: z.enum(TASK_STATUSES) }).meta({ id: 'TaskPrerequisite' }),
    ),
    delegation: z
      .object({
        state: z.enum(['pending', 'accepted', 'declined']),
        delegatedBy: z.uuid().nullable(),
        delegatedAt: iso.nullable(),
        note: z.string().nullable(),
        reason: z.string().nullable().meta({ description: 'Why the delegate declined' }),
      })
      .nullable()
      .meta({ id: 'TaskDelegation' }),
    substitution: z
      .object({ forUserId: z.uuid(), absenceId: z.uuid().nullable(), until: iso.nullable() })
      .nullable()
      .meta({ id: 'TaskSubstitution', description: 'Assigned to a substitute while forUserId is away' }),
    version: z.number().int(),
    createdAt: iso,
    createdBy: z.uuid().nullable(),
    updatedAt: iso,
    updatedBy: z.uuid().nullable(),
    deletedAt: iso.nullable(),
  })
  .meta({ id: 'Task' });
export type TaskView = z.infer<typeof TaskViewSchema>;

export const TasksPageSchema = pageOf(TaskViewSchema, 'TasksPage');

export const TrashedTaskSchema = z
  .object({ id: z.uuid(), title: z.string(), deletedAt: iso, deletedBy: z.uuid().nullable() })
  .meta({ id: 'TrashedTask' });
export const TrashedTasksPageSchema = pageOf(TrashedTaskSchema, 'TrashedTasksPage');

const MyTasksSectionSchema = z
  .object({
    total: z.number().int().meta({ description: 'How many tasks the section has (items shows the first ones)' }),
    items: z.array(TaskViewSchema),
  })
  .meta({ id: 'MyTasksSection' });

export const MyTasksQuerySchema = z.object({
  timeZone: TimeZoneSchema.optional().meta({ description: 'Your time zone for today and the next days' }),
  limit: z.coerce.number().int().min(1).max(100).default(50).meta({ description: 'Tasks shown per section' }),
});

export const MyTasksSchema = z
  .object({
    timeZone: z.string(),
    date: z.string().meta({ description: 'Today in timeZone' }),
    overdue: MyTasksSectionSchema,
    today: MyTasksSectionSchema,
    next7Days: MyTasksSectionSchema,
    waitingForMe: MyTasksSectionSchema,
    delegatedByMe: MyTasksSectionSchema,
    counts: z.object({
      byStatus: z.record(z.enum(TASK_STATUSES), z.number().int()),
      byPriority: z.record(z.enum(TASK_PRIORITIES), z.number().int()),
    }),
  })
  .meta({ id: 'MyTasks' });
export type MyTasks = z.infer<typeof MyTasksSchema>;

// ---- absences -----------------------------------------------------------------------------

const absenceFields = {
  from: DateTimeSchema,
  to: DateTimeSchema,
  substituteId: z.uuid(),
  note: optionalText(500),
};

function fromBeforeTo(input: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (input.from && input.to && Date.parse(input.to) <= Date.parse(input.from)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'the absence must end after it begins' });
  }
}

export const CreateAbsenceSchema = z
  .object(absenceFields)
  .strict()
  .superRefine(fromBeforeTo)
  .meta({ id: 'CreateAbsence' });
export const UpdateAbsenceSchema = z
  .object({
    from: absenceFields.from.optional(),
    to: absenceFields.to.optional(),
    substituteId: absenceFields.substituteId.optional(),
    note: absenceFields.note,
  })
  .strict()
  .superRefine(fromBeforeTo)
  .meta({ id: 'UpdateAbsence' });
export type CreateAbsence = z.output<typeof CreateAbsenceSchema>;
export type UpdateAbsence = z.output<typeof UpdateAbsenceSchema>;

export const ReturnSchema = z
  .object({
    giveBack: z.boolean().default(false).meta({ description: 'Move still-open tasks from the substitute back to you' }),
  })
  .strict()
  .meta({ id: 'ReturnFromAbsence' });

export const AbsenceViewSchema = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    substituteId: z.uuid(),
    from: iso,
    to: iso,
    note: z.string().nullable(),
    active: z.boolean().meta({ description: 'Begun, not yet over and not returned from' }),
    handedOverAt: iso.nullable(),
    returnedAt: iso.nullable(),
    version: z.number().int(),
    createdAt: iso,
    createdBy: z.uuid().nullable(),
    updatedAt: iso,
  })
  .meta({ id: 'Absence' });
export type AbsenceView = z.infer<typeof AbsenceViewSchema>;
export const AbsencesPageSchema = pageOf(AbsenceViewSchema, 'AbsencesPage');
export const ReturnResultSchema = z
  .object({ absence: AbsenceViewSchema, returnedTasks: z.number().int() })
  .meta({ id: 'AbsenceReturn' });

export const AbsenceParams = z.object({ id: z.uuid() });
export const UserIdParams = z.object({ id: z.uuid() });
export const UserAbsenceParams = z.object({ id: z.uuid(), absenceId: z.uuid() });

// A task's history reads as any record's: who by name, and the names of what the ids refer to.
export const TaskHistoryPageSchema = pageOf(HistoryItemSchema, 'TaskHistoryPage');
