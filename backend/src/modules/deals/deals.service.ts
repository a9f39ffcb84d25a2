// Deals (D2): create, change, trash, restore, purge and list, each change with its history, its
// stage change and its search document in the same transaction. Reps see and change the deals
// they own, managers their teams', admins all (principal.visibility('deal')).
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, expressionBuilder, type InferResult, type Kysely, type SqlBool, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { FilterField, FilterNode } from '../../http/filters.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem, thingName } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory, type Snapshot, unchanged } from '../../records/history.ts';
import { indexRecord, type SearchDocument } from '../../records/search-index.ts';
import { compileOnly, currentTenantId, type Database, db, statementShapes } from '../../records/sql.ts';
import { BusinessContact, Organization, Person } from '../contacts/contact.entity.ts';
import { foldText } from '../contacts/matching.ts';
import * as pipelineRecords from '../pipeline-records/pipeline-records.service.ts';
import { dealsEnteredStage } from '../stage-templates/stage-templates.events.ts';
import { dealAudit } from './deal.audit.ts';
import { Deal } from './deal.entity.ts';
import type { CreateDeal, DealListQuery, DealStatus, DealView, StageChangeView, UpdateDeal } from './deals.schemas.ts';
import { formatAmount } from './money.ts';

// ---- reading ------------------------------------------------------------------------------

/** A deal's person and organization by name, as scalar subqueries (the deal reads and the board's cards). */
export function contactNames(personId: Expression<string | null>, organizationId: Expression<string | null>) {
  const eb = expressionBuilder<Database, never>();
  return [
    eb
      .selectFrom('person as p')
      .select((inner) => inner.fn<string>('concat_ws', [sql.lit(' '), 'p.first_name', 'p.last_name']).as('name'))
      .where('p.id', '=', personId)
      .as('person_name'),
    eb.selectFrom('organization as o').select('o.name').where('o.id', '=', organizationId).as('organization_name'),
  ] as const;
}

// The contacts' names from scalar subqueries too: a row locked with for update is read anew whole.
function selectDeals(k: Kysely<Database>) {
  return k
    .selectFrom('deal as d')
    .select((eb) => [
      ...pipelineRecords.recordSelection('d', eb.ref('d.stage_id'), eb.ref('d.value'), eb.ref('d.custom_fields')),
      'd.person_id',
      'd.organization_id',
      ...contactNames(eb.ref('d.person_id'), eb.ref('d.organization_id')),
      'd.business_contact_id',
      eb.cast<string | null>('d.expected_close_date', 'text').as('expected_close_date'),
    ]);
}

