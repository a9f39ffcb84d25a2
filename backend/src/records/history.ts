// History (G3): every change of every record, written in the same transaction as the change.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../http/principal.ts';
import { newId } from '../ids.ts';
import { Tenant } from '../modules/identity/tenant.entity.ts';
import { HistoryEntry } from './history.entity.ts';

export type HistoryAction = 'create' | 'update' | 'delete' | 'restore' | 'merge';
export type Snapshot = Record<string, unknown>;

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep key order, so equal values must compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** Whether a write changed anything at all. */
export const unchanged = (before: Snapshot, after: Snapshot) => same(before, after);

/** The fields whose values differ between two snapshots, with before and after. */
export function diffSnapshots(before: Snapshot, after: Snapshot): { field: string; before: unknown; after: unknown }[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return fields
    .filter((field) => !same(before[field], after[field]))
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}

/**
 * Stages history entries (flushed with the change itself). `update` writes a row per changed
 * field; the other actions one row with the record before and/or after.
 */
export function recordHistory(
  em: EntityManager,
  principal: Principal,
  entry: { type: string; id: string; action: HistoryAction; before?: Snapshot; after?: Snapshot },
): void {
  const changeId = newId();
  const base = {
    tenant: em.getReference(Tenant, principal.tenantId),
    recordType: entry.type,
    recordId: entry.id,
    changeId,
    action: entry.action,
    changedBy: principal.userId ?? null,
  };
  if (entry.action === 'update') {
    for (const change of diffSnapshots(entry.before ?? {}, entry.after ?? {})) {
      em.create(HistoryEntry, { ...base, field: change.field, before: change.before, after: change.after });
    }
    return;
  }
  em.create(HistoryEntry, { ...base, field: null, before: entry.before ?? null, after: entry.after ?? null });
}

export interface HistoryItem {
  id: string;
  changeId: string;
  action: HistoryAction;
  field: string | null;
  before: unknown;
  after: unknown;
  changedBy: string | null;
  changedAt: string;
}

export async function historyOf(
  em: EntityManager,
  type: string,
  id: string,
  options: { limit: number; before?: [string, string] | undefined },
): Promise<HistoryItem[]> {
  const rows = await em.find(
    HistoryEntry,
    {
      recordType: type,
      recordId: id,
      ...(options.before
        ? {
            $or: [
              { changedAt: { $lt: new Date(options.before[0]) } },
              { changedAt: new Date(options.before[0]), id: { $lt: options.before[1] } },
            ],
          }
        : {}),
    },
    { orderBy: [{ changedAt: 'desc' }, { id: 'desc' }], limit: options.limit },
  );
  return rows.map((row) => ({
    id: row.id,
    changeId: row.changeId,
    action: row.action,
    field: row.field ?? null,
    before: row.before ?? null,
    after: row.after ?? null,
    changedBy: row.changedBy ?? null,
    changedAt: row.changedAt.toISOString(),
  }));
}
