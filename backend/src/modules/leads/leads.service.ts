// Leads (D5): create, change, move on the board, trash, restore, purge and list, each change with
// its history and search document in the same transaction. Inside sales sees every lead, managers
// their teams', reps their own (principal.visibility('lead')). A converted lead is read-only.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, expressionBuilder, type InferResult, type Kysely, type SqlBool } from 'kysely';
import { type AppError, validationFailed } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { FilterField, FilterNode } from '../../http/filters.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { diffSnapshots, recordHistory, type Snapshot, unchanged } from '../../records/history.ts';
import { placeBetween } from '../../records/rank.ts';
import { boardColumn } from '../../records/ranked-lists.ts';
import { indexRecord, type SearchDocument } from '../../records/search-index.ts';
import { compileOnly, currentTenantId, type Database, db, statementShapes } from '../../records/sql.ts';
import type { Move } from '../board/board.schemas.ts';
import { foldText, isValidPostalCode, normalizePersonName, phoneticCodes } from '../contacts/matching.ts';
import { formatAmount } from '../deals/money.ts';
import * as pipelineRecords from '../pipeline-records/pipeline-records.service.ts';
import { tagsOf } from '../tags/tags.service.ts';
import { leadAudit } from './lead.audit.ts';
import { LEAD_CONTACT_FIELDS as CONTACT_FIELDS, Lead } from './lead.entity.ts';
import type { CreateLead, LeadListQuery, LeadStatus, LeadView, UpdateLead } from './leads.schemas.ts';

// ---- reading ------------------------------------------------------------------------------

const CONTACT_COLUMNS = Object.values(CONTACT_FIELDS);

type Contact = { -readonly [F in keyof typeof CONTACT_FIELDS]: string | null };

function contactOf(row: LeadRow): Contact {
  return Object.fromEntries(Object.entries(CONTACT_FIELDS).map(([field, column]) => [field, row[column]])) as Contact;
}

function selectLeads(k: Kysely<Database>) {
  return k
    .selectFrom('lead as l')
    .select((eb) => [
      ...pipelineRecords.recordSelection('l', eb.ref('l.stage_id'), eb.ref('l.value'), eb.ref('l.custom_fields')),
      ...CONTACT_COLUMNS.map((column) => `l.${column}` as const),
      'l.converted_at',
      'l.converted_by',
      'l.converted_person_id',
      'l.converted_organization_id',
      'l.converted_business_contact_id',
      'l.converted_deal_id',
    ]);
}

/** A lead as read, with its stage. */
export type LeadRow = InferResult<ReturnType<typeof selectLeads>>[number];

/** Limits a lead query to the leads the caller may see. */
async function visibleLeads<Q extends ReturnType<typeof selectLeads>>(principal: Principal, query: Q): Promise<Q> {
  const owners = await pipelineRecords.visibleOwners(principal, 'lead');
  return owners ? (query.where('l.owner_id', 'in', owners) as Q) : query;
}

export const personNameOf = (row: Pick<LeadRow, 'first_name' | 'last_name'>) =>
  [row.first_name, row.last_name].filter(Boolean).join(' ') || null;

export function leadView(row: LeadRow, tags: LeadView['tags'] = []): LeadView {
  return {
    id: row.id,
    title: row.title,
    ...pipelineRecords.stageView(row),
    status: row.status,
    ...contactOf(row),
    ownerId: row.owner_id,
    value: formatAmount(row.value, row.currency),
    currency: row.currency,
    ...pipelineRecords.lostView(row),
    convertedAt: row.converted_at === null ? null : new Date(row.converted_at).toISOString(),
    convertedBy: row.converted_by,
    convertedTo: convertedTo(row),
    ...pipelineRecords.viewTail(row, tags),
  };
}

/** What a converted lead became; null while it is not converted. */
function convertedTo(
  row: Pick<
    LeadRow,
    | 'status'
    | 'converted_person_id'
    | 'converted_organization_id'
    | 'converted_business_contact_id'
    | 'converted_deal_id'
  >,
) {
  return row.status === 'converted'
    ? {
        personId: row.converted_person_id,
        organizationId: row.converted_organization_id,
        businessContactId: row.converted_business_contact_id,
        dealId: row.converted_deal_id,
      }
    : null;
}

