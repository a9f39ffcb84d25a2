// What deals and leads share as records in a pipeline: the stage a record goes to, its owner,
// amount and lost reason, its place at the top of a column, trash, restore and purge, and a
// stage's records moved elsewhere. Deals and leads keep what differs (contacts, conversion).
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type Expression,
  type ExpressionBuilder,
  expressionBuilder,
  type Selectable,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import { validationFailed } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { filterCondition } from '../../http/filter-sql.ts';
import type { FilterField, FilterNode } from '../../http/filters.ts';
import { cappedTotal, type KeysetSort, pageOrder } from '../../http/list-sql.ts';
import { offsetCursor } from '../../http/list-window.ts';
import { encodeCursor } from '../../http/pagination.ts';
import { ownedWithin, type Principal, type Visibility } from '../../http/principal.ts';
import { named, problem } from '../../http/problems.ts';
import { type AnyAuditPolicy, auditBaseline, writeHistory } from '../../records/audit.ts';
import { recordHistory, type Snapshot } from '../../records/history.ts';
import { FIRST_RANK, rankBetween, ranksBetween } from '../../records/rank.ts';
import { unindexRecord } from '../../records/search-index.ts';
import { currentTenantId, type Database, db, jsonb } from '../../records/sql.ts';
import { applyCustomFields, listCustomFields } from '../custom-fields/custom-fields.service.ts';
import type { Deal } from '../deals/deal.entity.ts';
import { amountProblem, formatAmount } from '../deals/money.ts';
import type { Lead } from '../leads/lead.entity.ts';
import { LostReason } from '../lost-reasons/lost-reason.entity.ts';
import { requireActiveLostReason } from '../lost-reasons/lost-reasons.service.ts';
import { Pipeline, PipelineStage } from '../pipelines/pipeline.entity.ts';
import { type TagView, tagsOf } from '../tags/tags.service.ts';

export type PipelineRecordKind = 'deal' | 'lead';

/** How a problem names the kind of record, in English and German. */
export const recordWords = {
  deal: {
    thing: { en: 'deal', de: 'Deal' },
    things: { en: 'deals', de: 'Deals' },
    this: { en: 'deal', de: 'diesen Deal' },
    aPipeline: { en: 'a deal pipeline', de: 'einer Deal-Pipeline' },
    its: { en: "the deal's pipeline", de: 'der Pipeline des Deals' },
  },
  lead: {
    thing: { en: 'lead', de: 'Lead' },
    things: { en: 'leads', de: 'Leads' },
    this: { en: 'lead', de: 'diesen Lead' },
    aPipeline: { en: 'a lead pipeline', de: 'einer Lead-Pipeline' },
    its: { en: "the lead's pipeline", de: 'der Pipeline des Leads' },
  },
} as const;

const otherKind = { deal: 'lead', lead: 'deal' } as const;

// The transaction's time, as the statements written by hand used.
export const NOW = sql<Date>`now()`;

/** The request's tenant, as row-level security knows it. */

// A never-used id keeps `in (…)` valid when a caller sees no owners at all.
const NO_ONE = '00000000-0000-0000-0000-000000000000';

/** The owners whose records of a kind the caller sees, or undefined when the caller sees all. */
export async function visibleOwners(principal: Principal, kind: PipelineRecordKind): Promise<string[] | undefined> {
  const visibility = await principal.visibility(kind);
  return visibility.scope === 'all' ? undefined : [...visibility.ownerIds, NO_ONE];
}

/**
 * A record read by id: live or trashed, locked for a write or read, and in which visibility scope.
 * These choices make the statement's shape (compiled once each, see statementShapes); the id and
 * the owners the caller sees are its values.
 */
export type ById = { id: string; ownerIds: readonly string[] };
export type ByIdShape = { trashed: boolean; lock: boolean; scope: Visibility['scope'] };

export async function byIdShape(
  principal: Principal,
  kind: PipelineRecordKind,
  options: { trashed?: boolean | undefined; lock?: boolean | undefined },
): Promise<{ shape: ByIdShape; ownerIds: readonly string[] }> {
  const visibility = await principal.visibility(kind);
  return {
    shape: { trashed: options.trashed === true, lock: options.lock === true, scope: visibility.scope },
    ownerIds: visibility.scope === 'owners' ? visibility.ownerIds : [],
  };
}

