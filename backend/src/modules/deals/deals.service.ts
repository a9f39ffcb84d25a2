// Deals (D2): create, change, trash, restore, purge and list, each change with its history, its
// stage change and its search document in the same transaction. Reps see and change the deals
// they own, managers their teams', admins all (principal.visibility('deal')).
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, expressionBuilder, type InferResult, type SqlBool, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { FilterField, FilterNode } from '../../http/filters.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem, thingName } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory, type Snapshot, unchanged } from '../../records/history.ts';
import { FIRST_RANK } from '../../records/rank.ts';
import { indexRecord, type SearchDocument, unindexRecord } from '../../records/search-index.ts';
import { currentTenantId, type Database, db } from '../../records/sql.ts';
import { foldText } from '../contacts/matching.ts';
import { applyCustomFields } from '../custom-fields/custom-fields.service.ts';
import {
  checkAmount,
  checkOwner,
  closedAt,
  defaultCurrency,
  moveStageRecords,
  NOW,
  purgeRecord,
  recordFilter,
  lostFields as recordLostFields,
  recordPage,
  resolveStage,
  restoreRecord,
  type StageRef,
  stageRecordCount,
  topRank,
  trashRecord,
  visibleOwners,
} from '../pipeline-records/pipeline-records.service.ts';
import { dealsEnteredStage } from '../stage-templates/stage-templates.events.ts';
import type { CreateDeal, DealListQuery, DealStatus, DealView, StageChangeView, UpdateDeal } from './deals.schemas.ts';
import { formatAmount } from './money.ts';

// ---- reading ------------------------------------------------------------------------------

// Everything beyond the deal's own columns comes from scalar subqueries, not joins: locked with
// for update, a row a concurrent writer changed first is read anew, names and stage included.
function selectDeals(em: EntityManager) {
  return db(em)
    .selectFrom('deal as d')
    .select((eb) => [
      'd.id',
      'd.title',
      eb.cast<string>('d.value', 'text').as('value'),
      'd.currency',
      'd.pipeline_id',
      'd.stage_id',
      eb
        .selectFrom('pipeline_stage as s')
        .select('s.name')
        .whereRef('s.id', '=', 'd.stage_id')
        .$asScalar()
        .as('stage_name'),
      eb
        .selectFrom('pipeline_stage as s')
        .select('s.probability')
        .whereRef('s.id', '=', 'd.stage_id')
        .$asScalar()
        .as('probability'),
      eb.selectFrom('pipeline_stage as s').select('s.outcome').whereRef('s.id', '=', 'd.stage_id').as('stage_outcome'),
      'd.person_id',
      eb
        .selectFrom('person as p')
        .select((inner) => inner.fn<string>('concat_ws', [sql.lit(' '), 'p.first_name', 'p.last_name']).as('name'))
        .whereRef('p.id', '=', 'd.person_id')
        .as('person_name'),
      'd.organization_id',
      eb
        .selectFrom('organization as o')
        .select('o.name')
        .whereRef('o.id', '=', 'd.organization_id')
        .as('organization_name'),
      'd.business_contact_id',
      'd.owner_id',
      eb.cast<string | null>('d.expected_close_date', 'text').as('expected_close_date'),
      'd.status',
      'd.lost_reason_id',
      'd.lost_note',
      'd.closed_at',
      'd.rank',
      'd.stage_entered_at',
      eb.ref('d.custom_fields').$castTo<Record<string, unknown>>().as('custom_fields'),
      'd.version',
      'd.created_at',
      'd.created_by',
      'd.updated_at',
      'd.updated_by',
      'd.deleted_at',
    ]);
}

