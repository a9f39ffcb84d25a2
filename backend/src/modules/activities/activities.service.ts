// Activities (T4): calls, emails, meetings, visits and the tenant's own types, each with a type,
// subject, record links, start, duration, done flag and outcome. Every change has its history in
// the same transaction. A sales rep sees the activities they own or created, a manager their
// team's, an admin all (the principal's visibility of kind 'activity').
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkVersion } from '../../http/etag.ts';
import { compileFilter } from '../../http/filter-sql.ts';
import type { FilterField, FilterNode } from '../../http/filters.ts';
import { cappedTotal, fieldOrder } from '../../http/list-sql.ts';
import { offsetCursor, windowStart } from '../../http/list-window.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem, type UserRole, userRoles } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { historyOf, recordHistory, type Snapshot, unchanged } from '../../records/history.ts';
import type { OverviewSection } from '../../records/overview.ts';
import {
  distinctLinks,
  linksOf,
  type RecordRef,
  requireLinkable,
  setLinks,
  sortedLinks,
} from '../../records/record-links.ts';
import { pgArray } from '../../records/search-index.ts';
import { sqlIn } from '../../records/sql.ts';
import type { TenantSetupStep } from '../../records/tenant-setup.ts';
import type { TimelineEntry, TimelineSource } from '../../records/timeline.ts';
import type { CreateActivity, UpdateActivity } from './activities.schemas.ts';

export type ActivityTypeKey = 'call' | 'email' | 'meeting' | 'visit';

/** The types every organisation starts with (existing ones got them from the migration). */
export const SEEDED_ACTIVITY_TYPES: { key: ActivityTypeKey; de: string; en: string; color: string; icon: string }[] = [
  { key: 'call', de: 'Anruf', en: 'Call', color: '#0f6cbd', icon: 'call' },
  { key: 'email', de: 'E-Mail', en: 'Email', color: '#5c2e91', icon: 'mail' },
  { key: 'meeting', de: 'Termin', en: 'Meeting', color: '#107c10', icon: 'calendar' },
  { key: 'visit', de: 'Besuch', en: 'Visit', color: '#ca5010', icon: 'vehicle-car' },
];

export const seedActivityTypes: TenantSetupStep = async (em) => {
  for (const type of SEEDED_ACTIVITY_TYPES) {
    await sqlIn(
      em,
      `insert into activity_type (id, tenant_id, system_key, name_de, name_en, color, icon)
       values (?, crm_current_tenant(), ?, ?, ?, ?, ?) on conflict do nothing`,
      [newId(), type.key, type.de, type.en, type.color, type.icon],
    );
  }
};

// ---- activity types ----------------------------------------------------------------------

export interface ActivityTypeView {
  id: string;
  key: ActivityTypeKey | null;
  name: string;
  names: { de: string; en: string };
  color: string;
  icon: string;
  active: boolean;
  version: number;
}

interface TypeRow {
  id: string;
  system_key: ActivityTypeKey | null;
  name_de: string;
  name_en: string;
  color: string;
  icon: string;
  active: boolean;
  version: number;
}

const typeView = (row: TypeRow, language: 'de' | 'en'): ActivityTypeView => ({
  id: row.id,
  key: row.system_key,
  name: language === 'en' ? row.name_en : row.name_de,
  names: { de: row.name_de, en: row.name_en },
  color: row.color,
  icon: row.icon,
  active: row.active,
  version: row.version,
});

export type NameInput = string | { de: string; en: string };
const namesOf = (name: NameInput) => (typeof name === 'string' ? { de: name, en: name } : name);

export async function listActivityTypes(
  em: EntityManager,
  principal: Principal,
  options: { active?: boolean | undefined } = {},
): Promise<ActivityTypeView[]> {
  const rows = await sqlIn<TypeRow>(
    em,
    `select * from activity_type ${options.active === undefined ? '' : 'where active = ?'}
      order by system_key is null, lower(${principal.language === 'en' ? 'name_en' : 'name_de'}), id`,
    options.active === undefined ? [] : [options.active],
  );
  return rows.map((row) => typeView(row, principal.language));
}