/** The fields history compares, by their API names. */
export function leadSnapshot(row: LeadRow): Snapshot {
  return { ...pipelineRecords.recordSnapshot(row), ...contactOf(row), convertedTo: convertedTo(row) };
}

/** One lead by id, compiled once per shape (live or trashed, read or locked, scope). */
const leadById = statementShapes(['id', 'ownerIds'], (values: pipelineRecords.ById, shape: pipelineRecords.ByIdShape) =>
  pipelineRecords.lockedIf(shape, selectLeads(compileOnly).where(pipelineRecords.byIdCondition('l', shape, values))),
);

/** A lead the caller may see; 404 otherwise (whether it is someone else's or does not exist). */
export async function loadLead(
  em: EntityManager,
  principal: Principal,
  id: string,
  options: { trashed?: boolean; lock?: boolean } = {},
): Promise<LeadRow> {
  const { shape, ownerIds } = await pipelineRecords.byIdShape(principal, 'lead', options);
  const [row] = await leadById(em, shape, { id, ownerIds });
  if (!row) {
    throw problem(options.trashed ? 'not_in_trash' : 'not_visible_maybe_trashed', { noSuch: noSuch('lead'), id });
  }
  return row;
}

export async function getLead(em: EntityManager, principal: Principal, id: string): Promise<LeadView> {
  const row = await loadLead(em, principal, id);
  return leadView(row, (await tagsOf(em, 'lead', [id])).get(id));
}

// ---- rules of a write ---------------------------------------------------------------------

/** Converted leads are what they became: nothing of them changes any more. */
export function readOnly(row: LeadRow): AppError {
  const day = row.converted_at ? new Date(row.converted_at).toISOString().slice(0, 10) : undefined;
  return problem('lead_converted', { title: row.title, on: day ? { en: ` on ${day}`, de: ` am ${day}` } : '' });
}

export type LeadStage = pipelineRecords.StageRef;

/** Status after a write: the lost stage's, open again when leaving it, or as asked. Won stages are for conversion. */
export function statusAfter(
  current: { status: LeadStatus; stageId: string } | undefined,
  stage: LeadStage,
  requested: 'open' | 'lost' | undefined,
): 'open' | 'lost' {
  const stageChanged = current === undefined || current.stageId !== stage.id;
  if (stage.outcome === 'won' && stageChanged) {
    throw problem('convert_instead', { stage: stage.name, id: '{id}' }, { at: { pointer: '#/stageId' } });
  }
  if (stage.outcome === 'lost') {
    if (requested === 'open') {
      throw problem(
        'status_contradicts_stage',
        {
          stage: stage.name,
          outcome: { en: 'lost', de: 'verloren' },
          thing: { en: 'lead', de: 'Lead' },
          status: 'lost',
        },
        { at: { pointer: '#/status' } },
      );
    }
    return 'lost';
  }
  if (requested !== undefined) return requested;
  if (stageChanged && current?.status === 'lost') return 'open';
  return current?.status === 'lost' ? 'lost' : 'open';
}

export function lostFields(
  em: EntityManager,
  status: 'open' | 'lost',
  current: { lostReasonId: string | null; lostNote: string | null } | undefined,
  input: { lostReasonId?: string | null | undefined; lostNote?: string | null | undefined },
): Promise<{ lostReasonId: string | null; lostNote: string | null }> {
  return pipelineRecords.lostFields(em, 'lead', status, current, input);
}

// ---- search and history ----------------------------------------------------------------------

export function leadDocument(row: LeadRow): SearchDocument {
  const person = personNameOf(row);
  return {
    type: 'lead',
    id: row.id,
    title: row.title,
    subtitle: [row.company_name, person].filter(Boolean).join(' · ') || null,
    normalized: foldText(
      [row.title, row.company_name ?? '', normalizePersonName(row.first_name, row.last_name)].join(' '),
    ),
    phonetic: phoneticCodes([row.first_name, row.last_name].filter(Boolean).join(' '), 'person'),
    emails: row.email ? [row.email] : [],
    phones: row.phone_e164 ? [row.phone_e164] : [],
    postalCodes: row.postal_code ? [row.postal_code] : [],
    vatId: null,
    body: foldText(
      [row.title, row.company_name, person, row.email, row.city, row.industry, row.source, row.website]
        .filter(Boolean)
        .join(' '),
    ),
    ownerId: row.owner_id,
  };
}