/** One deal with its tags too (the single-deal reads: one statement instead of two). */
function selectDealsWithTags(em: EntityManager) {
  return selectDeals(em).select((eb) =>
    jsonArrayFrom(
      eb
        .selectFrom('record_tag as rt')
        .innerJoin('tag as t', 't.id', 'rt.tag_id')
        .select(['t.id', 't.name', 't.color'])
        .where('rt.record_type', '=', 'deal')
        .whereRef('rt.record_id', '=', 'd.id')
        .orderBy((inner) => inner.fn('lower', ['t.name'])),
    ).as('tags'),
  );
}

/** A deal as read, with its stage, contact names and (where read with them) its tags. */
export type DealRow = InferResult<ReturnType<typeof selectDeals>>[number] & {
  tags?: DealView['tags'];
};

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function dealView(row: DealRow, tags: DealView['tags'] = row.tags ?? []): DealView {
  return {
    id: row.id,
    title: row.title,
    value: formatAmount(row.value, row.currency),
    currency: row.currency,
    pipelineId: row.pipeline_id,
    stageId: row.stage_id,
    stageName: row.stage_name,
    probability: row.probability,
    personId: row.person_id,
    personName: row.person_name,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    businessContactId: row.business_contact_id,
    ownerId: row.owner_id,
    expectedCloseDate: row.expected_close_date,
    status: row.status,
    lostReasonId: row.lost_reason_id,
    lostNote: row.lost_note,
    closedAt: iso(row.closed_at),
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

export function snapshot(row: DealRow): Snapshot {
  return {
    title: row.title,
    value: formatAmount(row.value, row.currency),
    currency: row.currency,
    pipelineId: row.pipeline_id,
    stageId: row.stage_id,
    personId: row.person_id,
    organizationId: row.organization_id,
    businessContactId: row.business_contact_id,
    ownerId: row.owner_id,
    expectedCloseDate: row.expected_close_date,
    status: row.status,
    lostReasonId: row.lost_reason_id,
    lostNote: row.lost_note,
    customFields: row.custom_fields,
  };
}

/** Limits a deal query to the deals the caller may see. */
async function visibleDeals<Q extends ReturnType<typeof selectDeals>>(principal: Principal, query: Q): Promise<Q> {
  const owners = await visibleOwners(principal, 'deal');
  return owners ? (query.where('d.owner_id', 'in', owners) as Q) : query;
}

// Stands for an id not given: no row has it.
const NO_ID = '00000000-0000-0000-0000-000000000000';

function missing(id: string): AppError {
  return problem('not_visible_maybe_trashed', { noSuch: noSuch('deal'), id });
}

/** A deal the caller may see; 404 otherwise (whether it is someone else's or does not exist). */
export async function loadDeal(
  em: EntityManager,
  principal: Principal,
  id: string,
  options: { trashed?: boolean; lock?: boolean } = {},
): Promise<DealRow> {
  const query = await visibleDeals(
    principal,
    selectDealsWithTags(em)
      .where('d.id', '=', id)
      .where('d.deleted_at', options.trashed ? 'is not' : 'is', null),
  );
  const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst();
  if (!row) {
    throw options.trashed ? problem('not_in_trash', { noSuch: noSuch('deal'), id }) : missing(id);
  }
  return row;
}

export async function getDeal(em: EntityManager, principal: Principal, id: string): Promise<DealView> {
  return dealView(await loadDeal(em, principal, id));
}

// ---- rules of a write ---------------------------------------------------------------------

/** What a deal's status means in a text: "won" / "gewonnen". */
export const outcomeWords = {
  won: { en: 'won', de: 'gewonnen' },
  lost: { en: 'lost', de: 'verloren' },
} as const;

export type { StageRef };

interface Contacts {
  personId: string | null;
  organizationId: string | null;
  businessContactId: string | null;
}

/**
 * Checks that the person, organization and business contact exist and are not in the trash,
 * fills person and organization from the business contact, and requires at least one.
 */
async function resolveContacts(em: EntityManager, wanted: Contacts): Promise<Contacts> {
  // A person or an organization by id, not in the trash, as a row of the statement below.
  const standalone = (table: 'person' | 'organization', kind: keyof Contacts, id: string | null) =>
    db(em)
      .selectFrom(table)
      .select((eb) => [
        sql.lit<keyof Contacts>(kind).as('kind'),
        'id',
        eb.cast<string | null>(sql.lit(null), 'uuid').as('person_id'),
        eb.cast<string | null>(sql.lit(null), 'uuid').as('organization_id'),
      ])
      .where('id', '=', id ?? NO_ID)
      .where('deleted_at', 'is', null);
  // One statement for the three: each part finds its row or nothing.
  const rows = await standalone('person', 'personId', wanted.personId)
    .unionAll(standalone('organization', 'organizationId', wanted.organizationId))
    .unionAll((eb) =>
      eb
        .selectFrom('business_contact')
        .select([sql.lit<keyof Contacts>('businessContactId').as('kind'), 'id', 'person_id', 'organization_id'])
        .where('id', '=', wanted.businessContactId ?? NO_ID)
        .where('deleted_at', 'is', null),
    )
    .execute();
  const things = { personId: 'person', organizationId: 'organization', businessContactId: 'business_contact' } as const;
  for (const key of ['personId', 'organizationId', 'businessContactId'] as const) {
    if (wanted[key] && !rows.some((row) => row.kind === key)) {
      throw problem(
        'unknown_contact',
        { thing: thingName(things[key]), noSuch: noSuch(things[key]), id: wanted[key] },
        { at: { pointer: `#/${key}` } },
      );
    }
  }
  const contact = rows.find((row) => row.kind === 'businessContactId');
  const result = { ...wanted };
  if (contact) {
    for (const [key, value] of [
      ['personId', contact.person_id],
      ['organizationId', contact.organization_id],
    ] as const) {
      if (result[key] && result[key] !== value) {
        throw problem(
          'business_contact_mismatch',
          {
            id: contact.id,
            thing:
              key === 'personId' ? { en: 'person', de: 'die Person' } : { en: 'organization', de: 'die Organisation' },
            joined: String(value),
            sent: result[key],
            field: key,
          },
          { at: { pointer: `#/${key}` } },
        );
      }
      result[key] = value;
    }
  }
  if (!result.personId && !result.organizationId && !result.businessContactId) {
    throw problem('contact_required', {}, { at: { pointer: '#/personId' } });
  }
  return result;
}

/** Status after a write: the end stage's outcome, a reopened deal leaving an end stage, or as asked. */
export function statusAfter(
  current: { status: DealStatus; stageId: string } | undefined,
  stage: StageRef,
  requested: DealStatus | undefined,
): DealStatus {
  const stageChanged = current !== undefined && current.stageId !== stage.id;
  if (stage.outcome) {
    if (requested !== undefined && requested !== stage.outcome) {
      throw problem(
        'status_contradicts_stage',
        {
          stage: stage.name,
          outcome: outcomeWords[stage.outcome],
          thing: { en: 'deal', de: 'Deal' },
          status: stage.outcome,
        },
        { at: { pointer: '#/status' } },
      );
    }
    return stage.outcome;
  }
  if (requested !== undefined) return requested;
  // Dragged out of an end stage into an open one: the deal is open again.
  if (stageChanged && current.status !== 'open') return 'open';
  return current?.status ?? 'open';
}

export function lostFields(
  em: EntityManager,
  status: DealStatus,
  current: { lostReasonId: string | null; lostNote: string | null } | undefined,
  input: { lostReasonId?: string | null | undefined; lostNote?: string | null | undefined },
): Promise<{ lostReasonId: string | null; lostNote: string | null }> {
  return recordLostFields(em, 'deal', status, current, input);
}

// ---- search and history ----------------------------------------------------------------------

export function dealDocument(row: DealRow): SearchDocument {
  const words = [row.title, row.organization_name ?? '', row.person_name ?? ''].join(' ');
  return {
    type: 'deal',
    id: row.id,
    title: row.title,
    subtitle: row.organization_name ?? row.person_name,
    normalized: foldText(`${row.title} ${row.organization_name ?? ''}`),
    phonetic: [],
    emails: [],
    phones: [],
    postalCodes: [],
    vatId: null,
    body: foldText(words),
    ownerId: row.owner_id,
  };
}

export async function recordStageChange(
  em: EntityManager,
  principal: Principal,
  deal: { id: string; pipelineId: string; fromStageId: string | null; toStageId: string },
): Promise<void> {
  await db(em)
    .insertInto('deal_stage_change')
    .values({
      id: newId(),
      tenant_id: currentTenantId,
      deal_id: deal.id,
      pipeline_id: deal.pipelineId,
      from_stage_id: deal.fromStageId,
      to_stage_id: deal.toStageId,
      changed_by: principal.userId ?? null,
    })
    .execute();
  await dealsEnteredStage(em, principal, [{ dealId: deal.id, pipelineId: deal.pipelineId, stageId: deal.toStageId }]);
}

/** Reads the deal as written (the write checked the caller may), keeps its search document current, returns it. */
export async function afterWrite(
  em: EntityManager,
  id: string,
  options: { index: boolean } = { index: true },
): Promise<{ row: DealRow; view: DealView }> {
  const row = await selectDealsWithTags(em).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw new Error(`deal ${id} vanished within its own transaction`);
  if (options.index) await indexRecord(em, dealDocument(row));
  return { row, view: dealView(row) };
}

// ---- writes ---------------------------------------------------------------------------------

export async function createDeal(em: EntityManager, principal: Principal, input: CreateDeal): Promise<DealView> {
  const currency = input.currency ?? (await defaultCurrency(em));
  const value = input.value ?? '0';
  checkAmount(value, currency, '#/value');
  const stage = await resolveStage(em, 'deal', input.pipelineId, input.stageId);
  const contacts = await resolveContacts(em, {
    personId: input.personId ?? null,
    organizationId: input.organizationId ?? null,
    businessContactId: input.businessContactId ?? null,
  });
  const ownerId = input.ownerId === undefined ? (principal.userId ?? null) : input.ownerId;
  await checkOwner(em, principal, 'deal', ownerId);
  const status = statusAfter(undefined, stage, input.status);
  const lost = await lostFields(em, status, undefined, input);
  const customFields = await applyCustomFields(em, 'deal', {}, input.customFields);
  const rank = status === 'open' ? await topRank(em, 'deal', stage) : FIRST_RANK;
  const id = newId();
  await db(em)
    .insertInto('deal')
    .values({
      id,
      tenant_id: currentTenantId,
      title: input.title,
      value,
      currency,
      pipeline_id: stage.pipelineId,
      stage_id: stage.id,
      person_id: contacts.personId,
      organization_id: contacts.organizationId,
      business_contact_id: contacts.businessContactId,
      owner_id: ownerId,
      expected_close_date: input.expectedCloseDate ?? null,
      status,
      lost_reason_id: lost.lostReasonId,
      lost_note: lost.lostNote,
      closed_at: status === 'open' ? null : NOW,
      rank,
      custom_fields: JSON.stringify(customFields),
      version: 1,
      created_by: principal.userId ?? null,
      updated_by: principal.userId ?? null,
    })
    .execute();
  await recordStageChange(em, principal, { id, pipelineId: stage.pipelineId, fromStageId: null, toStageId: stage.id });
  const { row, view } = await afterWrite(em, id);
  recordHistory(em, principal, { type: 'deal', id, action: 'create', after: snapshot(row) });
  await em.flush();
  return view;
}

/** Writes a deal's new state (its row is locked since it was read). */
async function writeDeal(
  em: EntityManager,
  principal: Principal,
  current: DealRow,
  next: {
    title: string;
    value: string;
    currency: string;
    stage: StageRef;
    contacts: Contacts;
    ownerId: string | null;
    expectedCloseDate: string | null;
    status: DealStatus;
    lostReasonId: string | null;
    lostNote: string | null;
    customFields: Record<string, unknown>;
    rank: string;
  },
): Promise<void> {
  await db(em)
    .updateTable('deal')
    .set((eb) => ({
      title: next.title,
      value: next.value,
      currency: next.currency,
      pipeline_id: next.stage.pipelineId,
      stage_id: next.stage.id,
      person_id: next.contacts.personId,
      organization_id: next.contacts.organizationId,
      business_contact_id: next.contacts.businessContactId,
      owner_id: next.ownerId,
      expected_close_date: next.expectedCloseDate,
      status: next.status,
      lost_reason_id: next.lostReasonId,
      lost_note: next.lostNote,
      closed_at: closedAt(eb, next.status),
      stage_entered_at: eb.case().when('stage_id', '=', next.stage.id).then(eb.ref('stage_entered_at')).else(NOW).end(),
      rank: next.rank,
      custom_fields: JSON.stringify(next.customFields),
      version: eb('version', '+', 1),
      updated_at: NOW,
      updated_by: principal.userId ?? null,
    }))
    .where('id', '=', current.id)
    .execute();
}

export async function updateDeal(
  em: EntityManager,
  principal: Principal,
  id: string,
  patch: UpdateDeal,
  expectedVersion: number | undefined,
): Promise<DealView> {
  const current = await loadDeal(em, principal, id, { lock: true });
  checkVersion(current, expectedVersion, named('deal', current.title));
  const currency = patch.currency ?? current.currency;
  const value = patch.value ?? formatAmount(current.value, current.currency);
  if (patch.value !== undefined || patch.currency !== undefined) {
    checkAmount(value, currency, patch.value !== undefined ? '#/value' : '#/currency');
  }
  const stage =
    patch.stageId !== undefined || (patch.pipelineId !== undefined && patch.pipelineId !== current.pipeline_id)
      ? await resolveStage(em, 'deal', patch.pipelineId, patch.stageId)
      : {
          pipelineId: current.pipeline_id,
          id: current.stage_id,
          name: current.stage_name,
          probability: current.probability,
          outcome: current.stage_outcome,
        };
  const wantedContacts = {
    personId: patch.personId === undefined ? current.person_id : patch.personId,
    organizationId: patch.organizationId === undefined ? current.organization_id : patch.organizationId,
    businessContactId: patch.businessContactId === undefined ? current.business_contact_id : patch.businessContactId,
  };
  const contactsChanged =
    patch.personId !== undefined || patch.organizationId !== undefined || patch.businessContactId !== undefined;
  const contacts = contactsChanged ? await resolveContacts(em, wantedContacts) : wantedContacts;
  const ownerId = patch.ownerId === undefined ? current.owner_id : patch.ownerId;
  if (ownerId !== current.owner_id) await checkOwner(em, principal, 'deal', ownerId);
  const status = statusAfter({ status: current.status, stageId: current.stage_id }, stage, patch.status);
  const lost = await lostFields(
    em,
    status,
    { lostReasonId: current.lost_reason_id, lostNote: current.lost_note },
    {
      ...(patch.lostReasonId !== undefined ? { lostReasonId: patch.lostReasonId } : {}),
      ...(patch.lostNote !== undefined ? { lostNote: patch.lostNote } : {}),
    },
  );
  const customFields =
    patch.customFields === undefined
      ? current.custom_fields
      : await applyCustomFields(em, 'deal', current.custom_fields, patch.customFields);
  // A card that enters a column (another stage, reopened) goes to its top; one that stays keeps its place.
  const entersColumn = status === 'open' && (current.status !== 'open' || stage.id !== current.stage_id);
  const rank = entersColumn ? await topRank(em, 'deal', stage) : current.rank;
  const next = {
    title: patch.title ?? current.title,
    value,
    currency,
    stage,
    contacts,
    ownerId,
    expectedCloseDate: patch.expectedCloseDate === undefined ? current.expected_close_date : patch.expectedCloseDate,
    status,
    ...lost,
    customFields,
    rank,
  };
  const before = snapshot(current);
  const after = snapshot({
    ...current,
    title: next.title,
    value: next.value,
    currency: next.currency,
    pipeline_id: stage.pipelineId,
    stage_id: stage.id,
    person_id: contacts.personId,
    organization_id: contacts.organizationId,
    business_contact_id: contacts.businessContactId,
    owner_id: ownerId,
    expected_close_date: next.expectedCloseDate,
    status,
    lost_reason_id: lost.lostReasonId,
    lost_note: lost.lostNote,
    custom_fields: customFields,
  });
  if (unchanged(before, after)) return dealView(current);
  await writeDeal(em, principal, current, next);
  if (stage.id !== current.stage_id) {
    await recordStageChange(em, principal, {
      id,
      pipelineId: stage.pipelineId,
      fromStageId: current.stage_id,
      toStageId: stage.id,
    });
  }
  recordHistory(em, principal, { type: 'deal', id, action: 'update', before, after });
  await em.flush();
  return (await afterWrite(em, id)).view;
}

export async function trashDeal(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const current = await loadDeal(em, principal, id, { lock: true });
  checkVersion(current, expectedVersion, named('deal', current.title));
  await trashRecord(em, 'deal', id, principal.userId ?? null);
  recordHistory(em, principal, { type: 'deal', id, action: 'delete', before: snapshot(current) });
  await em.flush();
  await unindexRecord(em, 'deal', id);
}

export async function restoreDeal(em: EntityManager, principal: Principal, id: string): Promise<DealView> {
  const current = await loadDeal(em, principal, id, { trashed: true, lock: true });
  // Its old place may have been taken meanwhile: an open deal comes back at the top of its column.
  const rank =
    current.status === 'open'
      ? await topRank(em, 'deal', { pipelineId: current.pipeline_id, id: current.stage_id })
      : current.rank;
  await restoreRecord(em, 'deal', id, rank, principal.userId ?? null);
  recordHistory(em, principal, { type: 'deal', id, action: 'restore', after: snapshot(current) });
  await em.flush();
  return (await afterWrite(em, id)).view;
}

/** Deletes a trashed deal for good, with its tags and links (admins only). */
export async function purgeDeal(em: EntityManager, principal: Principal, id: string): Promise<void> {
  if (!principal.roles.has('admin')) throw problem('admin_empties_trash', { things: { en: 'deals', de: 'Deals' } });
  await loadDeal(em, principal, id, { trashed: true });
  await purgeRecord(em, 'deal', id);
  await unindexRecord(em, 'deal', id);
}

export async function stageChangesOf(em: EntityManager, principal: Principal, id: string): Promise<StageChangeView[]> {
  await loadDeal(em, principal, id);
  const rows = await db(em)
    .selectFrom('deal_stage_change as c')
    .leftJoin('pipeline_stage as f', 'f.id', 'c.from_stage_id')
    .innerJoin('pipeline_stage as t', 't.id', 'c.to_stage_id')
    .select([
      'c.id',
      'c.pipeline_id',
      'c.from_stage_id',
      'f.name as from_stage_name',
      'c.to_stage_id',
      't.name as to_stage_name',
      'c.changed_at',
      'c.changed_by',
    ])
    .where('c.tenant_id', '=', currentTenantId)
    .where('c.deal_id', '=', id)
    .orderBy('c.changed_at')
    .orderBy('c.id')
    .limit(500)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    pipelineId: row.pipeline_id,
    fromStageId: row.from_stage_id,
    fromStageName: row.from_stage_name,
    toStageId: row.to_stage_id,
    toStageName: row.to_stage_name,
    changedAt: new Date(row.changed_at).toISOString(),
    changedBy: row.changed_by,
  }));
}

