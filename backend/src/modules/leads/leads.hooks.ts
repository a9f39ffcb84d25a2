// Leads as first-class records: their 360° view, the leads a contact or deal came from, the trash
// list, links from tasks and notes, titles, lost reason usage, saved filters, and merges.

import { sql } from 'kysely';
import { ownedWithin } from '../../http/principal.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { OverviewSection } from '../../records/overview.ts';
import type { RecordTitles } from '../../records/record-titles.ts';
import { indexRecord, uuidArray } from '../../records/search-index.ts';
import { db } from '../../records/sql.ts';
import type { TrashSourceOf } from '../../records/trash.ts';
import type { LostReasonUsageCounter } from '../lost-reasons/lost-reasons.service.ts';
import { lostReasonUsage, NOW } from '../pipeline-records/pipeline-records.service.ts';
import { getLead, leadDocument, leadsConvertedInto, loadLeadsForIndex } from './leads.service.ts';

/** The `record` section of a lead's view. */
export const leadOverview: OverviewSection = (em, principal, { id }) => getLead(em, principal, id);

/** The leads a contact or deal came from. */
export const convertedLeadsOverview: OverviewSection = (em, principal, record) =>
  leadsConvertedInto(em, principal, record);

export const trashedLeads: TrashSourceOf = async (em, principal) => {
  const visibility = await principal.visibility('lead');
  return db(em)
    .selectFrom('lead as l')
    .select([
      sql<string>`'lead'`.as('type'),
      'l.id',
      'l.title',
      sql<Date>`l.deleted_at`.as('deleted_at'),
      'l.deleted_by',
    ])
    .where('l.tenant_id', '=', (eb) => eb.fn<string>('crm_current_tenant'))
    .where('l.deleted_at', 'is not', null)
    .where(({ ref }) => ownedWithin(visibility, ref('l.owner_id')));
};

export const leadTitles: RecordTitles = (em, ids) =>
  db(em)
    .selectFrom('lead')
    .select(['id', 'title'])
    .where((eb) => eb('id', '=', eb.fn.any(uuidArray(ids))))
    .where('deleted_at', 'is', null)
    .execute();

export const leadsLostFor: LostReasonUsageCounter = (em, lostReasonId) => lostReasonUsage(em, 'lead', lostReasonId);

// A lead converted into a person or organization that is merged away now points at the survivor.
export const moveConvertedLeadsOnMerge: MergeHook = async (em, merge) => {
  const column = merge.type === 'person' ? 'converted_person_id' : 'converted_organization_id';
  const moved = await db(em)
    .updateTable('lead')
    .set((eb) => ({ [column]: merge.survivorId, version: eb('version', '+', 1), updated_at: NOW }))
    .where(column, '=', merge.mergedId)
    .returning('id')
    .execute();
  if (moved.length === 0) return;
  for (const row of await loadLeadsForIndex(
    em,
    moved.map((lead) => lead.id),
  )) {
    await indexRecord(em, leadDocument(row));
  }
};
