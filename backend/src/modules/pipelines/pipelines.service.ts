// Pipelines (D1): ordered stages with a win probability, for deals or leads, and the stage editor.
// A pipeline is one aggregate: any change to it or its stages moves its version and its history.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory, type Snapshot } from '../../records/history.ts';
import { sqlIn } from '../../records/sql.ts';
import { sqlArray } from '../../records/sql-arrays.ts';
import { moveStageDeals, stageDealCount } from '../deals/deals.service.ts';
import { moveStageLeads, stageLeadCount } from '../leads/leads.service.ts';
import type {
  CreatePipeline,
  PipelineKind,
  PipelineView,
  StageInput,
  StageView,
  UpdateStage,
} from './pipelines.schemas.ts';

interface PipelineRow {
  id: string;
  kind: PipelineKind;
  name: string;
  version: number;
  created_at: string;
  updated_at: string;
  stages: StageView[];
}

const PIPELINE_SELECT = `
  select p.id, p.kind, p.name, p.version, p.created_at, p.updated_at,
         coalesce((select json_agg(json_build_object('id', s.id, 'name', s.name, 'probability', s.probability,
                                                     'color', s.color, 'outcome', s.outcome, 'position', s.position)
                                   order by s.position)
                     from pipeline_stage s where s.pipeline_id = p.id and s.archived_at is null), '[]') as stages
    from pipeline p`;

const toView = (row: PipelineRow): PipelineView => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  stages: row.stages,
  version: row.version,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

const snapshot = (pipeline: PipelineView): Snapshot => ({
  name: pipeline.name,
  stages: pipeline.stages.map(({ id, name, probability, color, outcome }) => ({
    id,
    name,
    probability,
    color,
    outcome,
  })),
});

export async function listPipelines(em: EntityManager, kind?: PipelineKind): Promise<PipelineView[]> {
  const rows = await sqlIn<PipelineRow>(
    em,
    `${PIPELINE_SELECT} ${kind ? 'where p.kind = ?' : ''} order by p.kind, lower(p.name), p.id`,
    kind ? [kind] : [],
  );
  return rows.map(toView);
}

export async function getPipeline(em: EntityManager, id: string): Promise<PipelineView> {
  const [row] = await sqlIn<PipelineRow>(em, `${PIPELINE_SELECT} where p.id = ?`, [id]);
  if (!row) throw problem('not_found', { noSuch: noSuch('pipeline'), id });
  return toView(row);
}

function nameTaken(name: string): AppError {
  return new AppError({
    status: 409,
    code: 'duplicate_pipeline_name',
    title: 'A pipeline with this name exists',
    detail: `There is already a pipeline named "${name}" of this kind. Choose another name.`,
    errors: [{ in: 'body', pointer: '#/name', detail: 'already taken' }],
  });
}

async function ensureNameFree(em: EntityManager, kind: PipelineKind, name: string, exceptId?: string): Promise<void> {
  const clash = await sqlIn(em, 'select 1 from pipeline where kind = ? and lower(name) = lower(?) and id <> ?', [
    kind,
    name,
    exceptId ?? '00000000-0000-0000-0000-000000000000',
  ]);
  if (clash.length > 0) throw nameTaken(name);
}

async function insertStages(
  em: EntityManager,
  pipelineId: string,
  stages: readonly (StageInput & { id: string; position: number })[],
): Promise<void> {
  await sqlIn(
    em,
    `insert into pipeline_stage (id, tenant_id, pipeline_id, name, probability, color, outcome, position)
     select s.id, crm_current_tenant(), ?, s.name, s.probability, s.color, s.outcome, s.position
       from unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::text[], ?::int[])
            as s(id, name, probability, color, outcome, position)`,
    [
      pipelineId,
      sqlArray(stages.map((stage) => stage.id)),
      sqlArray(stages.map((stage) => stage.name)),
      sqlArray(stages.map((stage) => stage.probability)),
      sqlArray(stages.map((stage) => stage.color ?? null)),
      sqlArray(stages.map((stage) => stage.outcome ?? null)),
      sqlArray(stages.map((stage) => stage.position)),
    ],
  );
}

export async function createPipeline(
  em: EntityManager,
  principal: Principal,
  input: CreatePipeline,
): Promise<PipelineView> {
  await ensureNameFree(em, input.kind, input.name);
  const id = newId();
  await sqlIn(
    em,
    `insert into pipeline (id, tenant_id, kind, name, created_by, updated_by)
     values (?, crm_current_tenant(), ?, ?, ?, ?)`,
    [id, input.kind, input.name, principal.userId ?? null, principal.userId ?? null],
  );
  await insertStages(
    em,
    id,
    input.stages.map((stage, position) => ({ ...stage, id: newId(), position })),
  );
  const pipeline = await getPipeline(em, id);
  recordHistory(em, principal, { type: 'pipeline', id, action: 'create', after: snapshot(pipeline) });
  await em.flush();
  return pipeline;
}

