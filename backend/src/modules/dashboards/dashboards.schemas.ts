// The dashboards API contract (R1, R2): a dashboard is a name and its widgets in order; each widget
// has a type, a title, a size, a colour and its own filters. Widget data is read per type.
import { z } from 'zod';

export const WIDGET_TYPES = [
  'deals-by-stage',
  'forecast-by-month',
  'win-rate',
  'lost-reasons',
  'my-tasks',
  'activities-due',
  'top-deals',
  'new-leads-by-source',
  'pipeline-velocity',
  'team-activity',
] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];

export const WIDGET_SIZES = ['small', 'medium', 'large'] as const;

const IsoDay = z.iso.date({ error: 'a day as YYYY-MM-DD' });

/** What a widget shows: a deal pipeline, one owner's records or only the viewer's, a period. */
export const WidgetFiltersSchema = z
  .object({
    pipelineId: z.uuid().optional().meta({ description: 'A deal pipeline (default: the first one)' }),
    ownerId: z.uuid().optional().meta({ description: "One colleague's records (of those the viewer may see)" }),
    from: IsoDay.optional().meta({ description: 'First day of the period (inclusive)' }),
    to: IsoDay.optional().meta({ description: 'Last day of the period (inclusive)' }),
    personal: z.boolean().optional().meta({ description: "Only the viewer's own records" }),
  })
  .strict()
  .refine((filters) => !filters.from || !filters.to || filters.from <= filters.to, {
    message: 'from is on or before to',
    path: ['to'],
  })
  .meta({ id: 'WidgetFilters' });
export type WidgetFilters = z.output<typeof WidgetFiltersSchema>;

export const WidgetSchema = z
  .object({
    id: z.string().min(1).max(64).meta({ description: "The widget's key within its dashboard (chosen by the client)" }),
    type: z.enum(WIDGET_TYPES),
    title: z.string().trim().max(120, 'at most 120 characters').optional(),
    size: z.enum(WIDGET_SIZES).default('medium'),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
      .optional(),
    filters: WidgetFiltersSchema.default({}),
  })
  .strict()
  .meta({ id: 'Widget' });
export type Widget = z.output<typeof WidgetSchema>;

const Widgets = z
  .array(WidgetSchema)
  .max(30, 'at most 30 widgets')
  .refine((widgets) => new Set(widgets.map((widget) => widget.id)).size === widgets.length, 'widget ids are unique');

const Name = z.string().trim().min(1, 'a dashboard needs a name').max(120, 'at most 120 characters');

export const CreateDashboardSchema = z
  .object({ name: Name, widgets: Widgets.default([]) })
  .strict()
  .meta({ id: 'CreateDashboard' });
export type CreateDashboard = z.output<typeof CreateDashboardSchema>;

export const UpdateDashboardSchema = z
  .object({ name: Name.optional(), widgets: Widgets.optional() })
  .strict()
  .refine((change) => change.name !== undefined || change.widgets !== undefined, 'send name, widgets, or both')
  .meta({ id: 'UpdateDashboard' });
export type UpdateDashboard = z.output<typeof UpdateDashboardSchema>;

