// Activities (T4): calls, emails, meetings, visits and the tenant's own types, each with a type,
// subject, record links, start, duration, done flag and outcome. Every change has its history in
// the same transaction. A sales rep sees the activities they own or created, a manager their
// team's, an admin all (the principal's visibility of kind 'activity').
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type Expression,
  type ExpressionBuilder,
  expressionBuilder,
  type InferResult,
  type SqlBool,
  sql,
} from 'kysely';
import { checkVersion } from '../../http/etag.ts';
import { filterCondition } from '../../http/filter-sql.ts';
import type { FilterField, FilterNode } from '../../http/filters.ts';
import { cappedTotal, fieldSort } from '../../http/list-sql.ts';
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
import { anyUuid, currentTenantId, type Database, db } from '../../records/sql.ts';
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
  await db(em)
    .insertInto('activity_type')
    .values(
      SEEDED_ACTIVITY_TYPES.map((type) => ({
        id: newId(),
        tenant_id: currentTenantId,
        system_key: type.key,
        name_de: type.de,
        name_en: type.en,
        color: type.color,
        icon: type.icon,
      })),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
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

const selectTypes = (em: EntityManager) =>
  db(em)
    .selectFrom('activity_type')
    .select(['id', 'system_key', 'name_de', 'name_en', 'color', 'icon', 'active', 'version']);
type TypeRow = InferResult<ReturnType<typeof selectTypes>>[number];

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
  const active = options.active;
  const rows = await selectTypes(em)
    .$if(active !== undefined, (query) => query.where('active', '=', active as boolean))
    .orderBy((eb) => eb('system_key', 'is', null))
    .orderBy((eb) => eb.fn('lower', [principal.language === 'en' ? 'name_en' : 'name_de']))
    .orderBy('id')
    .execute();
  return rows.map((row) => typeView(row, principal.language));
}

async function getType(em: EntityManager, principal: Principal, id: string): Promise<ActivityTypeView> {
  const row = await selectTypes(em).where('id', '=', id).executeTakeFirst();
  if (!row) throw problem('not_found', { noSuch: noSuch('activity_type'), id });
  return typeView(row, principal.language);
}