/** The condition of a shape's read by id, on the record's id, trash mark and owner (alias d or l). */
export function byIdCondition<A extends 'd' | 'l'>(alias: A, shape: ByIdShape, values: ById) {
  const visibility: Visibility =
    shape.scope === 'all' ? { scope: 'all' } : { scope: shape.scope, ownerIds: values.ownerIds };
  return (eb: ExpressionBuilder<Record<A, Database['deal' | 'lead']>, A>): Expression<SqlBool> =>
    eb.and([
      sql<SqlBool>`${eb.ref(`${alias}.id`)} = ${values.id}`,
      eb(eb.ref(`${alias}.deleted_at`), shape.trashed ? 'is not' : 'is', null),
      ownedWithin(visibility, eb.ref(`${alias}.owner_id`)),
    ]);
}

/** The read of a shape, locked (`for update`) where the shape is a write's. */
export const lockedIf = <Q extends { forUpdate(): Q }>(shape: ByIdShape, query: Q): Q =>
  shape.lock ? query.forUpdate() : query;

/** The records of a kind as one typed table (alias r): deal and lead share the columns used here. */
export function recordsOf(em: EntityManager, kind: PipelineRecordKind) {
  return kind === 'deal' ? db(em).selectFrom('deal as r') : db(em).selectFrom('lead as r');
}

// ---- reading a record -----------------------------------------------------------------------

/** The columns deals and leads share, read as they are stored. */
const RECORD_COLUMNS = [
  'id',
  'title',
  'pipeline_id',
  'stage_id',
  'status',
  'owner_id',
  'currency',
  'lost_reason_id',
  'lost_note',
  'closed_at',
  'rank',
  'stage_entered_at',
  'version',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'deleted_at',
] as const;

/**
 * What a deal's (alias d) and a lead's (alias l) select share: their own columns, the value as
 * text, the custom fields, and the stage's name, probability and outcome. The stage comes from
 * scalar subqueries, not joins: a row locked with for update is read anew whole, stage included.
 */
export function recordSelection<A extends 'd' | 'l'>(
  alias: A,
  stageId: Expression<string>,
  value: Expression<string>,
  customFields: Expression<unknown>,
) {
  const stage = () =>
    expressionBuilder<Database, never>().selectFrom('pipeline_stage as s').where('s.id', '=', stageId);
  return [
    ...RECORD_COLUMNS.map((column) => `${alias}.${column}` as const),
    expressionBuilder<Database, never>().cast<string>(value, 'text').as('value'),
    stage().select('s.name').$asScalar().as('stage_name'),
    stage().select('s.probability').$asScalar().as('probability'),
    stage().select('s.outcome').as('stage_outcome'),
    sql<Record<string, unknown>>`${customFields}`.as('custom_fields'),
  ];
}

type StageColumns = Selectable<Database['pipeline_stage']>;

/** A deal or a lead as its select reads what they share (recordSelection). */
export type RecordRow = Pick<Selectable<Database['deal']>, Exclude<(typeof RECORD_COLUMNS)[number], 'status'>> & {
  status: string;
  value: string;
  custom_fields: Record<string, unknown>;
  stage_name: StageColumns['name'];
  probability: StageColumns['probability'];
  stage_outcome: StageColumns['outcome'] | null;
};

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** The stage part of a record's view. */
export function stageView(row: RecordRow) {
  return {
    pipelineId: row.pipeline_id,
    stageId: row.stage_id,
    stageName: row.stage_name,
    probability: row.probability,
  };
}

/** The stage a record is in, as a write starts from. */
export function currentStage(row: RecordRow): StageRef {
  return {
    pipelineId: row.pipeline_id,
    id: row.stage_id,
    name: row.stage_name,
    probability: row.probability,
    outcome: row.stage_outcome,
  };
}

/** The lost part of a record's view. */
export function lostView(row: RecordRow) {
  return { lostReasonId: row.lost_reason_id, lostNote: row.lost_note, closedAt: iso(row.closed_at) };
}

/** The end of a record's view: when it entered its stage, custom fields, tags, version and stamps. */
export function viewTail<Tag>(row: RecordRow, tags: Tag[]) {
  return {
    stageEnteredAt: iso(row.stage_entered_at) as string,
    customFields: row.custom_fields,
    tags,
    version: row.version,
    createdAt: iso(row.created_at) as string,
    createdBy: row.created_by,
    updatedAt: iso(row.updated_at) as string,
    updatedBy: row.updated_by,
    deletedAt: iso(row.deleted_at),
  };
}