/** Reads the lead as written, keeps its search document current, returns it. */
export async function afterWrite(em: EntityManager, id: string): Promise<{ row: LeadRow; view: LeadView }> {
  const row = await selectLeads(db(em)).where('l.id', '=', id).executeTakeFirst();
  if (!row) throw new Error(`lead ${id} vanished within its own transaction`);
  await indexRecord(em, leadDocument(row));
  return { row, view: leadView(row, (await tagsOf(em, 'lead', [id])).get(id)) };
}

// ---- writes ---------------------------------------------------------------------------------

/** The contact fields after a write: sent ones replace (null clears); a postal code fits its country (DE by default). */
function mergeContact(current: Contact, input: CreateLead | UpdateLead): Contact {
  const pick = <K extends keyof Contact>(key: K, value: Contact[K] | undefined): Contact[K] =>
    value === undefined ? current[key] : value;
  const next: Contact = {
    firstName: pick('firstName', input.firstName),
    lastName: pick('lastName', input.lastName),
    email: pick('email', input.email),
    phone: input.phone === undefined ? current.phone : (input.phone?.number ?? null),
    phoneE164: input.phone === undefined ? current.phoneE164 : (input.phone?.e164 ?? null),
    position: pick('position', input.position),
    companyName: pick('companyName', input.companyName),
    website: pick('website', input.website),
    industry: pick('industry', input.industry),
    street: pick('street', input.street),
    postalCode: pick('postalCode', input.postalCode),
    city: pick('city', input.city),
    country: pick('country', input.country),
    source: pick('source', input.source),
  };
  if (next.postalCode && !next.country) next.country = 'DE';
  if (next.postalCode && next.country && !isValidPostalCode(next.country, next.postalCode)) {
    throw validationFailed([
      { in: 'body', pointer: '#/postalCode', detail: `not a valid postal code for ${next.country}` },
    ]);
  }
  return next;
}

/** A lead's contact fields as its columns. */
function contactColumns(contact: Contact) {
  return Object.fromEntries(
    Object.entries(CONTACT_FIELDS).map(([field, column]) => [column, contact[field as keyof Contact]]),
  ) as { [F in keyof Contact as (typeof CONTACT_FIELDS)[F]]: Contact[F] };
}

function defaultTitle(contact: Contact): string {
  const title = contact.companyName ?? ([contact.firstName, contact.lastName].filter(Boolean).join(' ') || null);
  if (!title) {
    throw problem('title_required', {}, { at: { pointer: '#/title' } });
  }
  return title.slice(0, 200);
}

export async function createLead(em: EntityManager, principal: Principal, input: CreateLead): Promise<LeadView> {
  const empty = Object.fromEntries(Object.keys(CONTACT_FIELDS).map((field) => [field, null])) as Contact;
  const contact = mergeContact(empty, input);
  const title = input.title ?? defaultTitle(contact);
  const fields = await pipelineRecords.newRecordFields(em, principal, 'lead', input, (stage) =>
    statusAfter(undefined, stage, input.status),
  );
  const id = newId();
  await db(em)
    .insertInto('lead')
    .values({
      ...pipelineRecords.newRecordColumns(principal, id, { ...fields, title }),
      ...contactColumns(contact),
    })
    .execute();
  const { row, view } = await afterWrite(em, id);
  recordHistory(em, principal, { type: 'lead', id, action: 'create', after: leadSnapshot(row) });
  await em.flush();
  return view;
}