// ---- stages of a pipeline (the stage editor asks) ---------------------------------------------

/** How many deals a stage holds, and how many of them are in the trash. */
export function stageDealCount(em: EntityManager, stageId: string): Promise<{ total: number; trashed: number }> {
  return stageRecordCount(em, 'deal', stageId);
}

/**
 * Moves every deal of a stage (open, closed and trashed) to another stage of the same pipeline
 * and outcome, with a stage change and history each; open cards go below the target's, in order.
 */
export async function moveStageDeals(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  fromStageId: string,
  toStageId: string,
): Promise<number> {
  const { ids, openIds } = await moveStageRecords(em, principal, 'deal', { pipelineId, fromStageId, toStageId });
  if (ids.length === 0) return 0;
  await db(em)
    .insertInto('deal_stage_change')
    .values(
      ids.map((dealId) => ({
        id: newId(),
        tenant_id: currentTenantId,
        deal_id: dealId,
        pipeline_id: pipelineId,
        from_stage_id: fromStageId,
        to_stage_id: toStageId,
        changed_by: principal.userId ?? null,
      })),
    )
    .execute();
  // Open deals get the stage's tasks; closed and trashed ones only change place.
  await dealsEnteredStage(
    em,
    principal,
    openIds.map((dealId) => ({ dealId, pipelineId, stageId: toStageId })),
  );
  return ids.length;
}