/** What history compares of a record as read, beside each kind's own fields. */
export function recordSnapshot(row: RecordRow): Snapshot {
  return {
    title: row.title,
    value: formatAmount(row.value, row.currency),
    currency: row.currency,
    pipelineId: row.pipeline_id,
    stageId: row.stage_id,
    ownerId: row.owner_id,
    status: row.status,
    lostReasonId: row.lost_reason_id,
    lostNote: row.lost_note,
    customFields: row.custom_fields,
  };
}

// ---- writing a record through the unit of work ------------------------------------------------

/** A record's shared fields as entity data, from its row as read in the caller's tenant. */
export function recordEntityData(principal: Principal, row: RecordRow) {
  return {
    id: row.id,
    tenant: principal.tenantId,
    title: row.title,
    value: row.value,
    currency: row.currency,
    pipeline: row.pipeline_id,
    stage: row.stage_id,
    ownerId: row.owner_id,
    lostReason: row.lost_reason_id,
    lostNote: row.lost_note,
    closedAt: row.closed_at,
    rank: row.rank,
    stageEnteredAt: row.stage_entered_at,
    customFields: row.custom_fields,
    version: row.version,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    deletedAt: row.deleted_at,
  };
}

/** The fields deals and leads share as a write sets them. */
export interface RecordFields<Status extends string> {
  title: string;
  value: string;
  currency: string;
  stage: StageRef;
  ownerId: string | null;
  status: Status;
  lostReasonId: string | null;
  lostNote: string | null;
  customFields: Record<string, unknown>;
  rank: string;
}

/** What a change asks of the fields deals and leads share. */
interface RecordPatch {
  value?: string | undefined;
  currency?: string | undefined;
  pipelineId?: string | undefined;
  stageId?: string | undefined;
  ownerId?: string | null | undefined;
  lostReasonId?: string | null | undefined;
  lostNote?: string | null | undefined;
  customFields?: Record<string, unknown> | undefined;
}

/**
 * The amount and stage of a new record (current undefined) or after a change, checked: the first
 * checks of a write.
 */
export async function changedAmountAndStage(
  em: EntityManager,
  kind: PipelineRecordKind,
  current: RecordRow | undefined,
  patch: RecordPatch,
): Promise<{ value: string; currency: string; stage: StageRef }> {
  const currency = patch.currency ?? current?.currency ?? (await defaultCurrency(em));
  const value = patch.value ?? (current ? formatAmount(current.value, current.currency) : '0');
  if (!current || patch.value !== undefined || patch.currency !== undefined) {
    checkAmount(value, currency, patch.value !== undefined ? '#/value' : '#/currency');
  }
  const stage =
    !current ||
    patch.stageId !== undefined ||
    (patch.pipelineId !== undefined && patch.pipelineId !== current.pipeline_id)
      ? await resolveStage(em, kind, patch.pipelineId, patch.stageId)
      : currentStage(current);
  return { value, currency, stage };
}

/**
 * The owner (the caller by default), status, lost reason, custom fields and rank of a new record
 * or after a change, checked: the last checks of a write. A card that enters a column (new, another
 * stage, reopened) goes to its top; one that stays keeps its place.
 */
export async function changedOwnerAndStatus<Status extends string>(
  em: EntityManager,
  principal: Principal,
  kind: PipelineRecordKind,
  current: RecordRow | undefined,
  patch: RecordPatch,
  stage: StageRef,
  statusAfter: () => Status,
) {
  const ownerId =
    patch.ownerId === undefined ? (current ? current.owner_id : (principal.userId ?? null)) : patch.ownerId;
  if (!current || ownerId !== current.owner_id) await checkOwner(em, principal, kind, ownerId);
  const status = statusAfter();
  const lost = await lostFields(
    em,
    kind,
    status,
    current && { lostReasonId: current.lost_reason_id, lostNote: current.lost_note },
    {
      ...(patch.lostReasonId !== undefined ? { lostReasonId: patch.lostReasonId } : {}),
      ...(patch.lostNote !== undefined ? { lostNote: patch.lostNote } : {}),
    },
  );
  const customFields =
    current && patch.customFields === undefined
      ? current.custom_fields
      : await applyCustomFields(em, kind, current?.custom_fields ?? {}, patch.customFields);
  const entersColumn = status === 'open' && (current?.status !== 'open' || stage.id !== current.stage_id);
  const rank = entersColumn ? await topRank(em, kind, stage) : (current?.rank ?? FIRST_RANK);
  return { ownerId, status, ...lost, customFields, rank };
}

