// Deals as first-class records: their 360° view, the open deals on a contact's view, the trash
// list, links from tasks and notes, lost reason usage, and merges of persons and organizations.

import { sql } from 'kysely';
import { ownedWithin } from '../../http/principal.ts';
import { newId } from '../../ids.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { OverviewSection } from '../../records/overview.ts';
import { indexRecord } from '../../records/search-index.ts';
import { db, sqlIn } from '../../records/sql.ts';
import { sqlArray } from '../../records/sql-arrays.ts';
import type { TrashSourceOf } from '../../records/trash.ts';
import type { LostReasonUsageCounter } from '../lost-reasons/lost-reasons.service.ts';
import { dealDocument, dealVisibility, getDeal, loadDealsForIndex, openDealsOf } from './deals.service.ts';

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

export const dealsLostFor: LostReasonUsageCounter = async (em, lostReasonId) => {
  const [row] = await sqlIn<{ n: number }>(em, 'select count(*)::int as n from deal where lost_reason_id = ?', [
    lostReasonId,
  ]);
  return row?.n ?? 0;
};

// The survivor of a merge takes over the merged record's deals, each with its history.
export const moveDealsOnMerge: MergeHook = async (em, merge) => {
  const [column, field] = merge.type === 'person' ? ['person_id', 'personId'] : ['organization_id', 'organizationId'];
  const moved = await sqlIn<{ id: string }>(
    em,
    `update deal set ${column} = ?, version = version + 1, updated_at = now() where ${column} = ? returning id`,
    [merge.survivorId, merge.mergedId],
  );
  if (moved.length === 0) return;
  const ids = moved.map((deal) => deal.id);
  await sqlIn(
    em,
    `insert into history (id, tenant_id, record_type, record_id, change_id, action, field, before, after, changed_by)
     select h.id, crm_current_tenant(), 'deal', h.record_id, h.change_id, 'merge', ?, to_jsonb(?::text),
            to_jsonb(?::text), ?
       from unnest(?::uuid[], ?::uuid[], ?::uuid[]) as h(id, record_id, change_id)`,
    [
      field,
      merge.mergedId,
      merge.survivorId,
      merge.mergedBy ?? null,
      sqlArray(ids.map(() => newId())),
      sqlArray(ids),
      sqlArray(ids.map(() => newId())),
    ],
  );
  for (const row of await loadDealsForIndex(em, ids)) await indexRecord(em, dealDocument(row));
};
