// Lost reasons (D6): per object type, with name, description and an active flag; a deal or lead
// marked lost must name an active reason of its type. Used reasons are retired, not deleted.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Selectable, sql } from 'kysely';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory } from '../../records/history.ts';
import { type Database, db } from '../../records/sql.ts';
import { wired } from '../wiring.ts';
import type {
  CreateLostReason,
  LostReasonObjectType,
  LostReasonView,
  UpdateLostReason,
} from './lost-reasons.schemas.ts';

type Row = Selectable<Database['lost_reason']>;

/** The record kind a lost reason is for: "deal lost reason" / "Verlustgrund für Deals". */
const kindOf = { deal: { en: 'deal', de: 'Deals' }, lead: { en: 'lead', de: 'Leads' } } as const;
const kindsOf = { deal: { en: 'deals', de: 'Deals' }, lead: { en: 'leads', de: 'Leads' } } as const;

const toView = (row: Row): LostReasonView => ({
  id: row.id,
  objectType: row.object_type,
  name: row.name,
  description: row.description,
  active: row.active,
  version: row.version,
  createdAt: new Date(row.created_at).toISOString(),
  createdBy: row.created_by,
  updatedAt: new Date(row.updated_at).toISOString(),
  updatedBy: row.updated_by,
});

const snapshot = (reason: LostReasonView) => ({
  objectType: reason.objectType,
  name: reason.name,
  description: reason.description,
  active: reason.active,
});

export async function listLostReasons(
  em: EntityManager,
  filter: { objectType?: LostReasonObjectType | undefined; active?: boolean | undefined },
): Promise<LostReasonView[]> {
  const { objectType, active } = filter;
  const rows = await db(em)
    .selectFrom('lost_reason')
    .selectAll()
    .$if(objectType !== undefined, (query) => query.where('object_type', '=', objectType as LostReasonObjectType))
    .$if(active !== undefined, (query) => query.where('active', '=', active as boolean))
    .orderBy('object_type')
    .orderBy('position')
    .orderBy((eb) => eb.fn('lower', ['name']))
    .orderBy('id')
    .execute();
  return rows.map(toView);
}

function reasonRow(em: EntityManager, id: string): Promise<Row | undefined> {
  return db(em).selectFrom('lost_reason').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getLostReason(em: EntityManager, id: string): Promise<LostReasonView> {
  const row = await reasonRow(em, id);
  if (!row) throw problem('not_found', { noSuch: noSuch('lost_reason'), id });
  return toView(row);
}

async function ensureNameFree(
  em: EntityManager,
  objectType: LostReasonObjectType,
  name: string,
  exceptId?: string,
): Promise<void> {
  const clash = await db(em)
    .selectFrom('lost_reason')
    .select(sql<number>`1`.as('taken'))
    .where('object_type', '=', objectType)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', eb.fn('lower', [eb.val(name)])))
    .where('id', '<>', exceptId ?? '00000000-0000-0000-0000-000000000000')
    .execute();
  if (clash.length > 0) {
    throw problem('duplicate_lost_reason', { kind: kindOf[objectType], name }, { at: { pointer: '#/name' } });
  }
}

export async function createLostReason(
  em: EntityManager,
  principal: Principal,
  input: CreateLostReason,
): Promise<LostReasonView> {
  await ensureNameFree(em, input.objectType, input.name);
  const id = newId();
  await db(em)
    .insertInto('lost_reason')
    .values((eb) => ({
      id,
      tenant_id: sql<string>`crm_current_tenant()`,
      object_type: input.objectType,
      name: input.name,
      description: input.description ?? null,
      active: input.active,
      position: eb
        .selectFrom('lost_reason')
        .select((last) => last.fn.coalesce(sql<number>`${last.fn.max('position')} + 1`, sql.lit(0)).as('position'))
        .where('object_type', '=', input.objectType),
      created_by: principal.userId ?? null,
      updated_by: principal.userId ?? null,
    }))
    .execute();
  const reason = await getLostReason(em, id);
  recordHistory(em, principal, { type: 'lost_reason', id, action: 'create', after: snapshot(reason) });
  await em.flush();
  return reason;
}

export async function updateLostReason(
  em: EntityManager,
  principal: Principal,
  id: string,
  change: UpdateLostReason,
  expectedVersion: number | undefined,
): Promise<LostReasonView> {
  const locked = await db(em)
    .selectFrom('lost_reason')
    .select('id')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!locked) throw problem('not_found', { noSuch: noSuch('lost_reason'), id });
  const before = await getLostReason(em, id);
  checkVersion(before, expectedVersion, named('lost_reason', before.name));
  if (change.name !== undefined && change.name.toLowerCase() !== before.name.toLowerCase()) {
    await ensureNameFree(em, before.objectType, change.name, id);
  }
  await db(em)
    .updateTable('lost_reason')
    .set((eb) => ({
      name: change.name ?? before.name,
      description: change.description === undefined ? before.description : change.description,
      active: change.active ?? before.active,
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
      updated_by: principal.userId ?? null,
    }))
    .where('id', '=', id)
    .execute();
  const after = await getLostReason(em, id);
  recordHistory(em, principal, {
    type: 'lost_reason',
    id,
    action: 'update',
    before: snapshot(before),
    after: snapshot(after),
  });
  await em.flush();
  return after;
}

/** Deletes a reason no deal or lead names; one in use is retired (active: false) instead. */
export async function deleteLostReason(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const reason = await getLostReason(em, id);
  checkVersion(reason, expectedVersion, named('lost_reason', reason.name));
  const used = await lostReasonUsage(em, id);
  if (used > 0) {
    throw problem('lost_reason_in_use', { count: used, name: reason.name });
  }
  await db(em).deleteFrom('lost_reason').where('id', '=', id).execute();
  recordHistory(em, principal, { type: 'lost_reason', id, action: 'delete', before: snapshot(reason) });
  await em.flush();
}

/** How many records name the reason: deals and leads. */
async function lostReasonUsage(em: EntityManager, id: string): Promise<number> {
  const usage = await Promise.all(wired().lostReasonUsage.map((count) => count(em, id)));
  return usage.reduce((sum, n) => sum + n, 0);
}

/** Record kinds that name lost reasons say how to count their uses (CrmModule.lostReasonUsage). */
export type LostReasonUsageCounter = (em: EntityManager, lostReasonId: string) => Promise<number>;

/**
 * 422 unless the id names an active lost reason of the object type; the pointer says where the
 * caller sent it.
 */
export async function requireActiveLostReason(
  em: EntityManager,
  objectType: LostReasonObjectType,
  id: string,
  pointer = '#/lostReasonId',
): Promise<LostReasonView> {
  const row = await reasonRow(em, id);
  if (!row || row.object_type !== objectType || !row.active) {
    const at = { at: { pointer } };
    const kind = kindOf[objectType];
    if (!row) throw problem('unknown_lost_reason', { id, objectType, kind }, at);
    if (row.object_type !== objectType) {
      throw problem(
        'lost_reason_other_type',
        { name: row.name, actual: kindsOf[row.object_type], wanted: kindsOf[objectType], objectType, kind },
        at,
      );
    }
    throw problem('lost_reason_retired', { name: row.name, objectType, kind }, at);
  }
  return toView(row);
}