/** The shared columns a change leaves on a record's row, to compare with the row as read. */
export function changedColumns<Status extends string>(fields: RecordFields<Status>) {
  return {
    title: fields.title,
    value: fields.value,
    currency: fields.currency,
    pipeline_id: fields.stage.pipelineId,
    stage_id: fields.stage.id,
    owner_id: fields.ownerId,
    status: fields.status,
    lost_reason_id: fields.lostReasonId,
    lost_note: fields.lostNote,
    custom_fields: fields.customFields,
  };
}

/** The checked fields of a new record: amount, stage, owner, status, lost reason, custom fields, rank. */
export async function newRecordFields<Status extends string>(
  em: EntityManager,
  principal: Principal,
  kind: PipelineRecordKind,
  input: RecordPatch,
  statusOf: (stage: StageRef) => Status,
) {
  const { value, currency, stage } = await changedAmountAndStage(em, kind, undefined, input);
  const rest = await changedOwnerAndStatus(em, principal, kind, undefined, input, stage, () => statusOf(stage));
  return { value, currency, stage, ...rest };
}

/** The columns of a new record's row that deals and leads share. */
export function newRecordColumns<Status extends string>(
  principal: Principal,
  id: string,
  record: RecordFields<Status>,
) {
  return {
    id,
    tenant_id: currentTenantId,
    title: record.title,
    value: record.value,
    currency: record.currency,
    pipeline_id: record.stage.pipelineId,
    stage_id: record.stage.id,
    owner_id: record.ownerId,
    status: record.status,
    lost_reason_id: record.lostReasonId,
    lost_note: record.lostNote,
    closed_at: record.status === 'open' ? null : NOW,
    rank: record.rank,
    custom_fields: jsonb(record.customFields),
    version: 1,
    created_by: principal.userId ?? null,
    updated_by: principal.userId ?? null,
  };
}

/**
 * Takes a record's entity, merged from the row its caller read and locked (no statement), as what
 * history compares its change with.
 */
export function managed<E extends Deal | Lead>(policy: AnyAuditPolicy, record: E): E {
  auditBaseline(policy, record);
  return record;
}

/**
 * Sets a record's shared fields for a write: closed when it leaves open, entered a stage when it
 * moves. Version, update stamps and history come with the flush (records/audit.ts).
 */
export function assignRecord<E extends Deal | Lead>(
  em: EntityManager,
  record: E,
  next: RecordFields<E['status']>,
): void {
  const wasOpen = record.status === 'open';
  if (record.stage.id !== next.stage.id) record.stageEnteredAt = new Date();
  if (next.status === 'open') record.closedAt = null;
  else if (wasOpen) record.closedAt = new Date();
  record.title = next.title;
  record.value = next.value;
  record.currency = next.currency;
  record.pipeline = em.getReference(Pipeline, next.stage.pipelineId);
  record.stage = em.getReference(PipelineStage, next.stage.id);
  record.ownerId = next.ownerId;
  record.status = next.status;
  record.lostReason = next.lostReasonId ? em.getReference(LostReason, next.lostReasonId) : null;
  record.lostNote = next.lostNote;
  record.customFields = next.customFields;
  record.rank = next.rank;
}

// ---- trash, restore, purge of one record ------------------------------------------------------

/** What the trash of one kind of record needs of its service. */
export interface RecordKindService<Row extends RecordRow, View> {
  kind: PipelineRecordKind;
  load(
    em: EntityManager,
    principal: Principal,
    id: string,
    options: { trashed?: boolean; lock?: boolean },
  ): Promise<Row>;
  snapshot(row: Row): Snapshot;
  afterWrite(em: EntityManager, id: string): Promise<{ view: View }>;
}

