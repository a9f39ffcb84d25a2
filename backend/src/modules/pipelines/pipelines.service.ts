// Pipelines (D1): ordered stages with a win probability, for deals or leads, and the stage editor.
// A pipeline is one aggregate: any change to it or its stages moves its version and its history.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory, type Snapshot } from '../../records/history.ts';
import { db } from '../../records/sql.ts';
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

/** Pipelines with their active stages in order. */
function pipelinesIn(em: EntityManager) {
  return db(em)
    .selectFrom('pipeline as p')
    .select((eb) => [
      'p.id',
      'p.kind',
      'p.name',
      'p.version',
      'p.created_at',
      'p.updated_at',
      jsonArrayFrom(
        eb
          .selectFrom('pipeline_stage as s')
          .select(['s.id', 's.name', 's.probability', 's.color', 's.outcome', 's.position'])
          .whereRef('s.pipeline_id', '=', 'p.id')
          .where('s.archived_at', 'is', null)
          .orderBy('s.position'),
      ).as('stages'),
    ]);
}

type PipelineRow = Awaited<ReturnType<ReturnType<typeof pipelinesIn>['executeTakeFirstOrThrow']>>;

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
  const rows = await pipelinesIn(em)
    .$if(kind !== undefined, (query) => query.where('p.kind', '=', kind as PipelineKind))
    .orderBy('p.kind')
    .orderBy((eb) => eb.fn('lower', ['p.name']))
    .orderBy('p.id')
    .execute();
  return rows.map(toView);
}

export async function getPipeline(em: EntityManager, id: string): Promise<PipelineView> {
  const row = await pipelinesIn(em).where('p.id', '=', id).executeTakeFirst();
  if (!row) throw problem('not_found', { noSuch: noSuch('pipeline'), id });
  return toView(row);
}

function nameTaken(name: string): AppError {
  return problem('duplicate_pipeline_name', { name }, { at: { pointer: '#/name' } });
}

async function ensureNameFree(em: EntityManager, kind: PipelineKind, name: string, exceptId?: string): Promise<void> {
  const clash = await db(em)
    .selectFrom('pipeline')
    .select(sql<number>`1`.as('taken'))
    .where('kind', '=', kind)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', eb.fn('lower', [eb.val(name)])))
    .where('id', '<>', exceptId ?? '00000000-0000-0000-0000-000000000000')
    .execute();
  if (clash.length > 0) throw nameTaken(name);
}

async function insertStages(
  em: EntityManager,
  pipelineId: string,
  stages: readonly (StageInput & { id: string; position: number })[],
): Promise<void> {
  await db(em)
    .insertInto('pipeline_stage')
    .values(
      stages.map((stage) => ({
        id: stage.id,
        tenant_id: sql<string>`crm_current_tenant()`,
        pipeline_id: pipelineId,
        name: stage.name,
        probability: stage.probability,
        color: stage.color ?? null,
        outcome: stage.outcome ?? null,
        position: stage.position,
      })),
    )
    .execute();
}

export async function createPipeline(
  em: EntityManager,
  principal: Principal,
  input: CreatePipeline,
): Promise<PipelineView> {
  await ensureNameFree(em, input.kind, input.name);
  const id = newId();
  await db(em)
    .insertInto('pipeline')
    .values({
      id,
      tenant_id: sql<string>`crm_current_tenant()`,
      kind: input.kind,
      name: input.name,
      created_by: principal.userId ?? null,
      updated_by: principal.userId ?? null,
    })
    .execute();
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

/** Moves the pipeline's version and says who changed it last: a change of it, its stages or their settings. */
export async function touchPipeline(em: EntityManager, principal: Principal, id: string): Promise<void> {
  await db(em)
    .updateTable('pipeline')
    .set((eb) => ({
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
      updated_by: principal.userId ?? null,
    }))
    .where('id', '=', id)
    .execute();
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
  const locked = await db(em).selectFrom('pipeline').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!locked) throw problem('not_found', { noSuch: noSuch('pipeline'), id });
  const before = await getPipeline(em, id);
  checkVersion(before, expectedVersion, named('pipeline', before.name));
  await change(before);
  await touchPipeline(em, principal, id);
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
    await db(em).updateTable('pipeline').set({ name }).where('id', '=', id).execute();
  });
}