/**
 * Runs a change of a pipeline or its stages: the pipeline row locked (concurrent editors wait),
 * If-Match checked, the version moved, history written with what changed.
 */
async function changePipeline(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
  change: (pipeline: PipelineView) => Promise<void>,
): Promise<PipelineView> {
  const [locked] = await sqlIn<{ id: string }>(em, 'select id from pipeline where id = ? for update', [id]);
  if (!locked) throw problem('not_found', { noSuch: noSuch('pipeline'), id });
  const before = await getPipeline(em, id);
  checkVersion(before, expectedVersion, named('pipeline', before.name));
  await change(before);
  await sqlIn(em, 'update pipeline set version = version + 1, updated_at = now(), updated_by = ? where id = ?', [
    principal.userId ?? null,
    id,
  ]);
  const after = await getPipeline(em, id);
  recordHistory(em, principal, {
    type: 'pipeline',
    id,
    action: 'update',
    before: snapshot(before),
    after: snapshot(after),
  });
  await em.flush();
  return after;
}

export function renamePipeline(
  em: EntityManager,
  principal: Principal,
  id: string,
  name: string,
  expectedVersion: number | undefined,
): Promise<PipelineView> {
  return changePipeline(em, principal, id, expectedVersion, async (pipeline) => {
    if (name.toLowerCase() !== pipeline.name.toLowerCase()) await ensureNameFree(em, pipeline.kind, name, id);
    await sqlIn(em, 'update pipeline set name = ? where id = ?', [name, id]);
  });
}

function stageNameTaken(name: string): AppError {
  return new AppError({
    status: 409,
    code: 'duplicate_stage_name',
    title: 'A stage with this name exists',
    detail: `The pipeline already has a stage named "${name}". Choose another name.`,
    errors: [{ in: 'body', pointer: '#/name', detail: 'already taken in this pipeline' }],
  });
}

/** Gives the active stages positions 0..n-1 in the given order. */
async function setOrder(em: EntityManager, stageIds: readonly string[]): Promise<void> {
  await sqlIn(
    em,
    `update pipeline_stage s set position = o.position - 1, updated_at = now()
       from unnest(?::uuid[]) with ordinality as o(id, position)
      where s.id = o.id and s.position <> o.position - 1`,
    [sqlArray(stageIds)],
  );
}

export function addStage(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  input: StageInput & { position?: number | undefined },
  expectedVersion: number | undefined,
): Promise<PipelineView> {
  return changePipeline(em, principal, pipelineId, expectedVersion, async (pipeline) => {
    if (pipeline.stages.some((stage) => stage.name.toLowerCase() === input.name.toLowerCase())) {
      throw stageNameTaken(input.name);
    }
    if (pipeline.stages.length >= 30) {
      throw new AppError({
        status: 409,
        code: 'too_many_stages',
        title: 'The pipeline has 30 stages',
        detail: 'A pipeline has at most 30 stages; archive one first.',
      });
    }
    const firstEnd = pipeline.stages.findIndex((stage) => stage.outcome !== null);
    const position = Math.min(
      input.position ?? (firstEnd >= 0 ? firstEnd : pipeline.stages.length),
      pipeline.stages.length,
    );
    const id = newId();
    await insertStages(em, pipelineId, [{ ...input, id, position: pipeline.stages.length }]);
    const order = pipeline.stages.map((stage) => stage.id);
    order.splice(position, 0, id);
    await setOrder(em, order);
  });
}

function stageOf(pipeline: PipelineView, stageId: string): StageView {
  const stage = pipeline.stages.find((candidate) => candidate.id === stageId);
  if (!stage) throw notFound(`Pipeline ${pipeline.name} has no active stage ${stageId}.`);
  return stage;
}