async function ensureNamesFree(em: EntityManager, names: { de: string; en: string }, exceptId?: string) {
  const clash = await db(em)
    .selectFrom('activity_type')
    .select(['name_de', 'name_en'])
    .where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['name_de']), '=', eb.fn('lower', [eb.val(names.de)])),
        eb(eb.fn('lower', ['name_en']), '=', eb.fn('lower', [eb.val(names.en)])),
      ]),
    )
    .where('id', '<>', exceptId ?? '00000000-0000-0000-0000-000000000000')
    .executeTakeFirst();
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
  await db(em)
    .insertInto('activity_type')
    .values({
      id,
      tenant_id: currentTenantId,
      name_de: names.de,
      name_en: names.en,
      color: input.color,
      icon: input.icon,
      active: input.active ?? true,
    })
    .execute();
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
  await db(em)
    .updateTable('activity_type')
    .set((eb) => ({
      name_de: names.de,
      name_en: names.en,
      color: next.color,
      icon: next.icon,
      active,
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', id)
    .execute();
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

/** The activities and their types: `activity a join activity_type t`, before the columns. */
const activitiesWithType = (em: EntityManager) =>
  db(em).selectFrom('activity as a').innerJoin('activity_type as t', 't.id', 'a.type_id');

/** The columns of an activity and its type. */
const ACTIVITY_COLUMNS = [
  'a.id',
  'a.type_id',
  'a.subject',
  'a.description',
  'a.starts_at',
  'a.duration_minutes',
  'a.location',
  'a.all_day',
  'a.done',
  'a.outcome',
  'a.direction',
  'a.owner_id',
  'a.version',
  'a.created_at',
  'a.created_by',
  'a.updated_at',
  'a.updated_by',
  'a.deleted_at',
  't.system_key',
  't.name_de',
  't.name_en',
  't.color',
  't.icon',
] as const;

const selectActivities = (em: EntityManager) => activitiesWithType(em).select(ACTIVITY_COLUMNS);
export type ActivityRow = InferResult<ReturnType<typeof selectActivities>>[number];

const iso = (value: string | Date | null) => (value === null ? null : new Date(value).toISOString());
const timestamp = (value: string) => sql<Date>`${value}::timestamptz`;
const uuid = (value: string) => sql<string>`${value}::uuid`;

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

type ActivityExpressions = ExpressionBuilder<Database & { a: Database['activity'] }, 'a'>;

/**
 * The condition that the activity `a` is one the caller may see: all for admins and applications,
 * otherwise those owned or created by the users of the caller's scope.
 */
export async function visibleActivity(principal: Principal): Promise<(eb: ActivityExpressions) => Expression<SqlBool>> {
  const visibility = await principal.visibility('activity');
  if (visibility.scope === 'all') return (eb) => eb.lit(true);
  const users = visibility.ownerIds;
  return (eb) => eb.or([eb('a.owner_id', '=', anyUuid(users)), eb('a.created_by', '=', anyUuid(users))]);
}

/** The activity `a` is linked to the record. */
const linkedTo =
  (record: RecordRef) =>
  (eb: ActivityExpressions): Expression<SqlBool> =>
    eb.exists(
      eb
        .selectFrom('record_link as l')
        .select(sql<number>`1`.as('one'))
        .where('l.tenant_id', '=', currentTenantId)
        .where('l.record_type', '=', record.type)
        .where('l.record_id', '=', uuid(record.id))
        .where('l.item_type', '=', 'activity')
        .whereRef('l.item_id', '=', 'a.id'),
    );

async function findActivity(
  em: EntityManager,
  principal: Principal,
  id: string,
  options: { trashed: boolean },
): Promise<ActivityView | null> {
  const visible = await visibleActivity(principal);
  const row = await selectActivities(em)
    .where('a.id', '=', id)
    .where('a.deleted_at', options.trashed ? 'is not' : 'is', null)
    .where(visible)
    .executeTakeFirst();
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
  const usable = await db(em)
    .selectFrom('activity_type')
    .select('id')
    .where('id', '=', typeId)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!usable) {
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
  const user = await db(em)
    .selectFrom('app_user')
    .select('id')
    .where('id', '=', userId)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!user) {
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
  await db(em)
    .insertInto('activity')
    .values({
      id,
      tenant_id: currentTenantId,
      type_id: input.typeId,
      subject: input.subject,
      description: input.description ?? null,
      starts_at: timestamp(input.startsAt),
      duration_minutes: input.durationMinutes ?? null,
      location: input.location ?? null,
      all_day: input.allDay ?? false,
      done: input.done ?? false,
      outcome: input.outcome ?? null,
      direction: input.direction ?? null,
      owner_id: ownerId,
      created_by: by,
      updated_by: by,
    })
    .execute();
  await setLinks(em, { type: 'activity', id }, links);
  const created =
    (await findActivity(em, principal, id, { trashed: false })) ?? (await readOwnWrite(em, principal, id));
  recordHistory(em, principal, { type: 'activity', id, action: 'create', after: snapshot(created) });
  await em.flush();
  return created;
}

/** An activity just written by the caller for someone outside their scope: shown once, as written. */
async function readOwnWrite(em: EntityManager, principal: Principal, id: string): Promise<ActivityView> {
  const row = await selectActivities(em).where('a.id', '=', id).executeTakeFirst();
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
  await db(em)
    .updateTable('activity')
    .set((eb) => ({
      type_id: next.typeId,
      subject: next.subject,
      description: next.description,
      starts_at: timestamp(next.startsAt),
      duration_minutes: next.durationMinutes,
      location: next.location,
      all_day: next.allDay,
      done: next.done,
      outcome: next.outcome,
      direction: next.direction,
      owner_id: next.ownerId,
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
      updated_by: principal.userId ?? null,
    }))
    .where('id', '=', id)
    .execute();
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
  await db(em)
    .updateTable('activity')
    .set((eb) => ({
      deleted_at: sql<Date>`date_trunc('milliseconds', now())`,
      deleted_by: principal.userId ?? null,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .execute();
  recordHistory(em, principal, { type: 'activity', id, action: 'delete', before: snapshot(current) });
  await em.flush();
}

export async function restoreActivity(em: EntityManager, principal: Principal, id: string): Promise<ActivityView> {
  const trashed = await findActivity(em, principal, id, { trashed: true });
  if (!trashed) throw problem('not_in_trash', { noSuch: noSuch('activity'), id });
  await db(em)
    .updateTable('activity')
    .set((eb) => ({
      deleted_at: null,
      deleted_by: null,
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
      updated_by: principal.userId ?? null,
    }))
    .where('id', '=', id)
    .execute();
  recordHistory(em, principal, { type: 'activity', id, action: 'restore', after: snapshot(trashed) });
  await em.flush();
  return getActivity(em, principal, id);
}

/** Deletes an activity in the trash for good (admins only); its history stays. */
export async function purgeActivity(em: EntityManager, principal: Principal, id: string): Promise<void> {
  if (!principal.roles.has('admin'))
    throw problem('admin_empties_trash', { things: { en: 'activities', de: 'Aktivitäten' } });
  const purged = await db(em)
    .deleteFrom('activity')
    .where('id', '=', id)
    .where('deleted_at', 'is not', null)
    .returning('id')
    .executeTakeFirst();
  if (!purged) throw problem('not_in_trash', { noSuch: noSuch('activity'), id });
  await db(em).deleteFrom('record_link').where('item_type', '=', 'activity').where('item_id', '=', id).execute();
}

export async function activityHistory(
  em: EntityManager,
  principal: Principal,
  id: string,
  options: { limit: number; cursor?: string | undefined },
) {
  const visible = await visibleActivity(principal);
  const found = await db(em)
    .selectFrom('activity as a')
    .select('a.id')
    .where('a.id', '=', id)
    .where(visible)
    .executeTakeFirst();
  if (!found) throw problem('not_visible', { noSuch: noSuch('activity'), id });
  const before = decodeCursor(options.cursor, 2) as [string, string] | undefined;
  const items = await historyOf(em, 'activity', id, { limit: options.limit + 1, before });
  const hasMore = items.length > options.limit;
  const shown = hasMore ? items.slice(0, options.limit) : items;
  const last = shown.at(-1);
  return { items: shown, nextCursor: hasMore && last ? encodeCursor([last.changedAt, last.id]) : null };
}

// ---- lists -------------------------------------------------------------------------------

// The list reads activities (a) with their type (t); field references are checked against both.
const listed = expressionBuilder<{ a: Database['activity']; t: Database['activity_type'] }, 'a' | 't'>();

export const ACTIVITY_FILTER_FIELDS: Record<string, FilterField> = {
  typeId: { sql: listed.ref('a.type_id'), type: 'uuid' },
  typeKey: { sql: listed.ref('t.system_key'), type: 'text' },
  subject: { sql: listed.ref('a.subject'), type: 'text' },
  outcome: { sql: listed.ref('a.outcome'), type: 'text' },
  done: { sql: listed.ref('a.done'), type: 'boolean' },
  startsAt: { sql: listed.ref('a.starts_at'), type: 'datetime' },
  durationMinutes: { sql: listed.ref('a.duration_minutes'), type: 'number' },
  direction: { sql: listed.ref('a.direction'), type: 'text' },
  ownerId: { sql: listed.ref('a.owner_id'), type: 'uuid' },
  createdAt: { sql: listed.ref('a.created_at'), type: 'datetime' },
  updatedAt: { sql: listed.ref('a.updated_at'), type: 'datetime' },
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
  const visible = await visibleActivity(principal);
  const filter = options.filter
    ? filterCondition(options.filter, {
        fields: ACTIVITY_FILTER_FIELDS,
        customFields: [],
        customFieldsColumn: sql`'{}'::jsonb`,
        recordType: 'activity',
        idColumn: listed.ref('a.id'),
      })
    : undefined;
  const record = options.record;
  let matching = activitiesWithType(em)
    .where('a.tenant_id', '=', currentTenantId)
    .where('a.deleted_at', options.trash ? 'is not' : 'is', null)
    .where(visible)
    .$if(filter !== undefined, (query) => query.where(filter as Expression<SqlBool>))
    .$if(record !== undefined, (query) => query.where(linkedTo(record as RecordRef)));
  const total = options.count ? await cappedTotal(em, matching.select('a.id')) : {};
  const keyset = options.trash || options.sort === '-startsAt' || options.sort === 'startsAt';
  const key = options.trash ? 'a.deleted_at' : 'a.starts_at';
  const descending = options.trash || options.sort === '-startsAt';
  const after =
    keyset && options.offset === undefined
      ? (decodeCursor(options.cursor, 2) as [string, string] | undefined)
      : undefined;
  if (after) {
    matching = matching.where((eb) =>
      eb(eb.refTuple(key, 'a.id'), descending ? '<' : '>', eb.tuple(timestamp(after[0]), uuid(after[1]))),
    );
  }
  const direction = descending ? 'desc' : 'asc';
  const ordered = keyset
    ? matching.orderBy(key, direction).orderBy('a.id', direction)
    : matching.orderBy(
        sql.join(fieldSort(options.sort, { fields: ACTIVITY_FILTER_FIELDS, idColumn: listed.ref('a.id') })),
      );
  const skip = keyset ? (options.offset ?? 0) : windowStart(options);
  const rows = await ordered
    .select(ACTIVITY_COLUMNS)
    .limit(options.limit + 1)
    .offset(skip)
    .execute();
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
  const visible = await visibleActivity(principal);
  const rows = await db(em)
    .selectFrom('record_link as l')
    .innerJoin('activity as a', 'a.id', 'l.item_id')
    .innerJoin('activity_type as t', 't.id', 'a.type_id')
    .select(ACTIVITY_COLUMNS)
    .select((eb) => [
      sql<number>`count(*) over ()::int`.as('total'),
      sql<number>`(count(*) filter (where not ${eb.ref('a.done')}) over ())::int`.as('open'),
    ])
    .where('l.tenant_id', '=', currentTenantId)
    .where('l.record_type', '=', type)
    .where('l.record_id', '=', id)
    .where('l.item_type', '=', 'activity')
    .where('a.deleted_at', 'is', null)
    .where(visible)
    .orderBy('a.starts_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(5)
    .execute();
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
  const visible = await visibleActivity(principal);
  const { userId, record } = window;
  const rows = await selectActivities(em)
    .where('a.tenant_id', '=', currentTenantId)
    .where('a.deleted_at', 'is', null)
    .where('a.starts_at', '>=', timestamp(window.from))
    .where('a.starts_at', '<', timestamp(window.to))
    .where(visible)
    .$if(Boolean(userId), (query) => query.where('a.owner_id', '=', userId as string))
    .$if(Boolean(record), (query) => query.where(linkedTo(record as RecordRef)))
    .orderBy('a.starts_at')
    .orderBy('a.id')
    .limit(window.limit + 1)
    .execute();
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