async function getType(em: EntityManager, principal: Principal, id: string): Promise<ActivityTypeView> {
  const [row] = await sqlIn<TypeRow>(em, 'select * from activity_type where id = ?', [id]);
  if (!row) throw problem('not_found', { noSuch: noSuch('activity_type'), id });
  return typeView(row, principal.language);
}

async function ensureNamesFree(em: EntityManager, names: { de: string; en: string }, exceptId?: string) {
  const [clash] = await sqlIn<{ name_de: string; name_en: string }>(
    em,
    `select name_de, name_en from activity_type
      where (lower(name_de) = lower(?) or lower(name_en) = lower(?)) and id <> ?`,
    [names.de, names.en, exceptId ?? '00000000-0000-0000-0000-000000000000'],
  );
  if (clash) {
    const taken = clash.name_de.toLowerCase() === names.de.toLowerCase() ? names.de : names.en;
    throw problem('duplicate_activity_type', { name: taken }, { at: { pointer: '#/name' } });
  }
}

export async function createActivityType(
  em: EntityManager,
  principal: Principal,
  input: { name: NameInput; color: string; icon: string; active?: boolean | undefined },
): Promise<ActivityTypeView> {
  const names = namesOf(input.name);
  await ensureNamesFree(em, names);
  const id = newId();
  await sqlIn(
    em,
    `insert into activity_type (id, tenant_id, name_de, name_en, color, icon, active)
     values (?, crm_current_tenant(), ?, ?, ?, ?, ?)`,
    [id, names.de, names.en, input.color, input.icon, input.active ?? true],
  );
  return getType(em, principal, id);
}

export async function updateActivityType(
  em: EntityManager,
  principal: Principal,
  id: string,
  change: {
    name?: NameInput | undefined;
    color?: string | undefined;
    icon?: string | undefined;
    active?: boolean | undefined;
  },
  expectedVersion: number | undefined,
): Promise<ActivityTypeView> {
  const type = await getType(em, principal, id);
  checkVersion(type, expectedVersion, named('activity_type', type.name));
  const names = change.name === undefined ? type.names : namesOf(change.name);
  if (change.name !== undefined) await ensureNamesFree(em, names, id);
  const next = { names, color: change.color ?? type.color, icon: change.icon ?? type.icon };
  const active = change.active ?? type.active;
  if (unchanged({ ...next, active }, { names: type.names, color: type.color, icon: type.icon, active: type.active })) {
    return type;
  }
  await sqlIn(
    em,
    `update activity_type set name_de = ?, name_en = ?, color = ?, icon = ?, active = ?,
            version = version + 1, updated_at = now() where id = ?`,
    [names.de, names.en, next.color, next.icon, active, id],
  );
  return getType(em, principal, id);
}

// ---- activities --------------------------------------------------------------------------

export interface ActivityView {
  id: string;
  typeId: string;
  type: { id: string; key: ActivityTypeKey | null; name: string; color: string; icon: string };
  subject: string;
  description: string | null;
  links: RecordRef[];
  startsAt: string;
  durationMinutes: number | null;
  endsAt: string | null;
  location: string | null;
  allDay: boolean;
  done: boolean;
  outcome: string | null;
  direction: 'inbound' | 'outbound' | null;
  ownerId: string | null;
  version: number;
  createdAt: string;
  createdBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
  deletedAt: string | null;
}

export interface ActivityRow {
  id: string;
  type_id: string;
  subject: string;
  description: string | null;
  starts_at: string;
  duration_minutes: number | null;
  location: string | null;
  all_day: boolean;
  done: boolean;
  outcome: string | null;
  direction: 'inbound' | 'outbound' | null;
  owner_id: string | null;
  version: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
  deleted_at: string | null;
  system_key: ActivityTypeKey | null;
  name_de: string;
  name_en: string;
  color: string;
  icon: string;
}

