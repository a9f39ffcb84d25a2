// Pipelines of stages (deals and leads), lost reasons and the task templates of a stage.
import { defineEntity, p } from '@mikro-orm/core';
import { authorColumns, tenantColumn, tenantIsolation, userRef, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { Team } from '../identity/team.entity.ts';

export const PipelineSchema = defineEntity({
  name: 'Pipeline',
  tableName: 'pipeline',
  policies: tenantIsolation(),
  uniques: [
    {
      name: 'pipeline_name_uq',
      expression: 'CREATE UNIQUE INDEX pipeline_name_uq ON public.pipeline USING btree (tenant_id, kind, lower(name))',
    },
    {
      name: 'pipeline_seed_uq',
      where: 'seed_key IS NOT NULL',
      properties: ['tenant', 'seedKey'],
    },
  ],
  checks: [
    {
      name: 'pipeline_name_check',
      expression: '(length(name) >= 1) AND (length(name) <= 120)',
    },
    {
      name: 'pipeline_seed_key_check',
      expression: "seed_key ~ '^[a-z_]{1,40}$'::text",
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    kind: p.enum(['deal', 'lead']),
    name: p.text(),
    seedKey: p.text().nullable(),
    autoAdvance: p.boolean().default(false),
    ...versionedColumns(),
    ...authorColumns(),
  },
});
export class Pipeline extends PipelineSchema.class {}
PipelineSchema.setClass(Pipeline);

export const PipelineStageSchema = defineEntity({
  name: 'PipelineStage',
  tableName: 'pipeline_stage',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'pipeline_stage_order_idx',
      expression:
        'CREATE INDEX pipeline_stage_order_idx ON public.pipeline_stage USING btree (tenant_id, pipeline_id, "position")',
      properties: ['tenant', 'pipeline', 'position'],
    },
  ],
  uniques: [{ name: 'pipeline_stage_pipeline_id_id_key', properties: ['pipeline', 'id'] }],
  checks: [
    {
      name: 'pipeline_stage_color_check',
      expression: "color ~ '^#[0-9a-fA-F]{6}$'::text",
    },
    {
      name: 'pipeline_stage_name_check',
      expression: '(length(name) >= 1) AND (length(name) <= 80)',
    },
    {
      name: 'pipeline_stage_probability_check',
      expression: '(probability >= 0) AND (probability <= 100)',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    pipeline: () => p.manyToOne(Pipeline).fieldName('pipeline_id').deleteRule('cascade'),
    name: p.text(),
    probability: p.integer(),
    color: p.text().nullable(),
    outcome: p.enum(['won', 'lost']).nullable(),
    position: p.integer(),
    archivedAt: p.datetime().nullable(),
    archivedBy: () => userRef('archived_by'),
    autoAdvance: p.boolean().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class PipelineStage extends PipelineStageSchema.class {}
PipelineStageSchema.setClass(PipelineStage);

export const LostReasonSchema = defineEntity({
  name: 'LostReason',
  tableName: 'lost_reason',
  policies: tenantIsolation(),
  uniques: [
    {
      name: 'lost_reason_name_uq',
      expression:
        'CREATE UNIQUE INDEX lost_reason_name_uq ON public.lost_reason USING btree (tenant_id, object_type, lower(name))',
    },
    {
      name: 'lost_reason_seed_uq',
      where: 'seed_key IS NOT NULL',
      properties: ['tenant', 'seedKey'],
    },
  ],
  checks: [
    {
      name: 'lost_reason_description_check',
      expression: 'length(description) <= 1000',
    },
    {
      name: 'lost_reason_name_check',
      expression: '(length(name) >= 1) AND (length(name) <= 120)',
    },
    {
      name: 'lost_reason_seed_key_check',
      expression: "seed_key ~ '^[a-z_]{1,40}$'::text",
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    objectType: p.enum(['deal', 'lead']),
    name: p.text(),
    description: p.text().nullable(),
    active: p.boolean().default(true),
    position: p.integer().default(0),
    seedKey: p.text().nullable(),
    ...versionedColumns(),
    ...authorColumns(),
  },
});
export class LostReason extends LostReasonSchema.class {}
LostReasonSchema.setClass(LostReason);

export const StageTaskTemplateSchema = defineEntity({
  name: 'StageTaskTemplate',
  tableName: 'stage_task_template',
  policies: tenantIsolation(),
  indexes: [
    { name: 'stage_task_template_pipeline_idx', properties: ['stage'] },
    {
      name: 'stage_task_template_stage_idx',
      expression:
        'CREATE INDEX stage_task_template_stage_idx ON public.stage_task_template USING btree (tenant_id, stage_id, "position", id)',
    },
    {
      name: 'stage_task_template_team_idx',
      where: 'team_id IS NOT NULL',
      properties: ['team'],
    },
    {
      name: 'stage_task_template_user_idx',
      where: 'user_id IS NOT NULL',
      properties: ['userId'],
    },
  ],
  checks: [
    {
      name: 'stage_task_template_check',
      expression: '(due_in_days IS NULL) OR (due_in IS NULL)',
    },
    {
      name: 'stage_task_template_description_check',
      expression: 'length(description) <= 4000',
    },
    {
      name: 'stage_task_template_due_in_check',
      expression: "due_in ~ '^P[0-9WDTHMS]{1,30}$'::text",
    },
    {
      name: 'stage_task_template_due_in_days_check',
      expression: '(due_in_days >= 0) AND (due_in_days <= 3650)',
    },
    {
      name: 'stage_task_template_title_check',
      expression: '(length(title) >= 1) AND (length(title) <= 300)',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    pipeline: () => p.manyToOne(Pipeline).fieldName('pipeline_id').deleteRule('cascade'),
    stage: () =>
      p
        .manyToOne(PipelineStage)
        .fieldNames('pipeline_id', 'stage_id')
        .referencedColumnNames('pipeline_id', 'id')
        .deleteRule('cascade'),
    title: p.text(),
    description: p.text().nullable(),
    dueInDays: p.integer().nullable(),
    dueIn: p.text().nullable(),
    assigneeRule: p.enum(['deal_owner', 'user', 'team']),
    userId: () => userRef('user_id'),
    team: () => p.manyToOne(Team).fieldName('team_id').nullable(),
    priority: p.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
    required: p.boolean().default(false),
    position: p.integer().default(0),
    ...versionedColumns(),
    ...authorColumns(),
  },
});
export class StageTaskTemplate extends StageTaskTemplateSchema.class {}
StageTaskTemplateSchema.setClass(StageTaskTemplate);