/** Trash, restore and purge of one record of a kind, the caller's visibility checked by its loader. */
export function recordTrash<Row extends RecordRow, View>(service: RecordKindService<Row, View>) {
  const { kind } = service;
  return {
    /** Puts a record the caller may see in the trash (If-Match). */
    async trash(
      em: EntityManager,
      principal: Principal,
      id: string,
      expectedVersion: number | undefined,
    ): Promise<void> {
      const current = await service.load(em, principal, id, { lock: true });
      checkVersion(current, expectedVersion, named(kind, current.title));
      await trashRecord(em, kind, id, principal.userId ?? null);
      recordHistory(em, principal, { type: kind, id, action: 'delete', before: service.snapshot(current) });
      await em.flush();
      await unindexRecord(em, kind, id);
    },
    /** Takes a record out of the trash; an open one comes back at the top of its column, as its old place may be taken. */
    async restore(em: EntityManager, principal: Principal, id: string): Promise<View> {
      const current = await service.load(em, principal, id, { trashed: true, lock: true });
      const rank =
        current.status === 'open'
          ? await topRank(em, kind, { pipelineId: current.pipeline_id, id: current.stage_id })
          : current.rank;
      await restoreRecord(em, kind, id, rank, principal.userId ?? null);
      recordHistory(em, principal, { type: kind, id, action: 'restore', after: service.snapshot(current) });
      await em.flush();
      return (await service.afterWrite(em, id)).view;
    },
    /** Deletes a trashed record for good, with its tags and links (admins only). */
    async purge(em: EntityManager, principal: Principal, id: string): Promise<void> {
      if (!principal.roles.has('admin')) throw problem('admin_empties_trash', { things: recordWords[kind].things });
      await service.load(em, principal, id, { trashed: true });
      await purgeRecord(em, kind, id);
      await unindexRecord(em, kind, id);
    },
  };
}

/** A row's place in the sorts deals and leads share: newest change, title, newest first. */
export function recordSortKey(sort: '-updatedAt' | '-createdAt' | 'title', row: RecordRow): unknown[] {
  if (sort === 'title') return [row.title.toLowerCase(), row.id];
  return [iso(sort === '-createdAt' ? row.created_at : row.updated_at), row.id];
}

export interface StageRef {
  pipelineId: string;
  id: string;
  name: string;
  probability: number;
  outcome: 'won' | 'lost' | null;
}

/** The stage a record goes to: the one named, the pipeline's first, or the default pipeline's first. */
export async function resolveStage(
  em: EntityManager,
  kind: PipelineRecordKind,
  pipelineId: string | undefined,
  stageId: string | undefined,
): Promise<StageRef> {
  const words = recordWords[kind];
  if (stageId) {
    const stage = await db(em)
      .selectFrom('pipeline_stage as s')
      .innerJoin('pipeline as p', 'p.id', 's.pipeline_id')
      .select(['s.id', 's.pipeline_id', 's.name', 's.probability', 's.outcome', 's.archived_at', 'p.kind'])
      .where('s.id', '=', stageId)
      .executeTakeFirst();
    if (!stage || stage.archived_at) {
      throw problem('unknown_stage', { id: stageId, kind }, { at: { pointer: '#/stageId' } });
    }
    if ((pipelineId && stage.pipeline_id !== pipelineId) || stage.kind !== kind) {
      const belongs =
        stage.kind === kind
          ? { en: `pipeline ${stage.pipeline_id}`, de: `der Pipeline ${stage.pipeline_id}` }
          : recordWords[otherKind[kind]].aPipeline;
      const wanted = pipelineId ? { en: `pipeline ${pipelineId}`, de: `der Pipeline ${pipelineId}` } : words.aPipeline;
      throw problem(
        'stage_not_in_pipeline',
        { stage: stage.name, belongs, wanted, its: words.its },
        { at: { pointer: '#/stageId' } },
      );
    }
    return {
      pipelineId: stage.pipeline_id,
      id: stage.id,
      name: stage.name,
      probability: stage.probability,
      outcome: stage.outcome,
    };
  }
  const first = await db(em)
    .selectFrom('pipeline as p')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('pipeline_stage as s')
          .select(['s.id', 's.name', 's.probability', 's.outcome'])
          .whereRef('s.pipeline_id', '=', 'p.id')
          .where('s.archived_at', 'is', null)
          .where('s.outcome', 'is', null)
          .orderBy('s.position')
          .limit(1)
          .as('s'),
      (join) => join.onTrue(),
    )
    .select(['p.id as pipeline_id', 'p.kind', 's.id', 's.name', 's.probability', 's.outcome'])
    .$if(pipelineId !== undefined, (query) => query.where('p.id', '=', pipelineId as string))
    .$if(pipelineId === undefined, (query) => query.where('p.kind', '=', kind))
    .orderBy(
      (eb) => eb('p.seed_key', '=', `default_${kind}`),
      (order) => order.desc().nullsLast(),
    )
    .orderBy('p.created_at')
    .orderBy('p.id')
    .limit(1)
    .executeTakeFirst();
  if (first?.kind !== kind || !first.id || first.name === null || first.probability === null) {
    const at = { at: { pointer: '#/pipelineId' } };
    throw pipelineId
      ? problem('unknown_pipeline', { id: pipelineId, things: words.things, kind }, at)
      : problem('no_pipeline_yet', { things: words.things }, at);
  }
  return {
    pipelineId: first.pipeline_id,
    id: first.id,
    name: first.name,
    probability: first.probability,
    outcome: first.outcome,
  };
}

