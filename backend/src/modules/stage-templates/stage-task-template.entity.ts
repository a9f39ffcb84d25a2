// The task templates of a pipeline stage.
import { defineEntity, p } from '@mikro-orm/core';
import { authorColumns, tenantColumn, tenantIsolation, userRef, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { Team } from '../identity/team.entity.ts';
import { Pipeline, PipelineStage } from '../pipelines/pipeline.entity.ts';

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
