// The activities API contract: activity types, activities, logged calls.
import { z } from 'zod';
import { FilterQueryParam } from '../../http/filters.ts';
import { FieldSortParam, ListWindowQuerySchema } from '../../http/list-window.ts';
import { PageQuerySchema, pageOf } from '../../http/pagination.ts';

const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
const clearable = (max: number) =>
  text(max)
    .nullable()
    .optional()
    .transform((value) => (value === '' ? null : value));

/** An instant with its offset, e.g. 2026-11-24T09:30:00+01:00; a time without offset is ambiguous. */
export const InstantSchema = z.iso
  .datetime({ offset: true, message: 'an ISO 8601 date and time with offset, e.g. 2026-11-24T09:30:00+01:00' })
  .transform((value) => new Date(value).toISOString());

export const RecordRefSchema = z
  .object({
    type: z.string().regex(/^[a-z_]{1,40}$/, 'a record type such as person, organization, business_contact'),
    id: z.uuid('a record id (UUID)'),
  })
  .strict()
  .meta({ id: 'RecordLink' });

export const LinksSchema = z.array(RecordRefSchema).max(50, 'at most 50 links');

/** `record=person:<uuid>` in a query: only what is linked to this record. */
export const RecordQueryParam = z
  .string()
  .regex(/^[a-z_]{1,40}:[0-9a-fA-F-]{36}$/, 'type:id of a record, e.g. person:0190f3c4-5b6a-7c8d-9e0f-123456789abc')
  .transform((value) => {
    const [type, id] = value.split(':') as [string, string];
    return { type, id: id.toLowerCase() };
  })
  .meta({ description: 'type:id of a record; only what is linked to it' });

// ---- activity types --------------------------------------------------------------------

export const ActivityTypeKeySchema = z.enum(['call', 'email', 'meeting', 'visit']);
const TypeName = text(80).min(1, 'a name is needed');
const Color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a color as #rrggbb, e.g. #0f6cbd')
  .transform((color) => color.toLowerCase());
const Icon = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'an icon name of lower-case letters, digits and dashes, e.g. vehicle-car');
const NameInput = z.union([TypeName, z.object({ de: TypeName, en: TypeName }).strict()]).meta({
  description: 'One name for both languages, or { de, en }',
});

export const ActivityTypeSchema = z
  .object({
    id: z.uuid(),
    key: ActivityTypeKeySchema.nullable().meta({
      description: 'Set for the seeded types: call, email, meeting, visit',
    }),
    name: z.string().meta({ description: "The name in the caller's language" }),
    names: z.object({ de: z.string(), en: z.string() }),
    color: z.string(),
    icon: z.string(),
    active: z.boolean(),
    version: z.number().int(),
  })
  .meta({ id: 'ActivityType' });

export const CreateActivityTypeSchema = z
  .object({ name: NameInput, color: Color, icon: Icon, active: z.boolean().optional() })
  .strict()
  .meta({ id: 'CreateActivityType' });

export const UpdateActivityTypeSchema = z
  .object({
    name: NameInput.optional(),
    color: Color.optional(),
    icon: Icon.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'UpdateActivityType' });

// ---- activities ------------------------------------------------------------------------

const Direction = z.enum(['inbound', 'outbound']);
const Duration = z.number().int('whole minutes').min(0, 'not negative').max(14400, 'at most 10 days (14400 minutes)');

const TypeSummarySchema = z.object({
  id: z.uuid(),
  key: ActivityTypeKeySchema.nullable(),
  name: z.string(),
  color: z.string(),
  icon: z.string(),
});

export const ActivitySchema = z
  .object({
    id: z.uuid(),
    typeId: z.uuid(),
    type: TypeSummarySchema,
    subject: z.string(),
    description: z.string().nullable(),
    links: z.array(z.object({ type: z.string(), id: z.uuid() })),
    startsAt: z.iso.datetime(),
    durationMinutes: z.number().int().nullable(),
    endsAt: z.iso.datetime().nullable(),
    location: z.string().nullable(),
    allDay: z.boolean(),
    done: z.boolean(),
    outcome: z.string().nullable(),
    direction: Direction.nullable(),
    ownerId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    createdBy: z.uuid().nullable(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.uuid().nullable(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Activity' });

export const ActivitiesPageSchema = pageOf(ActivitySchema, 'ActivitiesPage');

export const CreateActivitySchema = z
  .object({
    typeId: z.uuid(),
    subject: text(300).min(1, 'a subject is needed'),
    description: clearable(20000),
    links: LinksSchema.optional(),
    startsAt: InstantSchema,
    durationMinutes: Duration.nullable().optional(),
    location: clearable(300),
    allDay: z.boolean().optional().meta({ description: 'Lasts whole days (Outlook: all-day event)' }),
    done: z.boolean().optional(),
    outcome: clearable(2000),
    direction: Direction.nullable().optional(),
    ownerId: z.uuid().nullable().optional().meta({ description: 'Defaults to the caller' }),
  })
  .strict()
  .meta({ id: 'CreateActivity' });

export type CreateActivity = z.output<typeof CreateActivitySchema>;

export const UpdateActivitySchema = z
  .object({
    typeId: z.uuid().optional(),
    subject: text(300).min(1, 'a subject is needed').optional(),
    description: clearable(20000),
    links: LinksSchema.optional().meta({ description: 'Replaces the links' }),
    startsAt: InstantSchema.optional(),
    durationMinutes: Duration.nullable().optional(),
    location: clearable(300),
    allDay: z.boolean().optional().meta({ description: 'Lasts whole days (Outlook: all-day event)' }),
    done: z.boolean().optional(),
    outcome: clearable(2000),
    direction: Direction.nullable().optional(),
    ownerId: z.uuid().nullable().optional(),
  })
  .strict()
  .meta({ id: 'UpdateActivity' });

export type UpdateActivity = z.output<typeof UpdateActivitySchema>;

export const ActivityListQuerySchema = PageQuerySchema.extend({
  filter: FilterQueryParam.optional().meta({
    description:
      'A filter tree as JSON over typeId, typeKey, subject, done, startsAt, durationMinutes, direction, ownerId, createdAt, updatedAt',
  }),
  record: RecordQueryParam.optional(),
  sort: z
    .union([z.enum(['-startsAt', 'startsAt']), FieldSortParam])
    .default('-startsAt')
    .meta({ description: '-startsAt (newest first), startsAt, or any field the list filters by (- for descending)' }),
  ...ListWindowQuerySchema.shape,
  trash: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: 'true lists the activities in the trash, most recently deleted first' }),
});

// ---- logged calls ----------------------------------------------------------------------

const NoteBodySchema = z.object({ format: z.enum(['html', 'markdown']), body: z.string() }).strict();

export const LogCallSchema = z
  .object({
    personId: z.uuid(),
    direction: Direction,
    startsAt: InstantSchema,
    durationMinutes: Duration.optional(),
    subject: text(300).min(1).optional().meta({ description: 'Defaults to "Anruf: <person>" / "Call: <person>"' }),
    outcome: clearable(2000),
    note: z
      .union([z.string(), NoteBodySchema])
      .optional()
      .meta({ description: 'The call protocol: Markdown as a string, or { format, body }' }),
    followUp: z
      .object({
        title: text(300).min(1, 'a title is needed'),
        dueAt: InstantSchema,
        assigneeId: z.uuid().optional().meta({ description: 'Defaults to the caller' }),
      })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: 'LogCall' });

export type LogCall = z.output<typeof LogCallSchema>;

export const ActivityTypeListSchema = z.object({ items: z.array(ActivityTypeSchema) }).meta({ id: 'ActivityTypeList' });