/** The owner must be an active user; callers who see only some owners' records may give them only to those. */
export async function checkOwner(
  em: EntityManager,
  principal: Principal,
  kind: PipelineRecordKind,
  ownerId: string | null,
): Promise<void> {
  const visibility = await principal.visibility(kind);
  if (visibility.scope === 'owners' && (ownerId === null || !visibility.ownerIds.includes(ownerId))) {
    throw kind === 'lead'
      ? problem('lead_owner_out_of_reach')
      : problem('owner_out_of_reach', { things: recordWords[kind].things });
  }
  if (ownerId === null) return;
  const user = await db(em)
    .selectFrom('app_user')
    .select('id')
    .where('id', '=', ownerId)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!user) {
    throw problem('unknown_owner', { id: ownerId, thing: recordWords[kind].this }, { at: { pointer: '#/ownerId' } });
  }
}

export function checkAmount(value: string, currency: string, pointer: string): void {
  const wrong = amountProblem(value, currency);
  if (wrong) throw validationFailed([{ in: 'body', pointer, detail: wrong }]);
}

export async function defaultCurrency(em: EntityManager): Promise<string> {
  // Row-level security leaves the caller's tenant as the only row.
  const row = await db(em).selectFrom('tenant').select('default_currency').executeTakeFirst();
  return row?.default_currency ?? 'EUR';
}

/**
 * Locks a stage's column: concurrent writers placing cards in one column take turns and never
 * compute the same rank.
 */
export async function lockColumn(em: EntityManager, stageId: string): Promise<void> {
  await db(em).selectFrom('pipeline_stage').select('id').where('id', '=', stageId).forNoKeyUpdate().execute();
}

/** The lowest or highest rank of the open cards in a stage's column. */
export async function columnEdge(
  em: EntityManager,
  kind: PipelineRecordKind,
  stage: { pipelineId: string; id: string },
  edge: 'min' | 'max',
  exceptId?: string,
): Promise<string | null> {
  const row = await recordsOf(em, kind)
    .select((eb) => (edge === 'min' ? eb.fn.min('r.rank') : eb.fn.max('r.rank')).as('rank'))
    // The tenant named, as the board's index starts with it.
    .where('r.tenant_id', '=', currentTenantId)
    .where('r.pipeline_id', '=', stage.pipelineId)
    .where('r.stage_id', '=', stage.id)
    .where('r.status', '=', 'open')
    .where('r.deleted_at', 'is', null)
    .$if(exceptId !== undefined, (query) => query.where('r.id', '<>', exceptId as string))
    .executeTakeFirst();
  return row?.rank ?? null;
}

/** A rank at the top of a stage's column, its column locked first. */
export async function topRank(
  em: EntityManager,
  kind: PipelineRecordKind,
  stage: { pipelineId: string; id: string },
): Promise<string> {
  await lockColumn(em, stage.id);
  return rankBetween(null, await columnEdge(em, kind, stage, 'min'));
}

/** The lost reason and note after a write: required when lost, refused otherwise. */
export async function lostFields(
  em: EntityManager,
  kind: PipelineRecordKind,
  status: string,
  current: { lostReasonId: string | null; lostNote: string | null } | undefined,
  input: { lostReasonId?: string | null | undefined; lostNote?: string | null | undefined },
): Promise<{ lostReasonId: string | null; lostNote: string | null }> {
  if (status !== 'lost') {
    if (input.lostReasonId || input.lostNote) {
      throw problem(
        'not_lost',
        { things: recordWords[kind].things },
        { at: { pointer: input.lostReasonId ? '#/lostReasonId' : '#/lostNote' } },
      );
    }
    return { lostReasonId: null, lostNote: null };
  }
  const lostReasonId = input.lostReasonId === undefined ? (current?.lostReasonId ?? null) : input.lostReasonId;
  if (!lostReasonId) {
    throw problem(
      'lost_reason_required',
      { thing: recordWords[kind].thing, objectType: kind },
      { at: { pointer: '#/lostReasonId' } },
    );
  }
  if (lostReasonId !== current?.lostReasonId) await requireActiveLostReason(em, kind, lostReasonId);
  return { lostReasonId, lostNote: input.lostNote === undefined ? (current?.lostNote ?? null) : input.lostNote };
}