// ---- lists ----------------------------------------------------------------------------------

/** The deal table as statements read it: the list as `d`, the board as `c`. */
type DealAlias = 'd' | 'c';
const deals = expressionBuilder<Record<DealAlias, Database['deal']>, DealAlias>();

/** The fields deals filter and sort by, on the deal table read as `alias`. */
function dealFilterFields(alias: DealAlias): Record<string, FilterField> {
  const column = (name: keyof Database['deal'] & string) => deals.ref(`${alias}.${name}`);
  return {
    title: { sql: column('title'), type: 'text' },
    value: { sql: column('value'), type: 'number' },
    currency: { sql: column('currency'), type: 'text' },
    pipelineId: { sql: column('pipeline_id'), type: 'uuid' },
    stageId: { sql: column('stage_id'), type: 'uuid' },
    status: { sql: column('status'), type: 'text' },
    ownerId: { sql: column('owner_id'), type: 'uuid' },
    personId: { sql: column('person_id'), type: 'uuid' },
    organizationId: { sql: column('organization_id'), type: 'uuid' },
    businessContactId: { sql: column('business_contact_id'), type: 'uuid' },
    expectedCloseDate: { sql: column('expected_close_date'), type: 'date' },
    lostReasonId: { sql: column('lost_reason_id'), type: 'uuid' },
    closedAt: { sql: column('closed_at'), type: 'datetime' },
    createdAt: { sql: column('created_at'), type: 'datetime' },
    updatedAt: { sql: column('updated_at'), type: 'datetime' },
    organizationName: {
      sql: expressionBuilder<Database>()
        .selectFrom('organization as o2')
        .select('o2.name')
        .where('o2.id', '=', column('organization_id') as Expression<string>),
      type: 'text',
    },
  };
}

