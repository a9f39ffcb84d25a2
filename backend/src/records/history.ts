// History (G3): every change of every record, written in the same transaction as the change.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../http/principal.ts';
import { newId } from '../ids.ts';
import { Tenant } from '../modules/identity/tenant.entity.ts';
import { type ActingVia, actingVia } from './acting-user.ts';
import { HistoryEntry } from './history.entity.ts';
import { anyText, anyUuid, db } from './sql.ts';

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

/** A change of one record as history tells it; `update` becomes a row per changed field. */
export interface HistoryChange {
  type: string;
  id: string;
  action: HistoryAction;
  before?: Snapshot | undefined;
  after?: Snapshot | undefined;
}

/** A row of `history` for a change, the one shape every writer uses. */
export interface HistoryRow {
  id: string;
  recordType: string;
  recordId: string;
  changeId: string;
  action: HistoryAction;
  field: string | null;
  before: unknown;
  after: unknown;
  changedBy: string | null;
  /** The channel the change came through (`outlook`), null for the CRM itself. */
  via: ActingVia | null;
}

/** The history rows one change makes: a row per changed field for `update`, else one with the record. */
export function historyRows(change: HistoryChange, changedBy: string | null): HistoryRow[] {
  const base = {
    recordType: change.type,
    recordId: change.id,
    changeId: newId(),
    action: change.action,
    changedBy,
    via: actingVia(),
  };
  if (change.action === 'update') {
    return diffSnapshots(change.before ?? {}, change.after ?? {}).map((field) => ({
      ...base,
      id: newId(),
      field: field.field,
      before: field.before,
      after: field.after,
    }));
  }
  return [{ ...base, id: newId(), field: null, before: change.before ?? null, after: change.after ?? null }];
}

/**
 * Stages history entries (flushed with the change itself). `update` writes a row per changed
 * field; the other actions one row with the record before and/or after.
 * Modules on the persistence rule leave this to the audit subscriber (records/audit.ts).
 */
export function recordHistory(em: EntityManager, principal: Principal, entry: HistoryChange): void {
  const tenant = em.getReference(Tenant, principal.tenantId);
  for (const row of historyRows(entry, principal.userId ?? null)) em.create(HistoryEntry, { ...row, tenant });
}

/**
 * Stages on each record that something was put on it (a mail filed to it, a document): its `field`
 * goes from nothing to the thing, named in the entry so the history reads it by name.
 */
export function recordPutOn(
  em: EntityManager,
  principal: Principal,
  records: readonly { type: string; id: string }[],
  field: string,
  thing: Snapshot,
): void {
  for (const record of records) {
    recordHistory(em, principal, {
      type: record.type,
      id: record.id,
      action: 'update',
      before: { [field]: null },
      after: { [field]: thing },
    });
  }
}

export interface HistoryItem {
  id: string;
  changeId: string;
  action: HistoryAction;
  field: string | null;
  before: unknown;
  after: unknown;
  changedBy: string | null;
  /** `outlook` when the change came from the user's Outlook through the Graph sync. */
  via: ActingVia | null;
  changedAt: string;
  /** The display name of the user who made the change, null when unknown (the system, a deleted user). */
  changedByName: string | null;
  /** Names of the users, pipelines, stages and lost reasons `before` and `after` refer to by id. */
  names: Record<string, string>;
  /**
   * For a change of `customFields`: the definitions of the custom fields it changed, by key (label,
   * type and option labels), so a reader sees "Budget year: 2025 → 2026" rather than JSON. A key
   * whose field was deleted since is missing.
   */
  customFields: Record<string, HistoryCustomField>;
}

/** What a reader needs to tell a custom field's value: its label, its type and its options' labels. */
export interface HistoryCustomField {
  labels: { de: string; en: string };
  type: 'text' | 'number' | 'boolean' | 'date' | 'select';
  options: { value: string; labels: { de: string; en: string } }[];
}

