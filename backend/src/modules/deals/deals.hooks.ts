// Deals as first-class records: their 360° view, the open deals on a contact's view, the trash
// list, links from tasks and notes, lost reason usage, and merges of persons and organizations.

import { sql } from 'kysely';
import { ownedWithin } from '../../http/principal.ts';
import { newId } from '../../ids.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { OverviewSection } from '../../records/overview.ts';
import { indexRecord } from '../../records/search-index.ts';
import { currentTenantId, db, jsonb } from '../../records/sql.ts';
import type { TrashSourceOf } from '../../records/trash.ts';
import type { LostReasonUsageCounter } from '../lost-reasons/lost-reasons.service.ts';
import { lostReasonUsage, NOW } from '../pipeline-records/pipeline-records.service.ts';
import { dealDocument, getDeal, loadDealsForIndex, openDealsOf } from './deals.service.ts';

/** The `record` section of a deal's view. */
export const dealOverview: OverviewSection = (em, principal, { id }) => getDeal(em, principal, id);

/** The open deals on a contact's view. */
export const openDealsOverview: OverviewSection = (em, principal, { type, id }) =>
  openDealsOf(em, principal, { type: type as 'person' | 'organization' | 'business_contact', id });

export const trashedDeals: TrashSourceOf = async (em, principal) => {
  const visibility = await principal.visibility('deal');
  return db(em)
    .selectFrom('deal as d')
    .select([
      sql<string>`'deal'`.as('type'),
      'd.id',
      'd.title',
      sql<Date>`d.deleted_at`.as('deleted_at'),
      'd.deleted_by',
    ])
    .where('d.tenant_id', '=', (eb) => eb.fn<string>('crm_current_tenant'))
    .where('d.deleted_at', 'is not', null)
    .where(({ ref }) => ownedWithin(visibility, ref('d.owner_id')));
};

export const dealsLostFor: LostReasonUsageCounter = (em, lostReasonId) => lostReasonUsage(em, 'deal', lostReasonId);

// The survivor of a merge takes over the merged record's deals, each with its history.
export const moveDealsOnMerge: MergeHook = async (em, merge) => {
  const [column, field] =
    merge.type === 'person' ? (['person_id', 'personId'] as const) : (['organization_id', 'organizationId'] as const);
  const moved = await db(em)
    .updateTable('deal')
    .set((eb) => ({ [column]: merge.survivorId, version: eb('version', '+', 1), updated_at: NOW }))
    .where(column, '=', merge.mergedId)
    .returning('id')
    .execute();
  if (moved.length === 0) return;
  const ids = moved.map((deal) => deal.id);
  await db(em)
    .insertInto('history')
    .values(
      ids.map((id) => ({
        id: newId(),
        tenant_id: currentTenantId,
        record_type: 'deal',
        record_id: id,
        change_id: newId(),
        action: 'merge',
        field,
        before: jsonb(merge.mergedId),
        after: jsonb(merge.survivorId),
        changed_by: merge.mergedBy ?? null,
      })),
    )
    .execute();
  for (const row of await loadDealsForIndex(em, ids)) await indexRecord(em, dealDocument(row));
};