/** One deal with its tags too (the single-deal reads: one statement instead of two). */
function selectDealsWithTags(k: Kysely<Database>) {
  return selectDeals(k).select((eb) =>
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

export function dealView(row: DealRow, tags: DealView['tags'] = row.tags ?? []): DealView {
  return {
    id: row.id,
    title: row.title,
    value: formatAmount(row.value, row.currency),
    currency: row.currency,
    ...pipelineRecords.stageView(row),
    personId: row.person_id,
    personName: row.person_name,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    businessContactId: row.business_contact_id,
    ownerId: row.owner_id,
    expectedCloseDate: row.expected_close_date,
    status: row.status,
    ...pipelineRecords.lostView(row),
    ...pipelineRecords.viewTail(row, tags),
  };
}

export function snapshot(row: DealRow): Snapshot {
  return {
    ...pipelineRecords.recordSnapshot(row),
    personId: row.person_id,
    organizationId: row.organization_id,
    businessContactId: row.business_contact_id,
    expectedCloseDate: row.expected_close_date,
  };
}

/** Limits a deal query to the deals the caller may see. */
async function visibleDeals<Q extends ReturnType<typeof selectDeals>>(principal: Principal, query: Q): Promise<Q> {
  const owners = await pipelineRecords.visibleOwners(principal, 'deal');
  return owners ? (query.where('d.owner_id', 'in', owners) as Q) : query;
}

// Stands for an id not given: no row has it.
const NO_ID = '00000000-0000-0000-0000-000000000000';

function missing(id: string): AppError {
  return problem('not_visible_maybe_trashed', { noSuch: noSuch('deal'), id });
}

/** One deal by id with its tags, compiled once per shape (live or trashed, read or locked, scope). */
const dealById = statementShapes(['id', 'ownerIds'], (values: pipelineRecords.ById, shape: pipelineRecords.ByIdShape) =>
  pipelineRecords.lockedIf(
    shape,
    selectDealsWithTags(compileOnly).where(pipelineRecords.byIdCondition('d', shape, values)),
  ),
);

/** A deal the caller may see; 404 otherwise (whether it is someone else's or does not exist). */
export async function loadDeal(
  em: EntityManager,
  principal: Principal,
  id: string,
  options: { trashed?: boolean; lock?: boolean } = {},
): Promise<DealRow> {
  const { shape, ownerIds } = await pipelineRecords.byIdShape(principal, 'deal', options);
  const [row] = await dealById(em, shape, { id, ownerIds });
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

export type StageRef = pipelineRecords.StageRef;

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
  stage: pipelineRecords.StageRef,
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
  return pipelineRecords.lostFields(em, 'deal', status, current, input);
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
  const row = await selectDealsWithTags(db(em)).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw new Error(`deal ${id} vanished within its own transaction`);
  if (options.index) await indexRecord(em, dealDocument(row));
  return { row, view: dealView(row) };
}

// ---- writes ---------------------------------------------------------------------------------

export async function createDeal(em: EntityManager, principal: Principal, input: CreateDeal): Promise<DealView> {
  const fields = await pipelineRecords.newRecordFields(em, principal, 'deal', input, (stage) =>
    statusAfter(undefined, stage, input.status),
  );
  const { stage } = fields;
  const contacts = await resolveContacts(em, {
    personId: input.personId ?? null,
    organizationId: input.organizationId ?? null,
    businessContactId: input.businessContactId ?? null,
  });
  const id = newId();
  await db(em)
    .insertInto('deal')
    .values({
      ...pipelineRecords.newRecordColumns(principal, id, { ...fields, title: input.title }),
      person_id: contacts.personId,
      organization_id: contacts.organizationId,
      business_contact_id: contacts.businessContactId,
      expected_close_date: input.expectedCloseDate ?? null,
    })
    .execute();
  await recordStageChange(em, principal, { id, pipelineId: stage.pipelineId, fromStageId: null, toStageId: stage.id });
  const { row, view } = await afterWrite(em, id);
  recordHistory(em, principal, { type: 'deal', id, action: 'create', after: snapshot(row) });
  await em.flush();
  return view;
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
  const { value, currency, stage } = await pipelineRecords.changedAmountAndStage(em, 'deal', current, patch);
  const wantedContacts = {
    personId: patch.personId === undefined ? current.person_id : patch.personId,
    organizationId: patch.organizationId === undefined ? current.organization_id : patch.organizationId,
    businessContactId: patch.businessContactId === undefined ? current.business_contact_id : patch.businessContactId,
  };
  const contactsChanged =
    patch.personId !== undefined || patch.organizationId !== undefined || patch.businessContactId !== undefined;
  const contacts = contactsChanged ? await resolveContacts(em, wantedContacts) : wantedContacts;
  const changed = await pipelineRecords.changedOwnerAndStatus(em, principal, 'deal', current, patch, stage, () =>
    statusAfter({ status: current.status, stageId: current.stage_id }, stage, patch.status),
  );
  const next = {
    ...changed,
    title: patch.title ?? current.title,
    value,
    currency,
    stage,
    expectedCloseDate: patch.expectedCloseDate === undefined ? current.expected_close_date : patch.expectedCloseDate,
  };
  const before = snapshot(current);
  const after = snapshot({
    ...current,
    ...pipelineRecords.changedColumns(next),
    person_id: contacts.personId,
    organization_id: contacts.organizationId,
    business_contact_id: contacts.businessContactId,
    expected_close_date: next.expectedCloseDate,
  });
  if (unchanged(before, after)) return dealView(current);
  const deal = managedDeal(em, principal, current);
  pipelineRecords.assignRecord(em, deal, next);
  deal.person = contacts.personId ? em.getReference(Person, contacts.personId) : null;
  deal.organization = contacts.organizationId ? em.getReference(Organization, contacts.organizationId) : null;
  deal.businessContact = contacts.businessContactId
    ? em.getReference(BusinessContact, contacts.businessContactId)
    : null;
  deal.expectedCloseDate = next.expectedCloseDate;
  // Flushed first: what the stage's entry makes (its tasks) reads the deal as changed.
  await em.flush();
  if (stage.id !== current.stage_id) {
    await recordStageChange(em, principal, {
      id,
      pipelineId: stage.pipelineId,
      fromStageId: current.stage_id,
      toStageId: stage.id,
    });
  }
  return (await afterWrite(em, id)).view;
}

/** The deal's entity from its row as read and locked, for a write through the unit of work. */
function managedDeal(em: EntityManager, principal: Principal, row: DealRow): Deal {
  const deal = em.merge(Deal, {
    ...pipelineRecords.recordEntityData(principal, row),
    status: row.status,
    person: row.person_id,
    organization: row.organization_id,
    businessContact: row.business_contact_id,
    expectedCloseDate: row.expected_close_date,
  });
  return pipelineRecords.managed(dealAudit, deal);
}

export const {
  trash: trashDeal,
  restore: restoreDeal,
  purge: purgeDeal,
} = pipelineRecords.recordTrash<DealRow, DealView>({ kind: 'deal', load: loadDeal, snapshot, afterWrite });

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

/**
 * Moves every deal of a stage (open, closed and trashed) to another stage of the same pipeline
 * and outcome, with a stage change and history each; open cards go below the target's, in order.
 */
export async function moveStageDeals(
  em: EntityManager,
  principal: Principal,
  move: { pipelineId: string; fromStageId: string; toStageId: string },
): Promise<number> {
  const { pipelineId, fromStageId, toStageId } = move;
  const { ids, openIds } = await pipelineRecords.moveStageRecords(em, principal, 'deal', move);
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
  return pipelineRecords.recordFilter(
    em,
    'deal',
    alias === 'd' ? DEAL_FILTER_FIELDS : dealFilterFields(alias),
    filters,
    alias,
  );
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
  return sort === 'expectedCloseDate'
    ? [row.expected_close_date ?? '9999-12-31', row.id]
    : pipelineRecords.recordSortKey(sort, row);
}

export async function listDeals(
  em: EntityManager,
  principal: Principal,
  query: Omit<DealListQuery, 'filter' | 'savedFilterId'>,
  filters: readonly FilterNode[],
): Promise<{ items: DealView[]; nextCursor: string | null; total?: number; totalCapped?: boolean }> {
  const filter = await dealFilter(em, filters);
  const matching = (await visibleDeals(principal, selectDeals(db(em))))
    .where('d.tenant_id', '=', currentTenantId)
    .where('d.deleted_at', 'is', null)
    .$if(query.pipelineId !== undefined, (q) => q.where('d.pipeline_id', '=', query.pipelineId as string))
    .$if(query.stageId !== undefined, (q) => q.where('d.stage_id', '=', query.stageId as string))
    .$if(query.status !== undefined, (q) => q.where('d.status', '=', query.status as DealStatus))
    .$if(query.ownerId !== undefined, (q) => q.where('d.owner_id', '=', query.ownerId as string))
    .$if(query.personId !== undefined, (q) => q.where('d.person_id', '=', query.personId as string))
    .$if(query.organizationId !== undefined, (q) => q.where('d.organization_id', '=', query.organizationId as string))
    .where(() => filter);
  const { rows, tags, ...rest } = await pipelineRecords.recordPage(em, 'deal', matching, query, {
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
  const query = (await visibleDeals(principal, selectDeals(db(em))))
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
  return selectDeals(db(em))
    .where('d.id', 'in', [...ids])
    .where('d.deleted_at', 'is', null)
    .execute();
}
