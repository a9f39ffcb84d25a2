// What the deal and lead tables share as records in a pipeline: their columns, indexes and
// checks, written once and named by kind. Each entity adds what is its own (contacts, conversion).
import { p } from '@mikro-orm/core';
import { recordColumns, tenantColumn, userRef } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { LostReason } from '../lost-reasons/lost-reason.entity.ts';
import { Pipeline, PipelineStage } from '../pipelines/pipeline.entity.ts';

type Kind = 'deal' | 'lead';

/** The columns of a record in a pipeline, its status values its own. */
export function pipelineRecordProperties<const Status extends string>(statuses: readonly [Status, ...Status[]]) {
  return {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    title: p.text(),
    value: p.decimal().precision(18).scale(4).defaultRaw(`0`),
    currency: p.text(),
    pipeline: () => p.manyToOne(Pipeline).fieldName('pipeline_id').deleteRule('no action'),
    // One of the pipeline's stages (the key spans both columns); stage_id first, as MikroORM
    // writes a stage reference into the key's first column.
    stage: () =>
      p
        .manyToOne(PipelineStage)
        .fieldNames('stage_id', 'pipeline_id')
        .referencedColumnNames('id', 'pipeline_id')
        .deleteRule('no action')
        .index(false),
    status: p.enum([...statuses]).default('open'),
    ownerId: () => userRef('owner_id'),
    lostReason: () => p.manyToOne(LostReason).fieldName('lost_reason_id').deleteRule('no action').nullable(),
    lostNote: p.text().nullable(),
    closedAt: p.datetime().nullable(),
    rank: p.text().collation('C'),
    stageEnteredAt: p.datetime().defaultRaw(`now()`),
    customFields: p.json<Record<string, unknown>>().defaultRaw("'{}'::jsonb"),
    ...recordColumns(),
  };
}

type Shared = 'tenant' | 'ownerId' | 'lostReason' | 'deletedAt' | 'updatedAt' | 'id';

/** The indexes both tables have: by stage, lost reason and owner, the trash and the newest change. */
export function pipelineRecordIndexes(kind: Kind) {
  const indexes: {
    name: string;
    expression?: string;
    where?: string;
    properties?: Shared[];
    columns?: { name: string; sort?: 'DESC' }[];
  }[] = [
    { name: `${kind}_stage_idx`, expression: `create index ${kind}_stage_idx on ${kind} (stage_id)` },
    { name: `${kind}_lost_reason_idx`, where: 'lost_reason_id IS NOT NULL', properties: ['lostReason'] },
    { name: `${kind}_owner_idx`, where: 'deleted_at IS NULL', properties: ['tenant', 'ownerId'] },
    {
      name: `${kind}_trash_idx`,
      where: 'deleted_at IS NOT NULL',
      properties: ['tenant', 'deletedAt'],
      columns: [{ name: 'tenant_id' }, { name: 'deleted_at', sort: 'DESC' }],
    },
    {
      name: `${kind}_updated_idx`,
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'updatedAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'updated_at', sort: 'DESC' }, { name: 'id' }],
    },
  ];
  return indexes;
}

/**
 * The board's index: each stage's open cards in rank order, unique so two cards never share a
 * place, with value, currency and owner so column sums are read from the index alone. Written
 * out: its covering columns (include) are columns, which the entity's options type as properties.
 */
export function pipelineRecordUniques(kind: Kind) {
  return [
    {
      name: `${kind}_board_idx`,
      expression: `create unique index ${kind}_board_idx on ${kind} (tenant_id, pipeline_id, stage_id, rank)
        include (value, currency, owner_id) where status = 'open' and deleted_at is null`,
    },
  ];
}

/** The checks both tables have: a lost reason exactly when lost, an amount, a rank, a title. */
export function pipelineRecordChecks(kind: Kind) {
  return [
    {
      name: `${kind}_check`,
      expression: `
CASE
    WHEN (status = 'lost'::text) THEN (lost_reason_id IS NOT NULL)
    ELSE ((lost_reason_id IS NULL) AND (lost_note IS NULL))
END`,
    },
    { name: `${kind}_currency_check`, expression: "currency ~ '^[A-Z]{3}$'::text" },
    { name: `${kind}_custom_fields_check`, expression: "jsonb_typeof(custom_fields) = 'object'::text" },
    { name: `${kind}_lost_note_check`, expression: 'length(lost_note) <= 2000' },
    { name: `${kind}_rank_check`, expression: "rank ~ '^[A-Za-z][0-9A-Za-z]*$'::text" },
    { name: `${kind}_title_check`, expression: '(length(title) >= 1) AND (length(title) <= 200)' },
    { name: `${kind}_value_check`, expression: 'value >= 0' },
  ];
}