export const DashboardSchema = z
  .object({
    id: z.uuid().nullable().meta({ description: 'null for the default dashboard, which is not stored' }),
    name: z.string(),
    scope: z
      .enum(['own', 'company', 'default'])
      .meta({ description: "own: the viewer's; company: published by an admin for everyone; default: built in" }),
    ownerId: z.uuid().nullable(),
    widgets: z.array(WidgetSchema),
    publishedAt: z.iso.datetime().nullable(),
    version: z.number().int(),
    editable: z.boolean().meta({ description: 'Whether the viewer may change it' }),
    createdAt: z.iso.datetime().nullable(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Dashboard' });
export type DashboardView = z.output<typeof DashboardSchema>;

export const DashboardListSchema = z
  .object({ items: z.array(DashboardSchema) })
  .meta({ id: 'DashboardList', description: "The viewer's own dashboards, then the company's (or the default)" });

export const WidgetParamsSchema = z.object({ type: z.enum(WIDGET_TYPES) });

export const WidgetQuerySchema = z
  .object({
    pipelineId: z.uuid().optional(),
    ownerId: z.uuid().optional(),
    from: IsoDay.optional(),
    to: IsoDay.optional(),
    personal: z
      .enum(['true', 'false'], { error: 'personal is true or false' })
      .optional()
      .transform((value) => value === 'true'),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    message: 'from is on or before to',
    path: ['to'],
  });
export type WidgetQuery = z.output<typeof WidgetQuerySchema>;

// ---- widget data ----------------------------------------------------------------------------

const Amount = z.string().meta({ description: 'Decimal amount in the currency, as text' });
const MoneySum = z.object({ currency: z.string(), value: Amount, weighted: Amount });

export const DealsByStageWidgetSchema = z.object({
  type: z.literal('deals-by-stage'),
  pipelineId: z.uuid().nullable(),
  stages: z.array(
    z.object({
      stageId: z.uuid(),
      name: z.string(),
      color: z.string().nullable(),
      probability: z.number().int(),
      count: z.number().int(),
      sums: z.array(MoneySum),
    }),
  ),
});

export const ForecastByMonthWidgetSchema = z.object({
  type: z.literal('forecast-by-month'),
  months: z.array(
    z.object({ month: z.string().meta({ description: 'YYYY-MM' }), count: z.number().int(), sums: z.array(MoneySum) }),
  ),
});

export const WinRateWidgetSchema = z.object({
  type: z.literal('win-rate'),
  won: z.number().int(),
  lost: z.number().int(),
  rate: z.number().nullable().meta({ description: 'won / (won + lost), null when none closed' }),
});

export const LostReasonsWidgetSchema = z.object({
  type: z.literal('lost-reasons'),
  items: z.array(z.object({ lostReasonId: z.uuid().nullable(), name: z.string().nullable(), count: z.number().int() })),
});

export const MyTasksWidgetSchema = z.object({
  type: z.literal('my-tasks'),
  total: z.number().int(),
  items: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      status: z.string(),
      priority: z.string(),
      dueAt: z.iso.datetime().nullable(),
    }),
  ),
});

export const ActivitiesDueWidgetSchema = z.object({
  type: z.literal('activities-due'),
  total: z.number().int(),
  items: z.array(
    z.object({ id: z.uuid(), subject: z.string(), startsAt: z.iso.datetime(), ownerId: z.uuid().nullable() }),
  ),
});

export const TopDealsWidgetSchema = z.object({
  type: z.literal('top-deals'),
  items: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      value: Amount,
      currency: z.string(),
      stageName: z.string(),
      ownerName: z.string().nullable(),
      expectedCloseDate: z.iso.date().nullable(),
    }),
  ),
});

export const NewLeadsBySourceWidgetSchema = z.object({
  type: z.literal('new-leads-by-source'),
  items: z.array(z.object({ source: z.string().nullable(), count: z.number().int() })),
});

export const PipelineVelocityWidgetSchema = z.object({
  type: z.literal('pipeline-velocity'),
  pipelineId: z.uuid().nullable(),
  lastDays: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Without a period: the stays that ended in these last days (90); null with a period' }),
  stages: z.array(
    z.object({
      stageId: z.uuid(),
      name: z.string(),
      deals: z.number().int().meta({ description: 'Stays in the stage that ended (in the period)' }),
      averageDays: z.number().nullable(),
      medianDays: z.number().nullable(),
    }),
  ),
});

export const TeamActivityWidgetSchema = z.object({
  type: z.literal('team-activity'),
  items: z.array(
    z.object({
      userId: z.uuid(),
      displayName: z.string(),
      activities: z.number().int(),
      tasksDone: z.number().int(),
      dealsWon: z.number().int(),
    }),
  ),
});

export const WidgetDataSchema = z
  .discriminatedUnion('type', [
    DealsByStageWidgetSchema,
    ForecastByMonthWidgetSchema,
    WinRateWidgetSchema,
    LostReasonsWidgetSchema,
    MyTasksWidgetSchema,
    ActivitiesDueWidgetSchema,
    TopDealsWidgetSchema,
    NewLeadsBySourceWidgetSchema,
    PipelineVelocityWidgetSchema,
    TeamActivityWidgetSchema,
  ])
  .meta({ id: 'WidgetData' });
export type WidgetData = z.output<typeof WidgetDataSchema>;