function stageNameTaken(name: string): AppError {
  return problem('duplicate_stage_name', { name }, { at: { pointer: '#/name' } });
}

/** Gives the active stages positions 0..n-1 in the given order. */
async function setOrder(em: EntityManager, stageIds: readonly string[]): Promise<void> {
  const ids = sqlArray(stageIds);
  const place = (id: Expression<string>) => sql<number>`array_position(${ids}::uuid[], ${id}) - 1`;
  await db(em)
    .updateTable('pipeline_stage')
    .set((eb) => ({ position: place(eb.ref('id')), updated_at: sql<Date>`now()` }))
    .where('id', '=', sql<string>`any(${ids}::uuid[])`)
    .where((eb) => eb('position', '<>', place(eb.ref('id'))))
    .execute();
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
      throw problem('too_many_stages');
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
  if (!stage) throw problem('no_such_stage', { pipeline: pipeline.name, id: stageId });
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
        throw problem(
          'stage_holds_deals_outcome',
          { stage: stage.name, count: deals.total, outcome: stageKinds[outcome ?? 'open'] },
          { at: { pointer: '#/outcome' } },
        );
      }
    }
    await db(em)
      .updateTable('pipeline_stage')
      .set({
        name: change.name ?? stage.name,
        probability: change.probability ?? stage.probability,
        color: change.color === undefined ? stage.color : change.color,
        outcome,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', stageId)
      .execute();
  });
}

/** What a stage becomes, after "before making it" / "bevor Sie sie zu … machen". */
const stageKinds = {
  won: { en: 'a won stage', de: 'einer Gewonnen-Phase' },
  lost: { en: 'a lost stage', de: 'einer Verloren-Phase' },
  open: { en: 'an open stage', de: 'einer offenen Phase' },
} as const;

/** The stage deals may move to, after "that is" / "und zwar". */
const sameKind = {
  won: { en: 'a won stage too', de: 'ebenfalls eine Gewonnen-Phase' },
  lost: { en: 'a lost stage too', de: 'ebenfalls eine Verloren-Phase' },
  open: { en: 'an open stage (not won or lost)', de: 'eine offene Phase (weder gewonnen noch verloren)' },
} as const;

function lastOpenStage(stage: StageView): AppError {
  return problem('last_open_stage', { stage: stage.name });
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
      const listed = (en: string, de: string, ids: string[]) =>
        ids.length > 0 ? { en: ` ${en}: ${ids.join(', ')}.`, de: ` ${de}: ${ids.join(', ')}.` } : '';
      throw problem(
        'stage_order_mismatch',
        {
          missing: listed('Missing', 'Es fehlen', missing),
          unknown: listed('Not active stages of this pipeline', 'Keine aktiven Phasen dieser Pipeline', unknown),
        },
        { at: { pointer: '#/stageIds' } },
      );
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
        throw problem(
          'invalid_stage',
          { pipeline: pipeline.name, kind: sameKind[stage.outcome ?? 'open'] },
          { at: { pointer: '#/moveDealsTo' } },
        );
      }
      await (pipeline.kind === 'lead' ? moveStageLeads : moveStageDeals)(em, principal, pipelineId, stageId, target.id);
    } else {
      const deals = await (pipeline.kind === 'lead' ? stageLeadCount : stageDealCount)(em, stageId);
      if (deals.total > 0) {
        const trashed =
          deals.trashed > 0
            ? { en: `, ${deals.trashed} of them in the trash`, de: `, davon ${deals.trashed} im Papierkorb` }
            : '';
        throw problem(
          'stage_holds_deals',
          { stage: stage.name, count: deals.total, trashed },
          { at: { pointer: '#/moveDealsTo' } },
        );
      }
    }
    await db(em)
      .updateTable('pipeline_stage')
      .set({ archived_at: sql<Date>`now()`, archived_by: principal.userId ?? null, updated_at: sql<Date>`now()` })
      .where('id', '=', stageId)
      .execute();
    await setOrder(
      em,
      pipeline.stages.filter((other) => other.id !== stageId).map((other) => other.id),
    );
  });
}
