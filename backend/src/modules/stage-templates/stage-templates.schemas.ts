// The stage task templates contract (D3): what entering a stage asks of whom, by when, and whether
// a deal moves on by itself once a stage's required tasks are done.
import { z } from 'zod';
import { durationMs } from '../tasks/task-time.ts';

export const ASSIGNEE_RULES = ['deal_owner', 'user', 'team'] as const;
export type AssigneeRule = (typeof ASSIGNEE_RULES)[number];
export const TEMPLATE_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** Longest relative due date: ten years. */
const MAX_DUE_MS = 3650 * 24 * 3_600_000;

const DueIn = z
  .string()
  .max(40)
  .refine((value) => {
    const ms = durationMs(value);
    return ms !== null && ms > 0 && ms <= MAX_DUE_MS;
  }, 'an ISO 8601 duration such as PT4H, P2D or P1W')
  .meta({ description: 'Due this long after the deal enters the stage (a time), e.g. PT4H or P2D' });

const DueInDays = z
  .number({ error: 'a whole number of days, 0 to 3650' })
  .int('a whole number of days, 0 to 3650')
  .min(0, 'a whole number of days, 0 to 3650')
  .max(3650, 'a whole number of days, 0 to 3650')
  .meta({ description: 'Due on the day this many days after the deal enters the stage (all day, Europe/Berlin)' });

const templateFields = {
  title: z.string().trim().min(1, 'a task template needs a title').max(300, 'at most 300 characters'),
  description: z
    .string()
    .trim()
    .max(4000, 'at most 4000 characters')
    .nullable()
    .optional()
    .transform((value) => (value === '' ? null : value)),
  dueInDays: DueInDays.nullable().optional(),
  dueIn: DueIn.nullable().optional(),
  assigneeRule: z
    .enum(ASSIGNEE_RULES)
    .meta({ description: "deal_owner (the deal's owner), user (userId) or team (teamId)" }),
  userId: z.uuid().nullable().optional().meta({ description: 'The user the tasks go to, for the rule user' }),
  teamId: z.uuid().nullable().optional().meta({ description: 'The team the tasks go to, for the rule team' }),
  priority: z.enum(TEMPLATE_PRIORITIES).optional(),
  required: z
    .boolean()
    .optional()
    .meta({ description: 'Must be done before the deal moves on by itself (default false)' }),
  position: z.number().int().min(0).max(1000).optional().meta({ description: 'Order in the stage; default last' }),
};

type TemplateInput = { [K in keyof typeof templateFields]?: unknown };

/** The rule and its user or team belong together; one relative due date at most. */
function consistent(input: TemplateInput, ctx: z.RefinementCtx, partial: boolean): void {
  const given = (value: unknown) => value !== undefined && value !== null;
  if (given(input.dueInDays) && given(input.dueIn)) {
    ctx.addIssue({
      code: 'custom',
      path: ['dueIn'],
      message: 'send dueInDays (a day) or dueIn (a duration), not both',
    });
  }
  if (partial && input.assigneeRule === undefined) return;
  if (input.assigneeRule === 'user' && !given(input.userId)) {
    ctx.addIssue({ code: 'custom', path: ['userId'], message: 'the rule user needs the userId' });
  }
  if (input.assigneeRule === 'team' && !given(input.teamId)) {
    ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'the rule team needs the teamId' });
  }
  if (input.assigneeRule !== 'user' && given(input.userId)) {
    ctx.addIssue({ code: 'custom', path: ['userId'], message: 'userId belongs to the rule user' });
  }
  if (input.assigneeRule !== 'team' && given(input.teamId)) {
    ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'teamId belongs to the rule team' });
  }
}

export const CreateTaskTemplateSchema = z
  .object(templateFields)
  .strict()
  .superRefine((input, ctx) => consistent(input, ctx, false))
  .meta({ id: 'CreateStageTaskTemplate' });
export type CreateTaskTemplate = z.output<typeof CreateTaskTemplateSchema>;

export const UpdateTaskTemplateSchema = z
  .object({
    ...templateFields,
    title: templateFields.title.optional(),
    assigneeRule: templateFields.assigneeRule.optional(),
  })
  .strict()
  .superRefine((input, ctx) => consistent(input, ctx, true))
  .refine((input) => Object.keys(input).length > 0, 'send at least one field to change')
  .meta({ id: 'UpdateStageTaskTemplate', description: 'Fields sent replace, null clears' });
export type UpdateTaskTemplate = z.output<typeof UpdateTaskTemplateSchema>;

export const TaskTemplateSchema = z
  .object({
    id: z.uuid(),
    pipelineId: z.uuid(),
    stageId: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    dueInDays: z.number().int().nullable(),
    dueIn: z.string().nullable(),
    assigneeRule: z.enum(ASSIGNEE_RULES),
    userId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    priority: z.enum(TEMPLATE_PRIORITIES),
    required: z.boolean(),
    position: z.number().int(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    createdBy: z.uuid().nullable(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.uuid().nullable(),
  })
  .meta({ id: 'StageTaskTemplate' });
export type TaskTemplateView = z.infer<typeof TaskTemplateSchema>;

export const TaskTemplateListSchema = z
  .object({
    stageId: z.uuid(),
    autoAdvance: z
      .boolean()
      .meta({ description: 'Whether a deal leaves this stage by itself once its required tasks are done' }),
    items: z.array(TaskTemplateSchema),
  })
  .meta({ id: 'StageTaskTemplateList' });

export const TemplateStageParamsSchema = z.object({ id: z.uuid(), stageId: z.uuid() });
export const TemplateParamsSchema = z.object({ id: z.uuid(), stageId: z.uuid(), templateId: z.uuid() });

export const AutomationSchema = z
  .object({
    pipelineId: z.uuid(),
    autoAdvance: z.boolean().meta({ description: "The pipeline's setting, for stages that do not say otherwise" }),
    stages: z.array(
      z.object({
        stageId: z.uuid(),
        name: z.string(),
        autoAdvance: z.boolean().nullable().meta({ description: "The stage's own setting; null: as the pipeline" }),
        effective: z.boolean(),
        templates: z.number().int(),
        requiredTemplates: z.number().int(),
      }),
    ),
    version: z.number().int().meta({ description: "The pipeline's version: send as If-Match when changing" }),
  })
  .meta({ id: 'PipelineAutomation' });
export type AutomationView = z.infer<typeof AutomationSchema>;

export const UpdateAutomationSchema = z
  .object({
    autoAdvance: z.boolean().optional(),
    stages: z
      .array(z.object({ stageId: z.uuid(), autoAdvance: z.boolean().nullable() }).strict())
      .max(30)
      .optional()
      .meta({ description: 'Stages whose own setting changes (null: as the pipeline)' }),
  })
  .strict()
  .refine((input) => input.autoAdvance !== undefined || input.stages !== undefined, 'send autoAdvance or stages')
  .meta({ id: 'UpdatePipelineAutomation' });
export type UpdateAutomation = z.output<typeof UpdateAutomationSchema>;