export function updateStage(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  stageId: string,
  change: UpdateStage,
  expectedVersion: number | undefined,
): Promise<PipelineView> {
  return changePipeline(em, principal, pipelineId, expectedVersion, async (pipeline) => {
    const stage = stageOf(pipeline, stageId);
    if (
      change.name !== undefined &&
      pipeline.stages.some((other) => other.id !== stageId && other.name.toLowerCase() === change.name?.toLowerCase())
    ) {
      throw stageNameTaken(change.name);
    }
    const outcome = change.outcome === undefined ? stage.outcome : change.outcome;
    if (outcome !== stage.outcome) {
      if (stage.outcome === null && !pipeline.stages.some((other) => other.id !== stageId && other.outcome === null)) {
        throw lastOpenStage(stage);
      }
      const deals = await (pipeline.kind === 'lead' ? stageLeadCount : stageDealCount)(em, stageId);
      if (deals.total > 0) {
        throw new AppError({
          status: 409,
          code: 'stage_not_empty',
          title: 'The stage holds deals',
          detail: `Stage ${stage.name} holds ${deals.total} deal(s), whose status follows the stage; move them elsewhere before making it ${outcome ? `a ${outcome} stage` : 'an open stage'}.`,
          errors: [{ in: 'body', pointer: '#/outcome', detail: 'cannot change while the stage holds deals' }],
        });
      }
    }
    await sqlIn(
      em,
      `update pipeline_stage set name = ?, probability = ?, color = ?, outcome = ?, updated_at = now() where id = ?`,
      [
        change.name ?? stage.name,
        change.probability ?? stage.probability,
        change.color === undefined ? stage.color : change.color,
        outcome,
        stageId,
      ],
    );
  });
}

function lastOpenStage(stage: StageView): AppError {
  return new AppError({
    status: 409,
    code: 'last_open_stage',
    title: 'The last open stage',
    detail: `${stage.name} is the pipeline's only stage a deal can be open in; add another first.`,
  });
}

export function reorderStages(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  stageIds: readonly string[],
  expectedVersion: number | undefined,
): Promise<PipelineView> {
  return changePipeline(em, principal, pipelineId, expectedVersion, async (pipeline) => {
    const active = new Set(pipeline.stages.map((stage) => stage.id));
    const sent = new Set(stageIds);
    const missing = [...active].filter((id) => !sent.has(id));
    const unknown = stageIds.filter((id) => !active.has(id));
    if (missing.length > 0 || unknown.length > 0 || sent.size !== stageIds.length) {
      throw new AppError({
        status: 422,
        code: 'stage_order_mismatch',
        title: 'Not the stages of this pipeline',
        detail: `Send every active stage of the pipeline once, in the new order.${missing.length > 0 ? ` Missing: ${missing.join(', ')}.` : ''}${unknown.length > 0 ? ` Not active stages of this pipeline: ${unknown.join(', ')}.` : ''}`,
        errors: [{ in: 'body', pointer: '#/stageIds', detail: 'every active stage once' }],
      });
    }
    await setOrder(em, stageIds);
  });
}

export function archiveStage(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  stageId: string,
  moveDealsTo: string | undefined,
  expectedVersion: number | undefined,
): Promise<PipelineView> {
  return changePipeline(em, principal, pipelineId, expectedVersion, async (pipeline) => {
    const stage = stageOf(pipeline, stageId);
    if (stage.outcome === null && !pipeline.stages.some((other) => other.id !== stageId && other.outcome === null)) {
      throw lastOpenStage(stage);
    }
    if (moveDealsTo !== undefined) {
      const target = pipeline.stages.find((candidate) => candidate.id === moveDealsTo && candidate.id !== stageId);
      if (!target || target.outcome !== stage.outcome) {
        throw new AppError({
          status: 422,
          code: 'invalid_stage',
          title: 'Not a stage to move the deals to',
          detail: `moveDealsTo must be another active stage of pipeline ${pipeline.name} that is ${stage.outcome ? `a ${stage.outcome} stage too` : 'an open stage (not won or lost)'}.`,
          errors: [
            {
              in: 'body',
              pointer: '#/moveDealsTo',
              detail: 'another active stage of this pipeline, of the same outcome',
            },
          ],
        });
      }
      await (pipeline.kind === 'lead' ? moveStageLeads : moveStageDeals)(em, principal, pipelineId, stageId, target.id);
    } else {
      const deals = await (pipeline.kind === 'lead' ? stageLeadCount : stageDealCount)(em, stageId);
      if (deals.total > 0) {
        throw new AppError({
          status: 409,
          code: 'stage_not_empty',
          title: 'The stage holds deals',
          detail: `Stage ${stage.name} holds ${deals.total} deal(s)${deals.trashed > 0 ? `, ${deals.trashed} of them in the trash` : ''}. Send moveDealsTo with the stage that takes them over.`,
          errors: [{ in: 'body', pointer: '#/moveDealsTo', detail: 'needed while the stage holds deals' }],
        });
      }
    }
    await sqlIn(em, 'update pipeline_stage set archived_at = now(), archived_by = ?, updated_at = now() where id = ?', [
      principal.userId ?? null,
      stageId,
    ]);
    await setOrder(
      em,
      pipeline.stages.filter((other) => other.id !== stageId).map((other) => other.id),
    );
  });
}