export async function updateLead(
  em: EntityManager,
  principal: Principal,
  id: string,
  patch: UpdateLead,
  expectedVersion: number | undefined,
): Promise<LeadView> {
  const current = await loadLead(em, principal, id, { lock: true });
  checkVersion(current, expectedVersion, named('lead', current.title));
  if (current.status === 'converted') throw readOnly(current);
  const contact = mergeContact(contactOf(current), patch);
  const { value, currency, stage } = await pipelineRecords.changedAmountAndStage(em, 'lead', current, patch);
  const changed = await pipelineRecords.changedOwnerAndStatus(em, principal, 'lead', current, patch, stage, () =>
    statusAfter({ status: current.status, stageId: current.stage_id }, stage, patch.status),
  );
  const fields = { ...changed, title: patch.title ?? current.title, value, currency, stage };
  const before = leadSnapshot(current);
  const after = leadSnapshot({ ...current, ...pipelineRecords.changedColumns(fields), ...contactColumns(contact) });
  if (unchanged(before, after)) return leadView(current, (await tagsOf(em, 'lead', [id])).get(id));
  const lead = managedLead(em, principal, current);
  pipelineRecords.assignRecord(em, lead, fields);
  em.assign(lead, contact);
  await em.flush();
  return (await afterWrite(em, id)).view;
}

/** The lead's entity from its row as read and locked, for a write through the unit of work. */
function managedLead(em: EntityManager, principal: Principal, row: LeadRow): Lead {
  const lead = em.merge(Lead, {
    ...pipelineRecords.recordEntityData(principal, row),
    status: row.status,
    ...contactOf(row),
    convertedAt: row.converted_at,
    convertedBy: row.converted_by,
    convertedPerson: row.converted_person_id,
    convertedOrganization: row.converted_organization_id,
    convertedBusinessContact: row.converted_business_contact_id,
    convertedDeal: row.converted_deal_id,
  });
  return pipelineRecords.managed(leadAudit, lead);
}

/**
 * The rank of a card placed in a column: right after or before a neighbour the caller may see, at
 * the top or bottom, or (no place given) its own rank when it stays and the top when it enters.
 */
async function rankIn(
  em: EntityManager,
  principal: Principal,
  lead: LeadRow,
  stageId: string,
  move: Move,
): Promise<string> {
  const cards = boardColumn(em, 'lead', { pipelineId: lead.pipeline_id, stageId, exceptId: lead.id });
  // The card's own rank stays free while the card still holds it (the board's index is unique).
  const placed = (below: string | null, above: string | null) => placeBetween(cards, below, above, [lead.rank]);
  const neighbour = move.afterId ?? move.beforeId;
  if (neighbour) {
    const pointer = move.afterId ? '#/afterId' : '#/beforeId';
    const owners = await pipelineRecords.visibleOwners(principal, 'lead');
    const row = await db(em)
      .selectFrom('lead as l')
      .select((eb) => [
        'l.rank as anchor',
        eb
          .selectFrom('lead as c')
          .select((inner) => (move.afterId ? inner.fn.min('c.rank') : inner.fn.max('c.rank')).as('rank'))
          .where('c.tenant_id', '=', currentTenantId)
          .where('c.pipeline_id', '=', lead.pipeline_id)
          .where('c.stage_id', '=', stageId)
          .where('c.status', '=', 'open')
          .where('c.deleted_at', 'is', null)
          .where('c.id', '<>', lead.id)
          .where('c.rank', move.afterId ? '>' : '<', eb.ref('l.rank'))
          .as('other'),
      ])
      .where('l.tenant_id', '=', currentTenantId)
      .where('l.pipeline_id', '=', lead.pipeline_id)
      .where('l.stage_id', '=', stageId)
      .where('l.status', '=', 'open')
      .where('l.deleted_at', 'is', null)
      .where('l.id', '<>', lead.id)
      .where('l.id', '=', neighbour)
      .$if(owners !== undefined, (query) => query.where('l.owner_id', 'in', owners ?? []))
      .executeTakeFirst();
    if (!row || neighbour === lead.id) {
      throw problem('invalid_neighbour', { id: neighbour, thing: { en: 'lead', de: 'Lead' } }, { at: { pointer } });
    }
    return move.afterId ? placed(row.anchor, row.other) : placed(row.other, row.anchor);
  }
  const position = move.position ?? (lead.status === 'open' && lead.stage_id === stageId ? undefined : 'top');
  if (position === undefined) return lead.rank;
  const edge = await pipelineRecords.columnEdge(
    em,
    'lead',
    { pipelineId: lead.pipeline_id, id: stageId },
    position === 'top' ? 'min' : 'max',
    lead.id,
  );
  return position === 'top' ? placed(null, edge) : placed(edge, null);
}