/** The columns of an activity and its type, for `from activity a join activity_type t`. */
export const ACTIVITY_COLUMNS = `a.id, a.type_id, a.subject, a.description, a.starts_at, a.duration_minutes, a.location,
  a.all_day, a.done, a.outcome, a.direction, a.owner_id, a.version, a.created_at, a.created_by, a.updated_at, a.updated_by, a.deleted_at,
  t.system_key, t.name_de, t.name_en, t.color, t.icon`;

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

export function activityView(row: ActivityRow, language: 'de' | 'en', links: RecordRef[]): ActivityView {
  const startsAt = new Date(row.starts_at);
  return {
    id: row.id,
    typeId: row.type_id,
    type: {
      id: row.type_id,
      key: row.system_key,
      name: language === 'en' ? row.name_en : row.name_de,
      color: row.color,
      icon: row.icon,
    },
    subject: row.subject,
    description: row.description,
    links,
    startsAt: startsAt.toISOString(),
    durationMinutes: row.duration_minutes,
    endsAt:
      row.duration_minutes === null ? null : new Date(startsAt.getTime() + row.duration_minutes * 60_000).toISOString(),
    location: row.location ?? null,
    allDay: row.all_day ?? false,
    done: row.done,
    outcome: row.outcome,
    direction: row.direction,
    ownerId: row.owner_id,
    version: row.version,
    createdAt: iso(row.created_at) as string,
    createdBy: row.created_by,
    updatedAt: iso(row.updated_at) as string,
    updatedBy: row.updated_by,
    deletedAt: iso(row.deleted_at),
  };
}

function snapshot(view: ActivityView): Snapshot {
  return {
    typeId: view.typeId,
    subject: view.subject,
    description: view.description,
    links: sortedLinks(view.links),
    startsAt: view.startsAt,
    durationMinutes: view.durationMinutes,
    // Only when set: the history of activities without them reads as before.
    ...(view.location !== null ? { location: view.location } : {}),
    ...(view.allDay ? { allDay: true } : {}),
    done: view.done,
    outcome: view.outcome,
    direction: view.direction,
    ownerId: view.ownerId,
  };
}

/**
 * SQL (with its parameters) that is true for the activities the caller may see: all for admins
 * and applications, otherwise those owned or created by the users of the caller's scope.
 */
export async function activityVisibility(
  principal: Principal,
  alias = 'a',
): Promise<{ sql: string; params: unknown[] }> {
  const visibility = await principal.visibility('activity');
  if (visibility.scope === 'all') return { sql: 'true', params: [] };
  const users = pgArray([...visibility.ownerIds]);
  return {
    sql: `(${alias}.owner_id = any(?::uuid[]) or ${alias}.created_by = any(?::uuid[]))`,
    params: [users, users],
  };
}

async function findActivity(
  em: EntityManager,
  principal: Principal,
  id: string,
  options: { trashed: boolean },
): Promise<ActivityView | null> {
  const visible = await activityVisibility(principal);
  const [row] = await sqlIn<ActivityRow>(
    em,
    `select ${ACTIVITY_COLUMNS} from activity a join activity_type t on t.id = a.type_id
      where a.id = ? and a.deleted_at is ${options.trashed ? 'not null' : 'null'} and ${visible.sql}`,
    [id, ...visible.params],
  );
  if (!row) return null;
  const links = await linksOf(em, 'activity', [id]);
  return activityView(row, principal.language, links.get(id) ?? []);
}

export async function getActivity(em: EntityManager, principal: Principal, id: string): Promise<ActivityView> {
  const activity = await findActivity(em, principal, id, { trashed: false });
  if (!activity) throw problem('not_visible_maybe_trashed', { noSuch: noSuch('activity'), id });
  return activity;
}

