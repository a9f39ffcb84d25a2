// The pipelines API contract: pipelines of deals or leads, and the stage editor.
import { z } from 'zod';

export const PIPELINE_KINDS = ['deal', 'lead'] as const;
export type PipelineKind = (typeof PIPELINE_KINDS)[number];
export const STAGE_OUTCOMES = ['won', 'lost'] as const;
export type StageOutcome = (typeof STAGE_OUTCOMES)[number];

const StageName = z.string().trim().min(1, 'a stage needs a name').max(80, 'at most 80 characters');
const Probability = z
  .number({ error: 'a win probability in percent, 0 to 100' })
  .int('a whole number of percent, 0 to 100')
  .min(0, 'a win probability in percent, 0 to 100')
  .max(100, 'a win probability in percent, 0 to 100');
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a hex color like #0078d4');
const Outcome = z
  .enum(STAGE_OUTCOMES)
  .nullable()
  .meta({ description: 'won or lost for an end stage; null for a stage a deal is still open in' });

export const StageInputSchema = z
  .object({
    name: StageName,
    probability: Probability,
    color: Color.nullable().optional(),
    outcome: Outcome.optional(),
  })
  .strict()
  .meta({ id: 'StageInput' });
export type StageInput = z.output<typeof StageInputSchema>;

/** Stage names unique in a pipeline, at least one stage a deal can be open in. */
function checkStages(stages: readonly StageInput[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  for (const [index, stage] of stages.entries()) {
    const key = stage.name.toLowerCase();
    if (seen.has(key)) {
      ctx.addIssue({ code: 'custom', path: ['stages', index, 'name'], message: `the name of stage ${seen.get(key)}` });
    }
    seen.set(key, index);
  }
  if (!stages.some((stage) => !stage.outcome)) {
    ctx.addIssue({ code: 'custom', path: ['stages'], message: 'at least one stage must be open (outcome null)' });
  }
}

export const CreatePipelineSchema = z
  .object({
    name: z.string().trim().min(1, 'a pipeline needs a name').max(120, 'at most 120 characters'),
    kind: z.enum(PIPELINE_KINDS),
    stages: z.array(StageInputSchema).min(1, 'a pipeline needs at least one stage').max(30, 'at most 30 stages'),
  })
  .strict()
  .superRefine((pipeline, ctx) => checkStages(pipeline.stages, ctx))
  .meta({ id: 'CreatePipeline' });
export type CreatePipeline = z.output<typeof CreatePipelineSchema>;

export const RenamePipelineSchema = z
  .object({ name: z.string().trim().min(1, 'a pipeline needs a name').max(120, 'at most 120 characters') })
  .strict()
  .meta({ id: 'RenamePipeline' });

export const AddStageSchema = StageInputSchema.extend({
  position: z
    .number()
    .int()
    .min(0)
    .max(30)
    .optional()
    .meta({ description: 'Where the stage goes (0 = first); by default before the end stages' }),
})
  .strict()
  .meta({ id: 'AddStage' });

export const UpdateStageSchema = z
  .object({
    name: StageName.optional(),
    probability: Probability.optional(),
    color: Color.nullable().optional(),
    outcome: Outcome.optional(),
  })
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'send name, probability, color or outcome')
  .meta({ id: 'UpdateStage' });
export type UpdateStage = z.output<typeof UpdateStageSchema>;

export const StageOrderSchema = z
  .object({
    stageIds: z
      .array(z.uuid())
      .min(1)
      .max(30)
      .meta({ description: 'Every active stage of the pipeline, in the new order' }),
  })
  .strict()
  .meta({ id: 'StageOrder' });

export const ArchiveStageSchema = z
  .object({
    moveDealsTo: z
      .uuid()
      .optional()
      .meta({ description: 'A stage of the same pipeline (and the same outcome) that takes over the deals' }),
  })
  .strict()
  .meta({ id: 'ArchiveStage' });

export const StageSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    probability: z.number().int(),
    color: z.string().nullable(),
    outcome: z.enum(STAGE_OUTCOMES).nullable(),
    position: z.number().int(),
  })
  .meta({ id: 'Stage' });
export type StageView = z.infer<typeof StageSchema>;

export const PipelineSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(PIPELINE_KINDS),
    name: z.string(),
    stages: z.array(StageSchema).meta({ description: 'Active stages in order' }),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Pipeline' });
export type PipelineView = z.infer<typeof PipelineSchema>;

export const PipelineParamsSchema = z.object({ id: z.uuid() });
export const StageParamsSchema = z.object({ id: z.uuid(), stageId: z.uuid() });

export const PipelineListSchema = z.object({ items: z.array(PipelineSchema) }).meta({ id: 'PipelineList' });
