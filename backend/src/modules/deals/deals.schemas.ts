// The deals API contract (D2): a sales process with a person, an organization or a business
// contact, a value in a currency, an owner, a pipeline stage and a status.
import { z } from 'zod';
import { pageOf } from '../../http/pagination.ts';
import { recordInput, recordListQuery, recordViewEnd } from '../pipeline-records/pipeline-records.schemas.ts';

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

const Title = z.string().trim().min(1, 'a deal needs a title').max(200, 'at most 200 characters');

const dealFields = {
  title: Title,
  value: recordInput.value,
  currency: recordInput.currency,
  pipelineId: z.uuid().optional().meta({ description: "Default: the stage's pipeline, or the default deal pipeline" }),
  stageId: z.uuid().optional().meta({ description: "Default: the pipeline's first stage" }),
  personId: z.uuid().nullable().optional(),
  organizationId: z.uuid().nullable().optional(),
  businessContactId: z.uuid().nullable().optional(),
  ownerId: z.uuid().nullable().optional().meta({ description: 'Default: the caller' }),
  expectedCloseDate: z.iso.date('a date like 2026-12-31').nullable().optional(),
  status: z.enum(DEAL_STATUSES).optional(),
  lostReasonId: z.uuid().nullable().optional().meta({ description: 'An active deal lost reason; needed when lost' }),
  lostNote: recordInput.lostNote,
  customFields: recordInput.customFields,
};

export const CreateDealSchema = z
  .object(dealFields)
  .strict()
  .meta({ id: 'CreateDeal', description: 'A deal needs a person, an organization or a business contact' });
export type CreateDeal = z.output<typeof CreateDealSchema>;

export const UpdateDealSchema = z
  .object({ ...dealFields, title: Title.optional() })
  .strict()
  .meta({ id: 'UpdateDeal', description: 'Fields sent replace, null clears' });
export type UpdateDeal = z.output<typeof UpdateDealSchema>;

export const DealListQuerySchema = recordListQuery(
  'deals',
  DEAL_STATUSES,
  ['-updatedAt', 'title', 'expectedCloseDate'],
  '-updatedAt (newest change first), title (A–Z) or expectedCloseDate (soonest first), or any field the list filters by (- for descending)',
).extend({
  personId: z.uuid().optional(),
  organizationId: z.uuid().optional(),
});
export type DealListQuery = z.output<typeof DealListQuerySchema>;

export const DealSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    value: z.string().meta({ description: 'Decimal string with the currency\'s decimal places, e.g. "1250.00"' }),
    currency: z.string(),
    pipelineId: z.uuid(),
    stageId: z.uuid(),
    stageName: z.string(),
    probability: z.number().int().meta({ description: "The stage's win probability in percent" }),
    personId: z.uuid().nullable(),
    personName: z.string().nullable(),
    organizationId: z.uuid().nullable(),
    organizationName: z.string().nullable(),
    businessContactId: z.uuid().nullable(),
    ownerId: z.uuid().nullable(),
    expectedCloseDate: z.iso.date().nullable(),
    status: z.enum(DEAL_STATUSES),
    ...recordViewEnd({}),
  })
  .meta({ id: 'Deal' });
export type DealView = z.infer<typeof DealSchema>;

export const DealsPageSchema = pageOf(DealSchema, 'DealsPage');

export const StageChangeSchema = z
  .object({
    id: z.uuid(),
    pipelineId: z.uuid(),
    fromStageId: z.uuid().nullable(),
    fromStageName: z.string().nullable(),
    toStageId: z.uuid(),
    toStageName: z.string(),
    changedAt: z.iso.datetime(),
    changedBy: z.uuid().nullable(),
  })
  .meta({ id: 'DealStageChange' });
export type StageChangeView = z.infer<typeof StageChangeSchema>;

export const DealParamsSchema = z.object({ id: z.uuid() });

export const DealStageChangesSchema = z.object({ items: z.array(StageChangeSchema) }).meta({ id: 'DealStageChanges' });
