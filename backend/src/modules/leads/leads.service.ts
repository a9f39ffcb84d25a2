// Leads (D5): create, change, move on the board, trash, restore, purge and list, each change with
// its history and search document in the same transaction. Inside sales sees every lead, managers
// their teams', reps their own (principal.visibility('lead')). A converted lead is read-only.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, expressionBuilder, type InferResult, type SqlBool } from 'kysely';
import { type AppError, validationFailed } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { FilterField, FilterNode } from '../../http/filters.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { diffSnapshots, recordHistory, type Snapshot, unchanged } from '../../records/history.ts';
import { FIRST_RANK, placeBetween } from '../../records/rank.ts';
import { boardColumn } from '../../records/ranked-lists.ts';
import { indexRecord, type SearchDocument, unindexRecord } from '../../records/search-index.ts';
import { currentTenantId, type Database, db } from '../../records/sql.ts';
import type { Move } from '../board/board.schemas.ts';
import { foldText, isValidPostalCode, normalizePersonName, phoneticCodes } from '../contacts/matching.ts';
import { applyCustomFields } from '../custom-fields/custom-fields.service.ts';
import { formatAmount } from '../deals/money.ts';
import {
  checkAmount,
  checkOwner,
  closedAt,
  columnEdge,
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
import { tagsOf } from '../tags/tags.service.ts';
import type { CreateLead, LeadListQuery, LeadStatus, LeadView, UpdateLead } from './leads.schemas.ts';

// ---- reading ------------------------------------------------------------------------------

// Stage columns from scalar subqueries, not joins: a row locked with for update is read anew whole.
function selectLeads(em: EntityManager) {
  return db(em)
    .selectFrom('lead as l')
    .select((eb) => [
      'l.id',
      'l.title',
      'l.pipeline_id',
      'l.stage_id',
      eb
        .selectFrom('pipeline_stage as s')
        .select('s.name')
        .whereRef('s.id', '=', 'l.stage_id')
        .$asScalar()
        .as('stage_name'),
      eb
        .selectFrom('pipeline_stage as s')
        .select('s.probability')
        .whereRef('s.id', '=', 'l.stage_id')
        .$asScalar()
        .as('probability'),
      eb.selectFrom('pipeline_stage as s').select('s.outcome').whereRef('s.id', '=', 'l.stage_id').as('stage_outcome'),
      'l.status',
      'l.first_name',
      'l.last_name',
      'l.email',
      'l.phone',
      'l.phone_e164',
      'l.position',
      'l.company_name',
      'l.website',
      'l.industry',
      'l.street',
      'l.postal_code',
      'l.city',
      'l.country',
      'l.source',
      'l.owner_id',
      eb.cast<string>('l.value', 'text').as('value'),
      'l.currency',
      'l.lost_reason_id',
      'l.lost_note',
      'l.closed_at',
      'l.converted_at',
      'l.converted_by',
      'l.converted_person_id',
      'l.converted_organization_id',
      'l.converted_business_contact_id',
      'l.converted_deal_id',
      'l.rank',
      'l.stage_entered_at',
      eb.ref('l.custom_fields').$castTo<Record<string, unknown>>().as('custom_fields'),
      'l.version',
      'l.created_at',
      'l.created_by',
      'l.updated_at',
      'l.updated_by',
      'l.deleted_at',
    ]);
}

/** A lead as read, with its stage. */
export type LeadRow = InferResult<ReturnType<typeof selectLeads>>[number];

/** Limits a lead query to the leads the caller may see. */
async function visibleLeads<Q extends ReturnType<typeof selectLeads>>(principal: Principal, query: Q): Promise<Q> {
  const owners = await visibleOwners(principal, 'lead');
  return owners ? (query.where('l.owner_id', 'in', owners) as Q) : query;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export const personNameOf = (row: Pick<LeadRow, 'first_name' | 'last_name'>) =>
  [row.first_name, row.last_name].filter(Boolean).join(' ') || null;

export function leadView(row: LeadRow, tags: LeadView['tags'] = []): LeadView {
  return {
    id: row.id,
    title: row.title,
    pipelineId: row.pipeline_id,
    stageId: row.stage_id,
    stageName: row.stage_name,
    probability: row.probability,
    status: row.status,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    phoneE164: row.phone_e164,
    position: row.position,
    companyName: row.company_name,
    website: row.website,
    industry: row.industry,
    street: row.street,
    postalCode: row.postal_code,
    city: row.city,
    country: row.country,
    source: row.source,
    ownerId: row.owner_id,
    value: formatAmount(row.value, row.currency),
    currency: row.currency,
    lostReasonId: row.lost_reason_id,
    lostNote: row.lost_note,
    closedAt: iso(row.closed_at),
    convertedAt: iso(row.converted_at),
    convertedBy: row.converted_by,
    convertedTo:
      row.status === 'converted'
        ? {
            personId: row.converted_person_id,
            organizationId: row.converted_organization_id,
            businessContactId: row.converted_business_contact_id,
            dealId: row.converted_deal_id,
          }
        : null,
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

/** The fields history compares, by their API names. */
export function leadSnapshot(row: LeadRow): Snapshot {
  const view = leadView(row);
  const {
    id: _id,
    stageName: _stageName,
    probability: _probability,
    tags: _tags,
    version: _version,
    createdAt: _createdAt,
    createdBy: _createdBy,
    updatedAt: _updatedAt,
    updatedBy: _updatedBy,
    deletedAt: _deletedAt,
    stageEnteredAt: _stageEnteredAt,
    closedAt: _closedAt,
    convertedAt: _convertedAt,
    convertedBy: _convertedBy,
    ...fields
  } = view;
  return fields;
}

/** A lead the caller may see; 404 otherwise (whether it is someone else's or does not exist). */
export async function loadLead(
  em: EntityManager,
  principal: Principal,
  id: string,
  options: { trashed?: boolean; lock?: boolean } = {},
): Promise<LeadRow> {
  const query = await visibleLeads(
    principal,
    selectLeads(em)
      .where('l.id', '=', id)
      .where('l.deleted_at', options.trashed ? 'is not' : 'is', null),
  );
  const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst();
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

export type LeadStage = StageRef;

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
  return recordLostFields(em, 'lead', status, current, input);
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
  const row = await selectLeads(em).where('l.id', '=', id).executeTakeFirst();
  if (!row) throw new Error(`lead ${id} vanished within its own transaction`);
  await indexRecord(em, leadDocument(row));
  return { row, view: leadView(row, (await tagsOf(em, 'lead', [id])).get(id)) };
}

// ---- writes ---------------------------------------------------------------------------------

interface Contact {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  phoneE164: string | null;
  position: string | null;
  companyName: string | null;
  website: string | null;
  industry: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  source: string | null;
}

function contactOf(row: LeadRow): Contact {
  return {
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    phoneE164: row.phone_e164,
    position: row.position,
    companyName: row.company_name,
    website: row.website,
    industry: row.industry,
    street: row.street,
    postalCode: row.postal_code,
    city: row.city,
    country: row.country,
    source: row.source,
  };
}

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
  return {
    first_name: contact.firstName,
    last_name: contact.lastName,
    email: contact.email,
    phone: contact.phone,
    phone_e164: contact.phoneE164,
    position: contact.position,
    company_name: contact.companyName,
    website: contact.website,
    industry: contact.industry,
    street: contact.street,
    postal_code: contact.postalCode,
    city: contact.city,
    country: contact.country,
    source: contact.source,
  };
}

function defaultTitle(contact: Contact): string {
  const title = contact.companyName ?? ([contact.firstName, contact.lastName].filter(Boolean).join(' ') || null);
  if (!title) {
    throw problem('title_required', {}, { at: { pointer: '#/title' } });
  }
  return title.slice(0, 200);
}

export async function createLead(em: EntityManager, principal: Principal, input: CreateLead): Promise<LeadView> {
  const currency = input.currency ?? (await defaultCurrency(em));
  const value = input.value ?? '0';
  checkAmount(value, currency, input.value !== undefined ? '#/value' : '#/currency');
  const empty = Object.fromEntries(
    [
      'firstName',
      'lastName',
      'email',
      'phone',
      'phoneE164',
      'position',
      'companyName',
      'website',
      'industry',
      'street',
      'postalCode',
      'city',
      'country',
      'source',
    ].map((key) => [key, null]),
  ) as unknown as Contact;
  const contact = mergeContact(empty, input);
  const title = input.title ?? defaultTitle(contact);
  const stage = await resolveStage(em, 'lead', input.pipelineId, input.stageId);
  const ownerId = input.ownerId === undefined ? (principal.userId ?? null) : input.ownerId;
  await checkOwner(em, principal, 'lead', ownerId);
  const status = statusAfter(undefined, stage, input.status);
  const lost = await lostFields(em, status, undefined, input);
  const customFields = await applyCustomFields(em, 'lead', {}, input.customFields);
  const rank = status === 'open' ? await topRank(em, 'lead', stage) : FIRST_RANK;
  const id = newId();
  await db(em)
    .insertInto('lead')
    .values({
      id,
      tenant_id: currentTenantId,
      title,
      pipeline_id: stage.pipelineId,
      stage_id: stage.id,
      status,
      ...contactColumns(contact),
      owner_id: ownerId,
      value,
      currency,
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
  const currency = patch.currency ?? current.currency;
  const value = patch.value ?? formatAmount(current.value, current.currency);
  if (patch.value !== undefined || patch.currency !== undefined) {
    checkAmount(value, currency, patch.value !== undefined ? '#/value' : '#/currency');
  }
  const contact = mergeContact(contactOf(current), patch);
  const stage =
    patch.stageId !== undefined || (patch.pipelineId !== undefined && patch.pipelineId !== current.pipeline_id)
      ? await resolveStage(em, 'lead', patch.pipelineId, patch.stageId)
      : {
          pipelineId: current.pipeline_id,
          id: current.stage_id,
          name: current.stage_name,
          probability: current.probability,
          outcome: current.stage_outcome,
        };
  const ownerId = patch.ownerId === undefined ? current.owner_id : patch.ownerId;
  if (ownerId !== current.owner_id) await checkOwner(em, principal, 'lead', ownerId);
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
      : await applyCustomFields(em, 'lead', current.custom_fields, patch.customFields);
  const next: LeadRow = {
    ...current,
    title: patch.title ?? current.title,
    pipeline_id: stage.pipelineId,
    stage_id: stage.id,
    status,
    ...contactColumns(contact),
    owner_id: ownerId,
    value,
    currency,
    lost_reason_id: lost.lostReasonId,
    lost_note: lost.lostNote,
    custom_fields: customFields,
  };
  const before = leadSnapshot(current);
  const after = leadSnapshot(next);
  if (unchanged(before, after)) return leadView(current, (await tagsOf(em, 'lead', [id])).get(id));
  // A card that enters a column (another stage, reopened) goes to its top; one that stays keeps its place.
  const entersColumn = status === 'open' && (current.status !== 'open' || stage.id !== current.stage_id);
  const rank = entersColumn ? await topRank(em, 'lead', stage) : current.rank;
  // One typed statement, not the unit of work: the entity's stage is a foreign key on (pipeline_id,
  // stage_id) to a stage whose primary key is its id alone, and MikroORM writes that id to both columns.
  await db(em)
    .updateTable('lead')
    .set((eb) => ({
      title: next.title,
      pipeline_id: stage.pipelineId,
      stage_id: stage.id,
      status,
      ...contactColumns(contact),
      owner_id: ownerId,
      value,
      currency,
      lost_reason_id: lost.lostReasonId,
      lost_note: lost.lostNote,
      closed_at: closedAt(eb, status),
      stage_entered_at: eb.case().when('stage_id', '=', stage.id).then(eb.ref('stage_entered_at')).else(NOW).end(),
      rank,
      custom_fields: JSON.stringify(customFields),
      version: eb('version', '+', 1),
      updated_at: NOW,
      updated_by: principal.userId ?? null,
    }))
    .where('id', '=', id)
    .execute();
  recordHistory(em, principal, { type: 'lead', id, action: 'update', before, after });
  await em.flush();
  return (await afterWrite(em, id)).view;
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
    const owners = await visibleOwners(principal, 'lead');
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
  const edge = await columnEdge(
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
      closed_at: closedAt(eb, status),
      stage_entered_at: eb.case().when('stage_id', '=', stage.id).then(eb.ref('stage_entered_at')).else(NOW).end(),
      version: eb('version', '+', 1),
      updated_at: NOW,
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

export async function trashLead(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const current = await loadLead(em, principal, id, { lock: true });
  checkVersion(current, expectedVersion, named('lead', current.title));
  await trashRecord(em, 'lead', id, principal.userId ?? null);
  recordHistory(em, principal, { type: 'lead', id, action: 'delete', before: leadSnapshot(current) });
  await em.flush();
  await unindexRecord(em, 'lead', id);
}

export async function restoreLead(em: EntityManager, principal: Principal, id: string): Promise<LeadView> {
  const current = await loadLead(em, principal, id, { trashed: true, lock: true });
  // Its old place may have been taken meanwhile: an open lead comes back at the top of its column.
  const rank =
    current.status === 'open'
      ? await topRank(em, 'lead', { pipelineId: current.pipeline_id, id: current.stage_id })
      : current.rank;
  await restoreRecord(em, 'lead', id, rank, principal.userId ?? null);
  recordHistory(em, principal, { type: 'lead', id, action: 'restore', after: leadSnapshot(current) });
  await em.flush();
  return (await afterWrite(em, id)).view;
}

/** Deletes a trashed lead for good, with its tags and links (admins only). */
export async function purgeLead(em: EntityManager, principal: Principal, id: string): Promise<void> {
  if (!principal.roles.has('admin')) throw problem('admin_empties_trash', { things: { en: 'leads', de: 'Leads' } });
  await loadLead(em, principal, id, { trashed: true });
  await purgeRecord(em, 'lead', id);
  await unindexRecord(em, 'lead', id);
}

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
  return recordFilter(em, 'lead', alias === 'l' ? LEAD_FILTER_FIELDS : leadFilterFields(alias), filters, alias);
}

const SORTS = {
  '-updatedAt': { columns: [leads.ref('l.updated_at'), leads.ref('l.id')], direction: 'desc' },
  '-createdAt': { columns: [leads.ref('l.created_at'), leads.ref('l.id')], direction: 'desc' },
  title: { columns: [leads.fn('lower', [leads.ref('l.title')]), leads.ref('l.id')], direction: 'asc' },
} as const;

function sortKey(sort: keyof typeof SORTS, row: LeadRow): unknown[] {
  if (sort === 'title') return [row.title.toLowerCase(), row.id];
  if (sort === '-createdAt') return [new Date(row.created_at).toISOString(), row.id];
  return [new Date(row.updated_at).toISOString(), row.id];
}

export async function listLeads(
  em: EntityManager,
  principal: Principal,
  query: Omit<LeadListQuery, 'filter' | 'savedFilterId'>,
  filters: readonly FilterNode[],
): Promise<{ items: LeadView[]; nextCursor: string | null; total?: number; totalCapped?: boolean }> {
  const filter = await leadFilter(em, filters);
  const matching = (await visibleLeads(principal, selectLeads(em)))
    .where('l.tenant_id', '=', currentTenantId)
    .where('l.deleted_at', 'is', null)
    .$if(query.pipelineId !== undefined, (q) => q.where('l.pipeline_id', '=', query.pipelineId as string))
    .$if(query.stageId !== undefined, (q) => q.where('l.stage_id', '=', query.stageId as string))
    .$if(query.status !== undefined, (q) => q.where('l.status', '=', query.status as LeadStatus))
    .$if(query.ownerId !== undefined, (q) => q.where('l.owner_id', '=', query.ownerId as string))
    .where(() => filter);
  const { rows, tags, ...rest } = await recordPage(em, 'lead', matching, query, {
    sorts: SORTS,
    fields: LEAD_FILTER_FIELDS,
    sortKey,
  });
  return { items: rows.map((row) => leadView(row, tags.get(row.id))), ...rest };
}

/** Leads by id regardless of who asks, for keeping their search documents current. */
export function loadLeadsForIndex(em: EntityManager, ids: readonly string[]): Promise<LeadRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectLeads(em)
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
  const rows = await (await visibleLeads(principal, selectLeads(em)))
    .where(column, '=', record.id)
    .where('l.deleted_at', 'is', null)
    .orderBy('l.converted_at', 'desc')
    .limit(20)
    .execute();
  return rows.map((row) => leadView(row));
}

// ---- stages of a lead pipeline (the stage editor asks) ------------------------------------------

/** How many leads a stage holds, and how many of them are in the trash. */
export function stageLeadCount(em: EntityManager, stageId: string): Promise<{ total: number; trashed: number }> {
  return stageRecordCount(em, 'lead', stageId);
}

/**
 * Moves every lead of a stage (open, closed and trashed) to another stage of the same pipeline and
 * outcome, each with its history; open cards go below the target's, in order.
 */
export async function moveStageLeads(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  fromStageId: string,
  toStageId: string,
): Promise<number> {
  const { ids } = await moveStageRecords(em, principal, 'lead', { pipelineId, fromStageId, toStageId });
  return ids.length;
}
