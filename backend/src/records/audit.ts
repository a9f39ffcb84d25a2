// Audit from one place: a flush subscriber stamps who created, changed and trashed a record and
// writes its history in the flush that changes it, for the entities that opt in with a policy.
import type { EntityName, EventSubscriber, FlushEventArgs } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type InsertQueryBuilder, type InsertResult, type Kysely, type QueryCreator, sql } from 'kysely';
import { actingUserId } from './acting-user.ts';
import { HistoryEntry } from './history.entity.ts';
import { type HistoryAction, type HistoryChange, historyRows, type Snapshot } from './history.ts';
import { type Database, db, jsonb } from './sql.ts';

/**
 * The history rows of a typed single-statement write (a hot path that bypasses the unit of work)
 * as one insert, the same rows the subscriber writes: run it alone (`writeHistory`) or as a
 * common table expression of the write itself (`query.with('history', insert)`), so the history
 * costs no round trip of its own. Undefined when nothing changed.
 */
export function historyInsert(
  changes: readonly HistoryChange[],
): ((query: QueryCreator<Database>) => InsertQueryBuilder<Database, 'history', InsertResult>) | undefined {
  const by = actingUserId();
  const rows = changes.flatMap((change) => historyRows(change, by));
  if (rows.length === 0) return undefined;
  const changedAt = new Date();
  return (query) =>
    query.insertInto('history').values(
      rows.map((row) => ({
        id: row.id,
        tenant_id: sql<string>`crm_current_tenant()`,
        record_type: row.recordType,
        record_id: row.recordId,
        change_id: row.changeId,
        action: row.action,
        field: row.field,
        before: jsonb(row.before),
        after: jsonb(row.after),
        changed_by: row.changedBy,
        via: row.via,
        changed_at: changedAt,
      })),
    );
}

/** Writes history for a typed single-statement write, in the entity manager's transaction and tenant. */
export async function writeHistory(em: EntityManager, changes: readonly HistoryChange[]): Promise<void> {
  const insert = historyInsert(changes);
  if (insert) await insert(db(em)).execute();
}

/** A record-tag or a relation: created or removed, told on the records it joins. */
export interface JoinChange<T> {
  action: 'create' | 'delete';
  entity: T;
}

/**
 * How an entity is audited. `show` lists the audited fields as history shows them (fields it
 * leaves out are not audited); `related` tells changes of a joining row on the records it joins.
 * Values kept in other tables (a note's links) are set on the entity by its loader, which then
 * calls `auditBaseline`.
 */
export interface AuditPolicy<T extends object> {
  entity: EntityName<T>;
  /** The record type history is kept under; with `show`. */
  type?: string;
  show?: (entity: T) => Snapshot;
  related?: (changes: readonly JoinChange<T>[], db: Kysely<Database>) => Promise<HistoryChange[]>;
}

// biome-ignore lint/suspicious/noExplicitAny: policies of every entity type in one list
export type AnyAuditPolicy = AuditPolicy<any>;

export function auditPolicy<T extends object>(policy: AuditPolicy<T>): AuditPolicy<T> {
  return policy;
}

/** The record as history last saw it (loaded or flushed), to diff the next change against. */
const baselines = new WeakMap<object, Snapshot>();

type Audited = Record<string, unknown> & { tenant?: unknown };

export class AuditSubscriber implements EventSubscriber {
  readonly #policies = new Map<string, AnyAuditPolicy>();

  constructor(policies: readonly AnyAuditPolicy[]) {
    for (const policy of policies) this.#policies.set(entityNameOf(policy.entity), policy);
  }

  #policyOf(entity: object): AnyAuditPolicy | undefined {
    return this.#policies.get(entity.constructor.name);
  }

  getSubscribedEntities(): EntityName[] {
    return [...this.#policies.values()].map((policy) => policy.entity);
  }

  onLoad(args: { entity: object }): void {
    remember(this.#policyOf(args.entity), args.entity);
  }

  async onFlush({ em, uow }: FlushEventArgs): Promise<void> {
    const by = actingUserId();
    const changes: { tenant: unknown; change: HistoryChange }[] = [];
    const joins = new Map<AnyAuditPolicy, { tenant: unknown; change: JoinChange<object> }[]>();
    for (const changeSet of uow.getChangeSets()) {
      const entity = changeSet.entity as Audited;
      const policy = this.#policyOf(entity);
      if (!policy) continue;
      const props = changeSet.meta.properties as Record<string, unknown>;
      const original = (uow.getOriginalEntityData(entity) ?? {}) as Audited;
      let action: HistoryAction | undefined;
      if (changeSet.type === 'create') {
        action = 'create';
        if ('createdBy' in props) entity.createdBy ??= by;
        if ('updatedBy' in props) entity.updatedBy ??= by;
      } else if (changeSet.type === 'update') {
        action = 'update';
        if ('updatedBy' in props) entity.updatedBy = by;
        if ('deletedAt' in props && Boolean(entity.deletedAt) !== Boolean(original.deletedAt)) {
          action = entity.deletedAt ? 'delete' : 'restore';
          if ('deletedBy' in props) entity.deletedBy = entity.deletedAt ? by : null;
        }
      } else if (changeSet.type === 'delete') {
        action = 'delete';
      }
      if (changeSet.type !== 'delete') uow.recomputeSingleChangeSet(entity);
      if (!action) continue;
      if (policy.show && policy.type) {
        const id = String(changeSet.getPrimaryKey());
        const before = baselines.get(entity);
        const now = policy.show(entity);
        const change: HistoryChange =
          action === 'create' || action === 'restore'
            ? { type: policy.type, id, action, after: now }
            : action === 'delete'
              ? { type: policy.type, id, action, before: before ?? now }
              : { type: policy.type, id, action, before: before ?? {}, after: now };
        changes.push({ tenant: entity.tenant, change });
      }
      if (policy.related && (action === 'create' || action === 'delete')) {
        const list = joins.get(policy) ?? [];
        list.push({ tenant: entity.tenant, change: { action, entity } });
        joins.set(policy, list);
      }
    }
    for (const [policy, list] of joins) {
      const related = await policy.related?.(
        list.map((item) => item.change),
        db(em as EntityManager),
      );
      // Joining rows of one flush belong to one tenant: the request's.
      for (const change of related ?? []) changes.push({ tenant: list[0]?.tenant, change });
    }
    for (const { tenant, change } of changes) {
      for (const row of historyRows(change, by)) {
        const entry = em.create(HistoryEntry, { ...row, tenant: tenant as HistoryEntry['tenant'] });
        uow.computeChangeSet(entry);
      }
    }
  }

  afterFlush({ uow }: FlushEventArgs): void {
    for (const changeSet of uow.getChangeSets()) {
      if (changeSet.type !== 'delete') remember(this.#policyOf(changeSet.entity), changeSet.entity);
    }
  }
}

function remember(policy: AnyAuditPolicy | undefined, entity: object): void {
  if (policy?.show) baselines.set(entity, policy.show(entity));
}

function entityNameOf(name: EntityName<object>): string {
  if (typeof name === 'string') return name;
  if ('meta' in name && name.meta && typeof name.meta === 'object' && 'className' in name.meta) {
    return String(name.meta.className);
  }
  return (name as { name: string }).name;
}

/** Takes the record as it is now as what its next change is compared with (after setting values kept elsewhere). */
export function auditBaseline(policy: AnyAuditPolicy, entity: object): void {
  remember(policy, entity);
}
