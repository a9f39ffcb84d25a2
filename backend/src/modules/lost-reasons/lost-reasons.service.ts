// Lost reasons (D6): per object type, with name, description and an active flag; a deal or lead
// marked lost must name an active reason of its type. Used reasons are retired, not deleted.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory } from '../../records/history.ts';
import { sqlIn } from '../../records/sql.ts';
import { wired } from '../wiring.ts';
import type {
  CreateLostReason,
  LostReasonObjectType,
  LostReasonView,
  UpdateLostReason,
} from './lost-reasons.schemas.ts';

interface Row {
  id: string;
  object_type: LostReasonObjectType;
  name: string;
  description: string | null;
  active: boolean;
  version: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

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
  const where = ['true'];
  const params: unknown[] = [];
  if (filter.objectType) {
    where.push('object_type = ?');
    params.push(filter.objectType);
  }
  if (filter.active !== undefined) {
    where.push('active = ?');
    params.push(filter.active);
  }
  const rows = await sqlIn<Row>(
    em,
    `select * from lost_reason where ${where.join(' and ')} order by object_type, position, lower(name), id`,
    params,
  );
  return rows.map(toView);
}

export async function getLostReason(em: EntityManager, id: string): Promise<LostReasonView> {
  const [row] = await sqlIn<Row>(em, 'select * from lost_reason where id = ?', [id]);
  if (!row) throw problem('not_found', { noSuch: noSuch('lost_reason'), id });
  return toView(row);
}

async function ensureNameFree(
  em: EntityManager,
  objectType: LostReasonObjectType,
  name: string,
  exceptId?: string,
): Promise<void> {
  const clash = await sqlIn(
    em,
    'select 1 from lost_reason where object_type = ? and lower(name) = lower(?) and id <> ?',
    [objectType, name, exceptId ?? '00000000-0000-0000-0000-000000000000'],
  );
  if (clash.length > 0) {
    throw new AppError({
      status: 409,
      code: 'duplicate_lost_reason',
      title: 'A lost reason with this name exists',
      detail: `There is already a ${objectType} lost reason "${name}"; use it, or choose another name.`,
      errors: [{ in: 'body', pointer: '#/name', detail: 'already taken' }],
    });
  }
}

export async function createLostReason(
  em: EntityManager,
  principal: Principal,
  input: CreateLostReason,
): Promise<LostReasonView> {
  await ensureNameFree(em, input.objectType, input.name);
  const id = newId();
  await sqlIn(
    em,
    `insert into lost_reason (id, tenant_id, object_type, name, description, active, position, created_by, updated_by)
     values (?, crm_current_tenant(), ?, ?, ?, ?,
             (select coalesce(max(position) + 1, 0) from lost_reason where object_type = ?), ?, ?)`,
    [
      id,
      input.objectType,
      input.name,
      input.description ?? null,
      input.active,
      input.objectType,
      principal.userId ?? null,
      principal.userId ?? null,
    ],
  );
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
  const [locked] = await sqlIn<{ id: string }>(em, 'select id from lost_reason where id = ? for update', [id]);
  if (!locked) throw problem('not_found', { noSuch: noSuch('lost_reason'), id });
  const before = await getLostReason(em, id);
  checkVersion(before, expectedVersion, named('lost_reason', before.name));
  if (change.name !== undefined && change.name.toLowerCase() !== before.name.toLowerCase()) {
    await ensureNameFree(em, before.objectType, change.name, id);
  }
  await sqlIn(
    em,
    `update lost_reason set name = ?, description = ?, active = ?, version = version + 1, updated_at = now(), updated_by = ?
      where id = ?`,
    [
      change.name ?? before.name,
      change.description === undefined ? before.description : change.description,
      change.active ?? before.active,
      principal.userId ?? null,
      id,
    ],
  );
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
    throw new AppError({
      status: 409,
      code: 'lost_reason_in_use',
      title: 'The lost reason is in use',
      detail: `${used} record(s) were lost for "${reason.name}"; retire it with active: false instead of deleting it.`,
    });
  }
  await sqlIn(em, 'delete from lost_reason where id = ?', [id]);
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
  const [row] = await sqlIn<Row>(em, 'select * from lost_reason where id = ?', [id]);
  if (!row || row.object_type !== objectType || !row.active) {
    throw new AppError({
      status: 422,
      code: 'invalid_lost_reason',
      title: 'Not a lost reason to choose',
      detail: row
        ? row.object_type !== objectType
          ? `"${row.name}" is a lost reason for ${row.object_type}s, not for ${objectType}s; choose one from GET /api/v1/lost-reasons?objectType=${objectType}&active=true.`
          : `"${row.name}" is retired; choose an active lost reason from GET /api/v1/lost-reasons?objectType=${objectType}&active=true.`
        : `There is no lost reason ${id} in your organisation; choose one from GET /api/v1/lost-reasons?objectType=${objectType}&active=true.`,
      errors: [{ in: 'body', pointer, detail: `an active ${objectType} lost reason` }],
    });
  }
  return toView(row);
}