async function requireUsableType(em: EntityManager, typeId: string): Promise<void> {
  const rows = await sqlIn(em, 'select 1 from activity_type where id = ? and active', [typeId]);
  if (rows.length === 0) {
    throw problem('unknown_activity_type', { id: typeId }, { at: { pointer: '#/typeId' } });
  }
}

/** 422 unless the id names an active user of the caller's organisation. */
export async function requireActiveUser(
  em: EntityManager,
  userId: string,
  pointer: string,
  role: UserRole,
): Promise<void> {
  const rows = await sqlIn(em, 'select 1 from app_user where id = ? and active', [userId]);
  if (rows.length === 0) {
    throw problem('unknown_active_user', { id: userId, role: userRoles[role] }, { at: { pointer } });
  }
}

export async function createActivity(
  em: EntityManager,
  principal: Principal,
  input: CreateActivity,
  options: { retiredTypeAllowed?: boolean } = {},
): Promise<ActivityView> {
  // A logged call is a call even when an admin retired the type from the pickers.
  if (!options.retiredTypeAllowed) await requireUsableType(em, input.typeId);
  const ownerId = input.ownerId === undefined ? (principal.userId ?? null) : input.ownerId;
  if (ownerId) await requireActiveUser(em, ownerId, '#/ownerId', 'owner');
  const links = distinctLinks(input.links ?? []);
  await requireLinkable(em, links);
  const id = newId();
  const by = principal.userId ?? null;
  await sqlIn(
    em,
    `insert into activity (id, tenant_id, type_id, subject, description, starts_at, duration_minutes, location, all_day,
                           done, outcome, direction, owner_id, created_by, updated_by)
     values (?, crm_current_tenant(), ?, ?, ?, ?::timestamptz, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      input.typeId,
      input.subject,
      input.description ?? null,
      input.startsAt,
      input.durationMinutes ?? null,
      input.location ?? null,
      input.allDay ?? false,
      input.done ?? false,
      input.outcome ?? null,
      input.direction ?? null,
      ownerId,
      by,
      by,
    ],
  );
  await setLinks(em, { type: 'activity', id }, links);
  const created =
    (await findActivity(em, principal, id, { trashed: false })) ?? (await readOwnWrite(em, principal, id));
  recordHistory(em, principal, { type: 'activity', id, action: 'create', after: snapshot(created) });
  await em.flush();
  return created;
}

/** An activity just written by the caller for someone outside their scope: shown once, as written. */
async function readOwnWrite(em: EntityManager, principal: Principal, id: string): Promise<ActivityView> {
  const [row] = await sqlIn<ActivityRow>(
    em,
    `select ${ACTIVITY_COLUMNS} from activity a join activity_type t on t.id = a.type_id where a.id = ?`,
    [id],
  );
  const links = await linksOf(em, 'activity', [id]);
  return activityView(row as ActivityRow, principal.language, links.get(id) ?? []);
}

export async function updateActivity(
  em: EntityManager,
  principal: Principal,
  id: string,
  patch: UpdateActivity,
  expectedVersion: number | undefined,
): Promise<ActivityView> {
  const current = await getActivity(em, principal, id);
  checkVersion(current, expectedVersion, named('activity', current.subject));
  if (patch.typeId !== undefined && patch.typeId !== current.typeId) await requireUsableType(em, patch.typeId);
  if (patch.ownerId && patch.ownerId !== current.ownerId) {
    await requireActiveUser(em, patch.ownerId, '#/ownerId', 'owner');
  }
  const links = patch.links === undefined ? current.links : distinctLinks(patch.links);
  if (patch.links !== undefined) await requireLinkable(em, links);
  const next: ActivityView = {
    ...current,
    typeId: patch.typeId ?? current.typeId,
    subject: patch.subject ?? current.subject,
    description: patch.description === undefined ? current.description : patch.description,
    links,
    startsAt: patch.startsAt ?? current.startsAt,
    durationMinutes: patch.durationMinutes === undefined ? current.durationMinutes : patch.durationMinutes,
    location: patch.location === undefined ? current.location : patch.location,
    allDay: patch.allDay ?? current.allDay,
    done: patch.done ?? current.done,
    outcome: patch.outcome === undefined ? current.outcome : patch.outcome,
    direction: patch.direction === undefined ? current.direction : patch.direction,
    ownerId: patch.ownerId === undefined ? current.ownerId : patch.ownerId,
  };
  const before = snapshot(current);
  const after = snapshot(next);
  if (unchanged(before, after)) return current;
  await sqlIn(
    em,
    `update activity set type_id = ?, subject = ?, description = ?, starts_at = ?::timestamptz, duration_minutes = ?,
            location = ?, all_day = ?, done = ?, outcome = ?, direction = ?, owner_id = ?, version = version + 1, updated_at = now(), updated_by = ?
      where id = ?`,
    [
      next.typeId,
      next.subject,
      next.description,
      next.startsAt,
      next.durationMinutes,
      next.location,
      next.allDay,
      next.done,
      next.outcome,
      next.direction,
      next.ownerId,
      principal.userId ?? null,
      id,
    ],
  );
  if (patch.links !== undefined && !unchanged({ links: sortedLinks(current.links) }, { links: sortedLinks(links) })) {
    await setLinks(em, { type: 'activity', id }, links);
  }
  recordHistory(em, principal, { type: 'activity', id, action: 'update', before, after });
  await em.flush();
  return (await findActivity(em, principal, id, { trashed: false })) ?? (await readOwnWrite(em, principal, id));
}

export async function trashActivity(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const current = await getActivity(em, principal, id);
  checkVersion(current, expectedVersion, named('activity', current.subject));
  await sqlIn(
    em,
    "update activity set deleted_at = date_trunc('milliseconds', now()), deleted_by = ?, version = version + 1 where id = ?",
    [principal.userId ?? null, id],
  );
  recordHistory(em, principal, { type: 'activity', id, action: 'delete', before: snapshot(current) });
  await em.flush();
}

export async function restoreActivity(em: EntityManager, principal: Principal, id: string): Promise<ActivityView> {
  const trashed = await findActivity(em, principal, id, { trashed: true });
  if (!trashed) throw problem('not_in_trash', { noSuch: noSuch('activity'), id });
  await sqlIn(
    em,
    'update activity set deleted_at = null, deleted_by = null, version = version + 1, updated_at = now(), updated_by = ? where id = ?',
    [principal.userId ?? null, id],
  );
  recordHistory(em, principal, { type: 'activity', id, action: 'restore', after: snapshot(trashed) });
  await em.flush();
  return getActivity(em, principal, id);
}

/** Deletes an activity in the trash for good (admins only); its history stays. */
export async function purgeActivity(em: EntityManager, principal: Principal, id: string): Promise<void> {
  if (!principal.roles.has('admin'))
    throw problem('admin_empties_trash', { things: { en: 'activities', de: 'Aktivitäten' } });
  const rows = await sqlIn(em, 'delete from activity where id = ? and deleted_at is not null returning id', [id]);
  if (rows.length === 0) throw problem('not_in_trash', { noSuch: noSuch('activity'), id });
  await sqlIn(em, "delete from record_link where item_type = 'activity' and item_id = ?", [id]);
}

export async function activityHistory(
  em: EntityManager,
  principal: Principal,
  id: string,
  options: { limit: number; cursor?: string | undefined },
) {
  const visible = await activityVisibility(principal);
  const found = await sqlIn(em, `select 1 from activity a where a.id = ? and ${visible.sql}`, [id, ...visible.params]);
  if (found.length === 0) throw problem('not_visible', { noSuch: noSuch('activity'), id });
  const before = decodeCursor(options.cursor, 2) as [string, string] | undefined;
  const items = await historyOf(em, 'activity', id, { limit: options.limit + 1, before });
  const hasMore = items.length > options.limit;
  const shown = hasMore ? items.slice(0, options.limit) : items;
  const last = shown.at(-1);
  return { items: shown, nextCursor: hasMore && last ? encodeCursor([last.changedAt, last.id]) : null };
}

// ---- lists -------------------------------------------------------------------------------

export const ACTIVITY_FILTER_FIELDS: Record<string, FilterField> = {
  typeId: { sql: 'a.type_id', type: 'uuid' },
  typeKey: { sql: 't.system_key', type: 'text' },
  subject: { sql: 'a.subject', type: 'text' },
  outcome: { sql: 'a.outcome', type: 'text' },
  done: { sql: 'a.done', type: 'boolean' },
  startsAt: { sql: 'a.starts_at', type: 'datetime' },
  durationMinutes: { sql: 'a.duration_minutes', type: 'number' },
  direction: { sql: 'a.direction', type: 'text' },
  ownerId: { sql: 'a.owner_id', type: 'uuid' },
  createdAt: { sql: 'a.created_at', type: 'datetime' },
  updatedAt: { sql: 'a.updated_at', type: 'datetime' },
};

export interface ActivityListOptions {
  limit: number;
  cursor?: string | undefined;
  filter?: FilterNode | undefined;
  record?: RecordRef | undefined;
  /** -startsAt, startsAt (keyset cursors), or a field of the list (offset cursors). */
  sort: string;
  trash: boolean;
  offset?: number | undefined;
  count?: boolean;
}

/** One page in two queries (the activities, then their links): filter tree, linked record, keyset cursor. */
export async function listActivities(
  em: EntityManager,
  principal: Principal,
  options: ActivityListOptions,
): Promise<{ items: ActivityView[]; nextCursor: string | null; total?: number; totalCapped?: boolean }> {
  const where = ['a.tenant_id = crm_current_tenant()', `a.deleted_at is ${options.trash ? 'not null' : 'null'}`];
  const params: unknown[] = [];
  const visible = await activityVisibility(principal);
  where.push(visible.sql);
  params.push(...visible.params);
  if (options.filter) {
    const compiled = compileFilter(options.filter, {
      fields: ACTIVITY_FILTER_FIELDS,
      customFields: [],
      customFieldsColumn: "'{}'::jsonb",
      recordType: 'activity',
      idColumn: 'a.id',
    });
    where.push(compiled.sql);
    params.push(...compiled.params);
  }
  if (options.record) {
    where.push(
      `exists (select 1 from record_link l where l.tenant_id = crm_current_tenant() and l.record_type = ?
                  and l.record_id = ?::uuid and l.item_type = 'activity' and l.item_id = a.id)`,
    );
    params.push(options.record.type, options.record.id);
  }
  const from = 'from activity a join activity_type t on t.id = a.type_id';
  const total = options.count
    ? await cappedTotal(em, { sql: `select a.id ${from} where ${where.join(' and ')}`, params: [...params] })
    : {};
  const keyset = options.trash || options.sort === '-startsAt' || options.sort === 'startsAt';
  const key = options.trash ? 'a.deleted_at' : 'a.starts_at';
  const descending = options.trash || options.sort === '-startsAt';
  const after =
    keyset && options.offset === undefined
      ? (decodeCursor(options.cursor, 2) as [string, string] | undefined)
      : undefined;
  if (after) {
    where.push(`(${key}, a.id) ${descending ? '<' : '>'} (?::timestamptz, ?::uuid)`);
    params.push(...after);
  }
  const direction = descending ? 'desc' : 'asc';
  const order = keyset
    ? `${key} ${direction}, a.id ${direction}`
    : fieldOrder(options.sort, { fields: ACTIVITY_FILTER_FIELDS, idColumn: 'a.id' });
  const skip = keyset ? (options.offset ?? 0) : windowStart(options);
  const rows = await sqlIn<ActivityRow>(
    em,
    `select ${ACTIVITY_COLUMNS} ${from} where ${where.join(' and ')} order by ${order} limit ? offset ?`,
    [...params, options.limit + 1, skip],
  );
  const hasMore = rows.length > options.limit;
  const shown = hasMore ? rows.slice(0, options.limit) : rows;
  const links = await linksOf(
    em,
    'activity',
    shown.map((row) => row.id),
  );
  const items = shown.map((row) => activityView(row, principal.language, links.get(row.id) ?? []));
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      hasMore && last
        ? keyset
          ? encodeCursor([options.trash ? last.deletedAt : last.startsAt, last.id])
          : offsetCursor(skip + shown.length)
        : null,
    ...total,
  };
}

// ---- the 360° view and the timeline -----------------------------------------------------

export type ActivitySummary = Omit<ActivityView, 'links' | 'description' | 'createdBy' | 'updatedBy' | 'deletedAt'>;

export const activitiesOverview: OverviewSection = async (em, principal, { type, id }) => {
  const visible = await activityVisibility(principal);
  const rows = await sqlIn<ActivityRow & { total: number; open: number }>(
    em,
    `select ${ACTIVITY_COLUMNS}, count(*) over ()::int as total, (count(*) filter (where not a.done) over ())::int as open
       from record_link l join activity a on a.id = l.item_id join activity_type t on t.id = a.type_id
      where l.tenant_id = crm_current_tenant() and l.record_type = ? and l.record_id = ? and l.item_type = 'activity'
        and a.deleted_at is null and ${visible.sql}
      order by a.starts_at desc, a.id desc limit 5`,
    [type, id, ...visible.params],
  );
  const newest: ActivitySummary[] = rows.map((row) => {
    const {
      links: _links,
      description: _d,
      createdBy: _c,
      updatedBy: _u,
      deletedAt: _x,
      ...summary
    } = activityView(row, principal.language, []);
    return summary;
  });
  return { count: rows[0]?.total ?? 0, open: rows[0]?.open ?? 0, newest };
};

export const activitiesTimeline: TimelineSource = async (em, principal, window) => {
  const visible = await activityVisibility(principal);
  const where = [
    'a.tenant_id = crm_current_tenant()',
    'a.deleted_at is null',
    'a.starts_at >= ?::timestamptz',
    'a.starts_at < ?::timestamptz',
    visible.sql,
  ];
  const params: unknown[] = [window.from, window.to, ...visible.params];
  if (window.userId) {
    where.push('a.owner_id = ?');
    params.push(window.userId);
  }
  if (window.record) {
    where.push(
      `exists (select 1 from record_link l where l.tenant_id = crm_current_tenant() and l.record_type = ?
                  and l.record_id = ?::uuid and l.item_type = 'activity' and l.item_id = a.id)`,
    );
    params.push(window.record.type, window.record.id);
  }
  const rows = await sqlIn<ActivityRow>(
    em,
    `select ${ACTIVITY_COLUMNS} from activity a join activity_type t on t.id = a.type_id
      where ${where.join(' and ')} order by a.starts_at, a.id limit ?`,
    [...params, window.limit + 1],
  );
  const entries = rows.slice(0, window.limit).map((row): TimelineEntry => {
    const view = activityView(row, principal.language, []);
    return {
      kind: 'activity',
      id: view.id,
      at: view.startsAt,
      title: view.subject,
      userId: view.ownerId,
      details: {
        type: view.type,
        durationMinutes: view.durationMinutes,
        endsAt: view.endsAt,
        // An all-day activity shows as its date, not a time; where it takes place beside it.
        allDay: view.allDay,
        location: view.location,
        done: view.done,
        direction: view.direction,
      },
    };
  });
  return { entries, truncated: rows.length > window.limit };
};