export const DEAL_FILTER_FIELDS = dealFilterFields('d');

/** Filter trees (the request's and a saved filter's) over deals read as `alias`, as one condition. */
export async function dealFilter(
  em: EntityManager,
  filters: readonly FilterNode[],
  alias: DealAlias = 'd',
): Promise<Expression<SqlBool>> {
  return recordFilter(em, 'deal', alias === 'd' ? DEAL_FILTER_FIELDS : dealFilterFields(alias), filters, alias);
}

const SORTS = {
  '-updatedAt': { columns: [deals.ref('d.updated_at'), deals.ref('d.id')], direction: 'desc' },
  title: { columns: [deals.fn('lower', [deals.ref('d.title')]), deals.ref('d.id')], direction: 'asc' },
  expectedCloseDate: {
    columns: [sql`coalesce(${deals.ref('d.expected_close_date')}, date '9999-12-31')`, deals.ref('d.id')],
    direction: 'asc',
  },
} as const;

function sortKey(sort: keyof typeof SORTS, row: DealRow): unknown[] {
  if (sort === 'title') return [row.title.toLowerCase(), row.id];
  if (sort === 'expectedCloseDate') return [row.expected_close_date ?? '9999-12-31', row.id];
  return [new Date(row.updated_at).toISOString(), row.id];
}