/** closed_at after a write: none while open, now when it closes, kept while it stays closed. */
export function closedAt(eb: ExpressionBuilder<Database, 'deal' | 'lead'>, status: string) {
  return status === 'open'
    ? eb.val<Date | null>(null)
    : eb.case().when('status', '=', 'open').then(NOW).else(eb.ref('closed_at')).end();
}

/** How many records of a kind carry a lost reason. */
export async function lostReasonUsage(em: EntityManager, kind: PipelineRecordKind, lostReasonId: string) {
  const row = await recordsOf(em, kind)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('r.lost_reason_id', '=', lostReasonId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

// ---- lists ----------------------------------------------------------------------------------

/**
 * The alias a statement reads a kind's table by, which its filter fields name: its list's own
 * (`d` deals, `l` leads), or the board's `c` for either.
 */
export type RecordAlias = 'd' | 'l' | 'c';

const ALIASES = { deal: 'd', lead: 'l' } as const;

/** The columns every filter target names, under each alias (a column a table lacks is a compile error). */
type TargetColumns<T extends 'deal' | 'lead'> = Pick<Database[T], 'id' | 'custom_fields'>;
const aliased = expressionBuilder<
  { d: TargetColumns<'deal'>; l: TargetColumns<'lead'>; c: TargetColumns<'deal'> | TargetColumns<'lead'> },
  RecordAlias
>();

/** Filter trees (the request's and a saved filter's) over a kind of record read as `alias`, as one condition. */
export async function recordFilter(
  em: EntityManager,
  kind: PipelineRecordKind,
  fields: Record<string, FilterField>,
  filters: readonly FilterNode[],
  alias: RecordAlias = ALIASES[kind],
): Promise<Expression<SqlBool>> {
  if (filters.length === 0) return sql<SqlBool>`true`;
  const target = {
    fields,
    customFields: await listCustomFields(em, kind),
    customFieldsColumn: aliased.ref(`${alias}.custom_fields`),
    recordType: kind,
    idColumn: aliased.ref(`${alias}.id`),
  };
  return aliased.and(filters.map((filter) => filterCondition(filter, target)));
}

/**
 * One page of a list of records: its rows past the cursor in the asked order, their tags, the
 * next cursor, and the matching rows counted up to the cap when asked.
 */
export async function recordPage<Name extends string, DB, TB extends keyof DB, O extends { id: string }>(
  em: EntityManager,
  kind: PipelineRecordKind,
  query: SelectQueryBuilder<DB, TB, O>,
  request: { sort: string; cursor?: string | undefined; offset?: number | undefined; limit: number; count: boolean },
  list: {
    sorts: Readonly<Record<Name, KeysetSort>>;
    fields: Record<string, FilterField>;
    sortKey: (sort: Name, row: O) => unknown[];
  },
): Promise<{
  rows: O[];
  tags: Map<string, TagView[]>;
  nextCursor: string | null;
  total?: number;
  totalCapped?: boolean;
}> {
  const alias = ALIASES[kind];
  const total = request.count ? await cappedTotal(em, query.clearSelect().select(sql<number>`1`.as('one'))) : {};
  const page = await pageOrder(request, list.sorts, async () => ({
    fields: list.fields,
    idColumn: aliased.ref(`${alias}.id`),
    customFields: await listCustomFields(em, kind),
    customFieldsColumn: aliased.ref(`${alias}.custom_fields`),
  }));
  const after = page.after;
  const ordered = page.order.reduce<SelectQueryBuilder<DB, TB, O>>(
    (sorted, term) => sorted.orderBy(term),
    after ? query.where(() => after) : query,
  );
  const rows = await ordered
    .limit(request.limit + 1)
    .offset(page.skip)
    .execute();
  const hasMore = rows.length > request.limit;
  const shown = hasMore ? rows.slice(0, request.limit) : rows;
  const tags = await tagsOf(
    em,
    kind,
    shown.map((row) => row.id),
  );
  const last = shown.at(-1);
  const nextCursor =
    hasMore && last
      ? page.keyset
        ? encodeCursor(list.sortKey(page.keyset, last))
        : offsetCursor(page.skip + shown.length)
      : null;
  return { rows: shown, tags, nextCursor, ...total };
}

// ---- trash ----------------------------------------------------------------------------------

function updateRecord(em: EntityManager, kind: PipelineRecordKind) {
  return db(em).updateTable(kind);
}

/** Puts a record (locked by its caller) in the trash. */
export async function trashRecord(
  em: EntityManager,
  kind: PipelineRecordKind,
  id: string,
  by: string | null,
): Promise<void> {
  await updateRecord(em, kind)
    .set((eb) => ({ deleted_at: NOW, deleted_by: by, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** Takes a record (locked by its caller) out of the trash, at the given rank. */
export async function restoreRecord(
  em: EntityManager,
  kind: PipelineRecordKind,
  id: string,
  rank: string,
  by: string | null,
): Promise<void> {
  await updateRecord(em, kind)
    .set((eb) => ({
      deleted_at: null,
      deleted_by: null,
      rank,
      version: eb('version', '+', 1),
      updated_at: NOW,
      updated_by: by,
    }))
    .where('id', '=', id)
    .execute();
}

/** Deletes a record for good, with its tags and links. */
export async function purgeRecord(em: EntityManager, kind: PipelineRecordKind, id: string): Promise<void> {
  await db(em).deleteFrom('record_tag').where('record_type', '=', kind).where('record_id', '=', id).execute();
  await db(em).deleteFrom('record_link').where('record_type', '=', kind).where('record_id', '=', id).execute();
  await (kind === 'deal' ? db(em).deleteFrom('deal') : db(em).deleteFrom('lead')).where('id', '=', id).execute();
}

// ---- stages of a pipeline (the stage editor asks) ---------------------------------------------

/** How many records a stage holds, and how many of them are in the trash. */
export async function stageRecordCount(
  em: EntityManager,
  kind: PipelineRecordKind,
  stageId: string,
): Promise<{ total: number; trashed: number }> {
  const row = await recordsOf(em, kind)
    .select((eb) => [
      eb.fn.countAll<string>().as('total'),
      eb.fn.countAll<string>().filterWhere('r.deleted_at', 'is not', null).as('trashed'),
    ])
    .where('r.stage_id', '=', stageId)
    .executeTakeFirst();
  return { total: Number(row?.total ?? 0), trashed: Number(row?.trashed ?? 0) };
}

/**
 * Moves every record of a stage (open, closed and trashed) to another stage of the same pipeline
 * and outcome, each with its history; open cards go below the target's, in order. Returns the
 * records moved, and which of them are open cards.
 */
export async function moveStageRecords(
  em: EntityManager,
  principal: Principal,
  kind: PipelineRecordKind,
  move: { pipelineId: string; fromStageId: string; toStageId: string },
): Promise<{ ids: string[]; openIds: string[] }> {
  // Records first, then the column: the order a move takes its locks in, so the two never deadlock.
  const records = await recordsOf(em, kind)
    .select((eb) => [
      'r.id',
      eb
        .and([eb('r.status', '=', 'open'), eb('r.deleted_at', 'is', null)])
        .$castTo<boolean>()
        .as('open'),
    ])
    .where('r.stage_id', '=', move.fromStageId)
    .orderBy('r.rank')
    .orderBy('r.id')
    .forUpdate()
    .execute();
  if (records.length === 0) return { ids: [], openIds: [] };
  await lockColumn(em, move.toStageId);
  const last = await columnEdge(em, kind, { pipelineId: move.pipelineId, id: move.toStageId }, 'max');
  const openIds = records.filter((record) => record.open).map((record) => record.id);
  const ranks = new Map(ranksBetween(last, null, openIds.length).map((rank, index) => [openIds[index], rank]));
  const ids = records.map((record) => record.id);
  const by = principal.userId ?? null;
  // Ranks of the open cards by id, one bind parameter; the others keep their rank.
  const openRanks = JSON.stringify(Object.fromEntries(ranks));
  await updateRecord(em, kind)
    .set((eb) => ({
      stage_id: move.toStageId,
      rank: eb.fn.coalesce(sql<string | null>`${openRanks}::jsonb ->> ${eb.ref('id')}::text`, eb.ref('rank')),
      stage_entered_at: NOW,
      version: eb('version', '+', 1),
      updated_at: NOW,
      updated_by: by,
    }))
    .where('id', 'in', ids)
    .execute();
  await writeHistory(
    em,
    ids.map((id) => ({
      type: kind,
      id,
      action: 'update' as const,
      before: { stageId: move.fromStageId },
      after: { stageId: move.toStageId },
    })),
  );
  return { ids, openIds };
}
