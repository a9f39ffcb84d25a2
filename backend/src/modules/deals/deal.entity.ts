// Deals, the stages they went through, the tasks their stages made and the board's column totals.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, trashable, userRef } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { boardChangeTriggers } from '../board/board-change.entity.ts';
import { BusinessContact, Organization, Person } from '../contacts/contact.entity.ts';
import {
  pipelineRecordChecks,
  pipelineRecordIndexes,
  pipelineRecordProperties,
  pipelineRecordUniques,
} from '../pipeline-records/pipeline-record.entity.ts';
import { Pipeline, PipelineStage } from '../pipelines/pipeline.entity.ts';
import { StageTaskTemplate } from '../stage-templates/stage-task-template.entity.ts';
import { Task } from '../tasks/task.entity.ts';

export const DealSchema = defineEntity({
  name: 'Deal',
  tableName: 'deal',
  filters: trashable(),
  policies: tenantIsolation(),
  // The board's column totals (deal_stage_total), kept by statement triggers with transition
  // tables, which the trigger builder cannot express: declared as the migration created them.
  triggers: [
    {
      name: 'deal_stage_totals_insert',
      timing: 'after',
      events: ['insert'],
      forEach: 'statement',
      expression:
        'create trigger deal_stage_totals_insert after insert on deal referencing new table as new_deals for each statement execute function crm_deal_stage_totals()',
    },
    {
      name: 'deal_stage_totals_update',
      timing: 'after',
      events: ['update'],
      forEach: 'statement',
      expression:
        'create trigger deal_stage_totals_update after update on deal referencing old table as old_deals new table as new_deals for each statement execute function crm_deal_stage_totals()',
    },
    {
      name: 'deal_stage_totals_delete',
      timing: 'after',
      events: ['delete'],
      forEach: 'statement',
      expression:
        'create trigger deal_stage_totals_delete after delete on deal referencing old table as old_deals for each statement execute function crm_deal_stage_totals()',
    },
    // Live boards: each write appends its pipelines to board_change.
    ...boardChangeTriggers('deal'),
  ],
  indexes: [
    ...pipelineRecordIndexes('deal'),
    {
      name: 'deal_business_contact_idx',
      where: 'business_contact_id IS NOT NULL',
      properties: ['tenant', 'businessContact'],
    },
    {
      // Reports: won and lost deals by close date (the win/loss analysis of a period).
      name: 'deal_closed_idx',
      where: '(deleted_at IS NULL) AND (closed_at IS NOT NULL)',
      properties: ['tenant', 'closedAt'],
    },
    {
      // Dashboards: win rate and lost reasons count the closed deals (a sixth of all at most) of a
      // period from the index alone, rather than every deal of the tenant.
      name: 'deal_outcome_idx',
      expression: `create index deal_outcome_idx on deal (tenant_id, closed_at)
        include (status, pipeline_id, owner_id, lost_reason_id) where deleted_at is null and status <> 'open'`,
    },
    {
      // The start page's deals that need attention: my open deals by close date.
      name: 'deal_attention_idx',
      where: "status = 'open' AND deleted_at IS NULL",
      properties: ['tenant', 'ownerId', 'expectedCloseDate'],
    },
    {
      name: 'deal_organization_idx',
      where: 'organization_id IS NOT NULL',
      properties: ['tenant', 'organization'],
    },
    {
      name: 'deal_person_idx',
      where: 'person_id IS NOT NULL',
      properties: ['tenant', 'person'],
    },
  ],
  uniques: [
    ...pipelineRecordUniques('deal'),
    {
      // Dashboards: the top open deals by value (a descending key is written out too).
      name: 'deal_top_idx',
      expression: `create index deal_top_idx on deal (tenant_id, value desc, id)
        where status = 'open' and deleted_at is null`,
    },
    {
      // Dashboards: the forecast of open deals by close month, from the index alone.
      name: 'deal_forecast_idx',
      expression: `create index deal_forecast_idx on deal (tenant_id, expected_close_date)
        include (pipeline_id, stage_id, owner_id, value, currency)
        where status = 'open' and deleted_at is null and expected_close_date is not null`,
    },
  ],
  checks: pipelineRecordChecks('deal'),
  properties: {
    ...pipelineRecordProperties(['open', 'won', 'lost']),
    person: () => p.manyToOne(Person).fieldName('person_id').nullable(),
    organization: () => p.manyToOne(Organization).fieldName('organization_id').nullable(),
    businessContact: () => p.manyToOne(BusinessContact).fieldName('business_contact_id').nullable(),
    expectedCloseDate: p.date().nullable(),
  },
});
export class Deal extends DealSchema.class {}
DealSchema.setClass(Deal);