export async function listDeals(
  em: EntityManager,
  principal: Principal,
  query: Omit<DealListQuery, 'filter' | 'savedFilterId'>,
  filters: readonly FilterNode[],
): Promise<{ items: DealView[]; nextCursor: string | null; total?: number; totalCapped?: boolean }> {
  const filter = await dealFilter(em, filters);
  const matching = (await visibleDeals(principal, selectDeals(em)))
    .where('d.tenant_id', '=', currentTenantId)
    .where('d.deleted_at', 'is', null)
    .$if(query.pipelineId !== undefined, (q) => q.where('d.pipeline_id', '=', query.pipelineId as string))
    .$if(query.stageId !== undefined, (q) => q.where('d.stage_id', '=', query.stageId as string))
    .$if(query.status !== undefined, (q) => q.where('d.status', '=', query.status as DealStatus))
    .$if(query.ownerId !== undefined, (q) => q.where('d.owner_id', '=', query.ownerId as string))
    .$if(query.personId !== undefined, (q) => q.where('d.person_id', '=', query.personId as string))
    .$if(query.organizationId !== undefined, (q) => q.where('d.organization_id', '=', query.organizationId as string))
    .where(() => filter);
  const { rows, tags, ...rest } = await recordPage(em, 'deal', matching, query, {
    sorts: SORTS,
    fields: DEAL_FILTER_FIELDS,
    sortKey,
  });
  return { items: rows.map((row) => dealView(row, tags.get(row.id))), ...rest };
}