/** Moves a lead's card to a stage of its pipeline and a place in that column (If-Match). */
export async function moveLead(
  em: EntityManager,
  principal: Principal,
  id: string,
  move: Move,
  expectedVersion: number | undefined,
): Promise<LeadView> {
  const current = await loadLead(em, principal, id, { lock: true });
  checkVersion(current, expectedVersion, named('lead', current.title));
  if (current.status === 'converted') throw readOnly(current);
  const target = await db(em)
    .selectFrom('pipeline_stage')
    .select(['id', 'pipeline_id', 'name', 'probability', 'outcome', 'archived_at'])
    .where('id', '=', move.stageId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!target || target.archived_at || target.pipeline_id !== current.pipeline_id) {
    throw problem(
      'card_stage_not_in_pipeline',
      { id: move.stageId, pipeline: current.pipeline_id, thing: { en: 'lead', de: 'Lead' } },
      { at: { pointer: '#/stageId' } },
    );
  }
  const stage = { ...target, pipelineId: target.pipeline_id };
  const status = statusAfter({ status: current.status, stageId: current.stage_id }, stage, undefined);
  const lost = await lostFields(
    em,
    status,
    { lostReasonId: current.lost_reason_id, lostNote: current.lost_note },
    {
      ...(move.lostReasonId ? { lostReasonId: move.lostReasonId } : {}),
      ...(move.lostNote ? { lostNote: move.lostNote } : {}),
    },
  );
  const rank = status === 'open' ? await rankIn(em, principal, current, stage.id, move) : current.rank;
  await db(em)
    .updateTable('lead')
    .set((eb) => ({
      stage_id: stage.id,
      status,
      lost_reason_id: lost.lostReasonId,
      lost_note: lost.lostNote,
      rank,
      closed_at: pipelineRecords.closedAt(eb, status),
      stage_entered_at: eb
        .case()
        .when('stage_id', '=', stage.id)
        .then(eb.ref('stage_entered_at'))
        .else(pipelineRecords.NOW)
        .end(),
      version: eb('version', '+', 1),
      updated_at: pipelineRecords.NOW,
      updated_by: principal.userId ?? null,
    }))
    .where('id', '=', id)
    .execute();
  const { row, view } = await afterWrite(em, id);
  const changes = diffSnapshots(leadSnapshot(current), leadSnapshot(row));
  if (changes.length > 0) {
    recordHistory(em, principal, {
      type: 'lead',
      id,
      action: 'update',
      before: leadSnapshot(current),
      after: leadSnapshot(row),
    });
    await em.flush();
  }
  return view;
}

export const {
  trash: trashLead,
  restore: restoreLead,
  purge: purgeLead,
} = pipelineRecords.recordTrash<LeadRow, LeadView>({
  kind: 'lead',
  load: loadLead,
  snapshot: leadSnapshot,
  afterWrite,
});

// ---- lists ----------------------------------------------------------------------------------

/** The lead table as statements read it: the list as `l`, the board as `c`. */
type LeadAlias = 'l' | 'c';
const leads = expressionBuilder<Record<LeadAlias, Database['lead']>, LeadAlias>();

/** The fields leads filter and sort by, on the lead table read as `alias`. */
function leadFilterFields(alias: LeadAlias): Record<string, FilterField> {
  const column = (name: keyof Database['lead'] & string) => leads.ref(`${alias}.${name}`);
  return {
    title: { sql: column('title'), type: 'text' },
    status: { sql: column('status'), type: 'text' },
    pipelineId: { sql: column('pipeline_id'), type: 'uuid' },
    stageId: { sql: column('stage_id'), type: 'uuid' },
    ownerId: { sql: column('owner_id'), type: 'uuid' },
    firstName: { sql: column('first_name'), type: 'text' },
    lastName: { sql: column('last_name'), type: 'text' },
    email: { sql: column('email'), type: 'text' },
    phone: { sql: column('phone_e164'), type: 'text' },
    position: { sql: column('position'), type: 'text' },
    companyName: { sql: column('company_name'), type: 'text' },
    website: { sql: column('website'), type: 'text' },
    industry: { sql: column('industry'), type: 'text' },
    postalCode: { sql: column('postal_code'), type: 'text' },
    city: { sql: column('city'), type: 'text' },
    country: { sql: column('country'), type: 'text' },
    source: { sql: column('source'), type: 'text' },
    value: { sql: column('value'), type: 'number' },
    currency: { sql: column('currency'), type: 'text' },
    lostReasonId: { sql: column('lost_reason_id'), type: 'uuid' },
    convertedAt: { sql: column('converted_at'), type: 'datetime' },
    createdAt: { sql: column('created_at'), type: 'datetime' },
    updatedAt: { sql: column('updated_at'), type: 'datetime' },
  };
}