/** The custom field keys whose values differ between two `customFields` snapshots. */
function changedCustomKeys(before: unknown, after: unknown): string[] {
  const values = (value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return diffSnapshots(values(before), values(after)).map((change) => change.field);
}

/** The definitions of the custom fields of `type` a page of history changed, in one statement. */
async function customFieldsOf(
  em: EntityManager,
  type: string,
  rows: { field?: string | null; before?: unknown; after?: unknown }[],
): Promise<Map<string, HistoryCustomField>> {
  const keys = new Set(
    rows.filter((row) => row.field === 'customFields').flatMap((row) => changedCustomKeys(row.before, row.after)),
  );
  if (keys.size === 0) return new Map();
  const definitions = await db(em)
    .selectFrom('custom_field')
    .select(['key', 'label_de', 'label_en', 'type', 'options'])
    .where('entity_type', '=', type as 'deal')
    .where('key', '=', anyText([...keys]))
    .execute();
  return new Map(
    definitions.map((row) => [
      row.key,
      { labels: { de: row.label_de, en: row.label_en }, type: row.type, options: row.options },
    ]),
  );
}

/** Fields whose values are ids of things a reader knows by name, and where their names live. */
const NAMED_FIELDS = {
  ownerId: 'user',
  stageId: 'stage',
  pipelineId: 'pipeline',
  lostReasonId: 'lostReason',
} as const;
type NamedKind = (typeof NAMED_FIELDS)[keyof typeof NAMED_FIELDS];

/** The names of everything a page of history refers to by id (the acting users included), in one statement. */
async function namesOf(
  em: EntityManager,
  rows: { field?: string | null; before?: unknown; after?: unknown; changedBy?: string | null }[],
): Promise<Record<string, string>> {
  const ids: Record<NamedKind, Set<string>> = {
    user: new Set(),
    stage: new Set(),
    pipeline: new Set(),
    lostReason: new Set(),
  };
  for (const row of rows) {
    if (row.changedBy) ids.user.add(row.changedBy);
    const snapshots: Record<string, unknown>[] = row.field
      ? [{ [row.field]: row.before }, { [row.field]: row.after }]
      : [row.before, row.after].filter(
          (value): value is Record<string, unknown> => !!value && typeof value === 'object',
        );
    for (const snapshot of snapshots) {
      for (const [field, kind] of Object.entries(NAMED_FIELDS)) {
        const value = snapshot[field];
        if (typeof value === 'string') ids[kind].add(value);
      }
    }
  }
  const uuids = (set: Set<string>) => [...set].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const [users, stages, pipelines, reasons] = [ids.user, ids.stage, ids.pipeline, ids.lostReason].map(uuids) as [
    string[],
    string[],
    string[],
    string[],
  ];
  if (users.length + stages.length + pipelines.length + reasons.length === 0) return {};
  // One statement for all four kinds; row-level security keeps it to the tenant.
  const k = db(em);
  const named = await k
    .selectFrom('app_user')
    .select(['id', 'display_name as name'])
    .where('id', '=', anyUuid(users))
    .unionAll(k.selectFrom('pipeline_stage').select(['id', 'name']).where('id', '=', anyUuid(stages)))
    .unionAll(k.selectFrom('pipeline').select(['id', 'name']).where('id', '=', anyUuid(pipelines)))
    .unionAll(k.selectFrom('lost_reason').select(['id', 'name']).where('id', '=', anyUuid(reasons)))
    .execute();
  return Object.fromEntries(named.map((row) => [row.id, row.name]));
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
  const names = await namesOf(em, rows);
  const customFields = await customFieldsOf(em, type, rows);
  return rows.map((row) => ({
    id: row.id,
    changeId: row.changeId,
    action: row.action,
    field: row.field ?? null,
    before: row.before ?? null,
    after: row.after ?? null,
    changedBy: row.changedBy ?? null,
    via: row.via ?? null,
    changedAt: row.changedAt.toISOString(),
    changedByName: row.changedBy ? (names[row.changedBy] ?? null) : null,
    names: Object.fromEntries(
      [row.before, row.after]
        .flatMap((value) =>
          row.field
            ? [value]
            : value && typeof value === 'object'
              ? Object.values(value as Record<string, unknown>)
              : [],
        )
        .filter((value): value is string => typeof value === 'string' && value in names)
        .map((value) => [value, names[value] as string]),
    ),
    customFields:
      row.field === 'customFields'
        ? Object.fromEntries(
            changedCustomKeys(row.before, row.after).flatMap((key) => {
              const definition = customFields.get(key);
              return definition ? [[key, definition]] : [];
            }),
          )
        : {},
  }));
}