/** Open deals around a contact, for its 360° view: the caller's visible ones, soonest close first. */
export async function openDealsOf(
  em: EntityManager,
  principal: Principal,
  record: { type: 'person' | 'organization' | 'business_contact'; id: string },
): Promise<DealView[]> {
  const inBusinessContact = (column: 'person_id' | 'organization_id') =>
    db(em).selectFrom('business_contact').select('id').where(column, '=', record.id);
  const query = (await visibleDeals(principal, selectDeals(em)))
    .where('d.tenant_id', '=', currentTenantId)
    .where('d.status', '=', 'open')
    .where('d.deleted_at', 'is', null)
    .where((eb) =>
      record.type === 'business_contact'
        ? eb('d.business_contact_id', '=', record.id)
        : record.type === 'person'
          ? eb.or([
              eb('d.person_id', '=', record.id),
              eb('d.business_contact_id', 'in', inBusinessContact('person_id')),
            ])
          : eb.or([
              eb('d.organization_id', '=', record.id),
              eb('d.business_contact_id', 'in', inBusinessContact('organization_id')),
            ]),
    )
    .orderBy('d.expected_close_date', (order) => order.asc().nullsLast())
    .orderBy('d.id')
    .limit(50);
  const rows = await query.execute();
  return rows.map((row) => dealView(row));
}

/** Deals by id regardless of who asks, for keeping their search documents current. */
export function loadDealsForIndex(em: EntityManager, ids: readonly string[]): Promise<DealRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectDeals(em)
    .where('d.id', 'in', [...ids])
    .where('d.deleted_at', 'is', null)
    .execute();
}
