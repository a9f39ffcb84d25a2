// The kanban board contract (D4): per stage the open deals' count, sums per currency and the first
// page of cards; moving a card between and within columns.
import { z } from 'zod';
import { FilterQueryParam } from '../../http/filters.ts';
import { STAGE_OUTCOMES } from '../pipelines/pipelines.schemas.ts';

export const CardSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    value: z.string().meta({ description: "Decimal string with the currency's decimal places" }),
    currency: z.string(),
    ownerId: z.uuid().nullable(),
    ownerName: z.string().nullable().meta({ description: "The owner's display name" }),
    personId: z.uuid().nullable(),
    personName: z.string().nullable(),
    organizationId: z.uuid().nullable(),
    organizationName: z.string().nullable(),
    expectedCloseDate: z.iso.date().nullable(),
    stageEnteredAt: z.iso.datetime(),
    version: z.number().int().meta({ description: 'Send as If-Match when moving the card' }),
  })
  .meta({ id: 'DealCard' });
export type CardView = z.infer<typeof CardSchema>;

export const SumSchema = z
  .object({
    currency: z.string(),
    value: z.string().meta({ description: 'Sum of the values, decimal string' }),
    weighted: z.string().meta({ description: 'Sum of value × probability / 100, decimal string' }),
  })
  .meta({ id: 'StageSum' });

export const BoardStageSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    probability: z.number().int(),
    color: z.string().nullable(),
    outcome: z.enum(STAGE_OUTCOMES).nullable(),
    count: z.number().int().meta({ description: 'Open deals in the stage (that match the filter)' }),
    sums: z.array(SumSchema).meta({ description: 'One per currency, never mixed' }),
    items: z.array(CardSchema),
    nextCursor: z.string().nullable().meta({ description: 'For GET …/board/stages/{stageId}?cursor=' }),
  })
  .meta({ id: 'BoardStage' });

export const BoardSchema = z
  .object({ pipelineId: z.uuid(), stages: z.array(BoardStageSchema) })
  .meta({ id: 'Board', description: 'Open deals of a pipeline by stage' });

export const StagePageSchema = z
  .object({ items: z.array(CardSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'BoardStagePage' });

export const BoardQuerySchema = z.object({
  filter: FilterQueryParam.optional(),
  savedFilterId: z.uuid().optional().meta({ description: 'A saved deal filter; combined with filter by AND' }),
  limit: z.coerce.number().int().min(1).max(100).default(25).meta({ description: 'Cards per stage, 1 to 100' }),
});

export const StagePageQuerySchema = BoardQuerySchema.extend({
  cursor: z.string().max(512).optional().meta({ description: 'nextCursor of the stage' }),
});

export const MoveSchema = z
  .object({
    stageId: z.uuid().meta({ description: 'A stage of the same pipeline' }),
    afterId: z.uuid().optional().meta({ description: 'Put the card right below this card of the stage' }),
    beforeId: z.uuid().optional().meta({ description: 'Put the card right above this card of the stage' }),
    position: z
      .enum(['top', 'bottom'])
      .optional()
      .meta({ description: 'Instead of a neighbour; a card entering a stage goes to the top by default' }),
    lostReasonId: z.uuid().optional().meta({ description: 'Needed when the stage is a lost stage' }),
    lostNote: z.string().trim().max(2000).optional(),
  })
  .strict()
  .refine(
    (move) => [move.afterId, move.beforeId, move.position].filter((given) => given !== undefined).length <= 1,
    'send at most one of afterId, beforeId and position',
  )
  .meta({ id: 'MoveDeal' });
export type Move = z.output<typeof MoveSchema>;

export const BoardOwnersSchema = z
  .object({
    items: z.array(z.object({ id: z.uuid(), displayName: z.string() })).meta({
      description: 'The owners of open cards of the pipeline the caller may see, by name',
    }),
  })
  .meta({ id: 'BoardOwners' });

export const BoardParamsSchema = z.object({ id: z.uuid() });
export const BoardStageParamsSchema = z.object({ id: z.uuid(), stageId: z.uuid() });