export const DealStageChangeSchema = defineEntity({
  name: 'DealStageChange',
  tableName: 'deal_stage_change',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'deal_stage_change_deal_idx',
      properties: ['tenant', 'deal', 'changedAt', 'id'],
    },
    {
      name: 'deal_stage_change_time_idx',
      properties: ['tenant', 'changedAt', 'id'],
    },
    {
      // The deal's open stay, which the next stage change ends (the trigger below).
      name: 'deal_stage_change_open_idx',
      where: 'left_at IS NULL',
      properties: ['tenant', 'deal'],
    },
    {
      // Pipeline velocity: a pipeline's finished stays by when they ended, from the index alone.
      name: 'deal_stage_change_left_idx',
      expression: `create index deal_stage_change_left_idx on deal_stage_change (tenant_id, pipeline_id, left_at)
        include (to_stage_id, deal_id, changed_at) where left_at is not null`,
    },
  ],
  triggers: [
    {
      // A stage change ends the deal's stay in its previous stage, whoever writes it.
      name: 'deal_stage_change_left',
      timing: 'before',
      events: ['insert'],
      forEach: 'row',
      expression:
        'create trigger deal_stage_change_left before insert on deal_stage_change for each row execute function crm_deal_stage_left()',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    deal: () => p.manyToOne(Deal).fieldName('deal_id').deleteRule('cascade'),
    pipeline: () => p.manyToOne(Pipeline).fieldName('pipeline_id').deleteRule('no action'),
    fromStage: () => p.manyToOne(PipelineStage).fieldName('from_stage_id').deleteRule('no action').nullable(),
    toStage: () => p.manyToOne(PipelineStage).fieldName('to_stage_id').deleteRule('no action'),
    changedAt: p.datetime().defaultRaw(`now()`),
    changedBy: () => userRef('changed_by'),
    /** When the stay this change began ended: the deal's next stage change (null while it lasts). */
    leftAt: p.datetime().nullable(),
  },
});
export class DealStageChange extends DealStageChangeSchema.class {}
DealStageChangeSchema.setClass(DealStageChange);

export const DealStageTaskSchema = defineEntity({
  name: 'DealStageTask',
  tableName: 'deal_stage_task',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'deal_stage_task_task_idx',
      where: 'task_id IS NOT NULL',
      properties: ['task'],
    },
  ],
  properties: {
    tenant: () => tenantColumn(),
    deal: () => p.manyToOne(Deal).fieldName('deal_id').primary().updateRule('no action'),
    template: () =>
      p
        .manyToOne(StageTaskTemplate)
        .fieldName('template_id')
        .primary()
        .updateRule('no action')
        .index('deal_stage_task_template_idx'),
    stage: () =>
      p.manyToOne(PipelineStage).fieldName('stage_id').deleteRule('no action').index('deal_stage_task_stage_idx'),
    task: () => p.manyToOne(Task).fieldName('task_id').nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});
export class DealStageTask extends DealStageTaskSchema.class {}
DealStageTaskSchema.setClass(DealStageTask);

export const DealStageTotalSchema = defineEntity({
  name: 'DealStageTotal',
  tableName: 'deal_stage_total',
  policies: tenantIsolation(),
  uniques: [
    {
      name: 'deal_stage_total_tenant_id_pipeline_id_stage_id_owner_id_cu_key',
      properties: ['tenant', 'pipelineId', 'stageId', 'ownerId', 'currency'],
    },
  ],
  properties: {
    id: p.bigint().primary().autoincrement(),
    tenant: () => tenantColumn(),
    pipelineId: p.uuid(),
    stageId: p.uuid(),
    ownerId: p.uuid().nullable(),
    currency: p.text(),
    deals: p.integer(),
    value: p.decimal().precision(22).scale(4),
  },
});
export class DealStageTotal extends DealStageTotalSchema.class {}
DealStageTotalSchema.setClass(DealStageTotal);