export const LEAD_FILTER_FIELDS = leadFilterFields('l');

/** Filter trees (the request's and a saved filter's) over leads read as `alias`, as one condition. */
export async function leadFilter(
  em: EntityManager,
  filters: readonly FilterNode[],
  alias: LeadAlias = 'l',
): Promise<Expression<SqlBool>> {
  return pipelineRecords.recordFilter(
    em,
    'lead',
    alias === 'l' ? LEAD_FILTER_FIELDS : leadFilterFields(alias),
    filters,
    alias,
  );
}

const SORTS = {
  '-updatedAt': { columns: [leads.ref('l.updated_at'), leads.ref('l.id')], direction: 'desc' },
  '-createdAt': { columns: [leads.ref('l.created_at'), leads.ref('l.id')], direction: 'desc' },
  title: { columns: [leads.fn('lower', [leads.ref('l.title')]), leads.ref('l.id')], direction: 'asc' },
} as const;

export async function listLeads(
  em: EntityManager,
  principal: Principal,
  query: Omit<LeadListQuery, 'filter' | 'savedFilterId'>,
  filters: readonly FilterNode[],
): Promise<{ items: LeadView[]; nextCursor: string | null; total?: number; totalCapped?: boolean }> {
  const filter = await leadFilter(em, filters);
  const matching = (await visibleLeads(principal, selectLeads(db(em))))
    .where('l.tenant_id', '=', currentTenantId)
    .where('l.deleted_at', 'is', null)
    .$if(query.pipelineId !== undefined, (q) => q.where('l.pipeline_id', '=', query.pipelineId as string))
    .$if(query.stageId !== undefined, (q) => q.where('l.stage_id', '=', query.stageId as string))
    .$if(query.status !== undefined, (q) => q.where('l.status', '=', query.status as LeadStatus))
    .$if(query.ownerId !== undefined, (q) => q.where('l.owner_id', '=', query.ownerId as string))
    .where(() => filter);
  const { rows, tags, ...rest } = await pipelineRecords.recordPage(em, 'lead', matching, query, {
    sorts: SORTS,
    fields: LEAD_FILTER_FIELDS,
    sortKey: pipelineRecords.recordSortKey,
  });
  return { items: rows.map((row) => leadView(row, tags.get(row.id))), ...rest };
}

/** Leads by id regardless of who asks, for keeping their search documents current. */
export function loadLeadsForIndex(em: EntityManager, ids: readonly string[]): Promise<LeadRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectLeads(db(em))
    .where('l.id', 'in', [...ids])
    .where('l.deleted_at', 'is', null)
    .execute();
}

/** Leads converted into a person, organization, business contact or deal, for their 360° view. */
export async function leadsConvertedInto(
  em: EntityManager,
  principal: Principal,
  record: { type: string; id: string },
): Promise<LeadView[]> {
  const column = (
    {
      person: 'l.converted_person_id',
      organization: 'l.converted_organization_id',
      business_contact: 'l.converted_business_contact_id',
      deal: 'l.converted_deal_id',
    } as const
  )[record.type as 'person' | 'organization' | 'business_contact' | 'deal'];
  if (!column) return [];
  const rows = await (await visibleLeads(principal, selectLeads(db(em))))
    .where(column, '=', record.id)
    .where('l.deleted_at', 'is', null)
    .orderBy('l.converted_at', 'desc')
    .limit(20)
    .execute();
  return rows.map((row) => leadView(row));
}
