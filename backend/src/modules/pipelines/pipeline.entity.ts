// Pipelines of stages, for deals and for leads.
import { defineEntity, p } from '@mikro-orm/core';
import { authorColumns, tenantColumn, tenantIsolation, userRef, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';

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
