// Tenants, users, roles and teams: who a token belongs to, what they may see, and the
// administration of roles and teams.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { GLOBAL_ADMINISTRATOR_ROLE, type VerifiedToken } from '../../http/auth.ts';
import type { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal, Visibility } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { compileOnly, currentTenantId, db, statementShapes } from '../../records/sql.ts';
import { runTenantSetup } from '../../records/tenant-setup.ts';
import { Team, TeamMember } from './team.entity.ts';
import { Tenant } from './tenant.entity.ts';
import { ROLES, type Role, User } from './user.entity.ts';

/** App roles of the CRM's app registration, as Entra puts them in `roles`, and the CRM role each grants. */
const APP_ROLE_TO_ROLE: Record<string, Role> = {
  'CRM.Admin': 'admin',
  'CRM.SalesManager': 'sales_manager',
  'CRM.SalesRep': 'sales_rep',
  'CRM.InsideSales': 'inside_sales',
};

/** Record kinds everyone in the tenant sees: the shared address book. */
const SHARED_KINDS = new Set(['person', 'organization', 'business_contact']);

const LAST_SEEN_RESOLUTION_MS = 10 * 60 * 1000;

/** The CRM roles the app role assignments of a user grant, in canonical order. */
export function appRolesToRoles(appRoles: readonly string[]): Role[] {
  const granted = new Set(appRoles.flatMap((appRole) => APP_ROLE_TO_ROLE[appRole] ?? []));
  return ROLES.filter((role) => granted.has(role));
}

export function languageOf(tag: string | undefined, fallback: 'de' | 'en'): 'de' | 'en' {
  if (!tag) return fallback;
  const primary = tag.toLowerCase().split(/[-_]/)[0];
  return primary === 'en' ? 'en' : primary === 'de' ? 'de' : fallback;
}

function tenantNotSetUp(): AppError {
  return problem('tenant_not_set_up');
}

type PrincipalRow = NonNullable<Awaited<ReturnType<typeof principalRow>>>;

/**
 * The principal behind a verified token, inside the tenant's transaction. A tenant is set up by
 * the first sign-in of one of its Global Administrators; users are created on first sign-in and
 * their name, email and language kept current from the token. One query on the usual path.
 *
 * A front end opens with a burst of requests, each in its own transaction, so every write here
 * is one statement that concurrent requests may repeat: the tenant and the user are inserted
 * unless present, and the user row is changed only where it still differs (a request that waited
 * for another's change finds nothing left to do).
 */
export async function resolvePrincipal(em: EntityManager, token: VerifiedToken): Promise<Principal> {
  const row = await principalRow(em, token);
  if (token.kind === 'app') {
    if (!row) throw tenantNotSetUp();
    return makePrincipal(em, {
      kind: 'app',
      tenantId: token.tenantId,
      tenantName: row.tenant_name,
      objectId: token.objectId,
      roles: [],
      language: 'de',
    });
  }
  const email = token.username.toLowerCase();
  const now = new Date();
  if (row?.user_id) {
    if (!row.active) throw problem('account_deactivated');
    const profile = {
      displayName: token.name || row.display_name || email,
      email: email || row.email || '',
      language: languageOf(token.language, row.language === 'en' ? 'en' : 'de'),
    };
    await keepUserCurrent(em, row.user_id, row, profile, now);
    return makePrincipal(em, {
      kind: 'user',
      tenantId: token.tenantId,
      tenantName: row.tenant_name,
      userId: row.user_id,
      objectId: token.objectId,
      ...profile,
      jobTitle: row.job_title,
      roles: row.roles ?? [],
      language: profile.language,
    });
  }

  const settingUp = !row;
  if (settingUp && !token.directoryRoles.includes(GLOBAL_ADMINISTRATOR_ROLE)) throw tenantNotSetUp();
  const tenantName = row?.tenant_name ?? token.username.split('@')[1] ?? token.tenantId;
  // Of several first requests of the administrator, one sets the organisation up; the others
  // wait for it here and find it done.
  if (settingUp && (await insertTenantUnlessPresent(em, token, tenantName))) {
    await runTenantSetup(em, token.tenantId);
  }
  const tenantLanguage = row ? (row.default_language === 'en' ? 'en' : 'de') : languageOf(token.language, 'de');
  const tokenRoles = appRolesToRoles(token.appRoles);
  // The administrator who sets the organisation up administers the CRM too.
  const roles = new Set<Role>(tokenRoles.length > 0 ? tokenRoles : settingUp ? ['admin'] : ['sales_rep']);
  if (settingUp) roles.add('admin');
  const user = await em.upsert(
    User,
    {
      tenant: em.getReference(Tenant, token.tenantId),
      entraObjectId: token.objectId,
      email,
      displayName: token.name || email,
      language: languageOf(token.language, tenantLanguage),
      roles: ROLES.filter((role) => roles.has(role)),
      lastSeenAt: now,
    },
    { onConflictFields: ['tenant', 'entraObjectId'], onConflictAction: 'ignore' },
  );
  return makePrincipal(em, {
    kind: 'user',
    tenantId: token.tenantId,
    tenantName,
    userId: user.id,
    objectId: token.objectId,
    displayName: user.displayName,
    email: user.email,
    jobTitle: user.jobTitle ?? null,
    roles: user.roles,
    language: user.language === 'en' ? 'en' : 'de',
  });
}

/**
 * The tenant and the signed-in user's row, read on every request: compiled once, run with the
 * token's tenant and object id.
 */
const principalRows = statementShapes(['tenantId', 'objectId'], (values: { tenantId: string; objectId: string }) =>
  compileOnly
    .selectFrom('tenant as t')
    .leftJoin('app_user as u', (join) =>
      join.onRef('u.tenant_id', '=', 't.id').on('u.entra_object_id', '=', values.objectId),
    )
    .select([
      't.name as tenant_name',
      't.default_language',
      'u.id as user_id',
      'u.display_name',
      'u.email',
      'u.job_title',
      'u.language',
      'u.roles',
      'u.active',
      'u.last_seen_at',
    ])
    .where('t.id', '=', values.tenantId),
);

async function principalRow(em: EntityManager, token: VerifiedToken) {
  const [row] = await principalRows(em, 'by token', { tenantId: token.tenantId, objectId: token.objectId });
  return row;
}

/** Inserts the token's tenant; false when it was there already (set up by a request beside this one). */
async function insertTenantUnlessPresent(em: EntityManager, token: VerifiedToken, name: string): Promise<boolean> {
  const inserted = await em
    .createQueryBuilder(Tenant)
    .insert({
      id: token.tenantId,
      name,
      defaultLanguage: languageOf(token.kind === 'user' ? token.language : undefined, 'de'),
      setUpBy: token.objectId,
    })
    .onConflict('id')
    .ignore()
    .execute('run');
  return inserted.affectedRows > 0;
}

/**
 * Takes a changed name, email or language from the token and notes when the user was last seen,
 * at most every LAST_SEEN_RESOLUTION_MS. One statement, guarded by what it changes, needing no
 * version (the ORM still counts it up, as for every change of the row).
 */
async function keepUserCurrent(
  em: EntityManager,
  userId: string,
  row: PrincipalRow,
  profile: { displayName: string; email: string; language: 'de' | 'en' },
  now: Date,
): Promise<void> {
  const changed =
    row.display_name !== profile.displayName || row.email !== profile.email || row.language !== profile.language;
  if (changed) {
    await em.nativeUpdate(
      User,
      {
        id: userId,
        $or: [
          { displayName: { $ne: profile.displayName } },
          { email: { $ne: profile.email } },
          { language: { $ne: profile.language } },
        ],
      },
      { ...profile, lastSeenAt: now, updatedAt: now },
    );
    return;
  }
  const seenBefore = new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS);
  if (row.last_seen_at && new Date(row.last_seen_at) >= seenBefore) return;
  await em.nativeUpdate(
    User,
    { id: userId, $or: [{ lastSeenAt: null }, { lastSeenAt: { $lt: seenBefore } }] },
    { lastSeenAt: now, updatedAt: now },
  );
}

function makePrincipal(
  em: EntityManager,
  base: {
    kind: 'user' | 'app';
    tenantId: string;
    tenantName: string;
    userId?: string;
    objectId: string;
    displayName?: string;
    email?: string;
    jobTitle?: string | null;
    roles: Role[];
    language: 'de' | 'en';
  },
): Principal {
  const roles = new Set(base.roles);
  let managedMembers: Promise<string[]> | undefined;
  const cache = new Map<string, Promise<Visibility>>();
  const compute = async (recordKind: string): Promise<Visibility> => {
    if (base.kind === 'app' || roles.has('admin') || SHARED_KINDS.has(recordKind)) return { scope: 'all' };
    if (recordKind === 'lead' && roles.has('inside_sales')) return { scope: 'all' };
    const userId = base.userId as string;
    if (roles.has('sales_manager')) {
      managedMembers ??= teamMembersManagedBy(em, userId);
      return { scope: 'owners', ownerIds: [...new Set([userId, ...(await managedMembers)])] };
    }
    return { scope: 'owners', ownerIds: [userId] };
  };
  return {
    kind: base.kind,
    tenantId: base.tenantId,
    tenantName: base.tenantName,
    userId: base.userId,
    displayName: base.displayName ?? '',
    email: base.email ?? '',
    jobTitle: base.jobTitle ?? null,
    objectId: base.objectId,
    roles,
    language: base.language,
    visibility(recordKind) {
      let visibility = cache.get(recordKind);
      if (!visibility) {
        visibility = compute(recordKind);
        cache.set(recordKind, visibility);
      }
      return visibility;
    },
  };
}

/** The members of the teams a manager leads: asked for a manager's every request that reads records. */
const membersOfManagedTeams = statementShapes(['managerId'], (values: { managerId: string }) =>
  compileOnly
    .selectFrom('team_member as m')
    .innerJoin('team as t', 't.id', 'm.team_id')
    .select('m.user_id')
    .distinct()
    .where('t.tenant_id', '=', currentTenantId)
    .where('t.manager_id', '=', values.managerId),
);

async function teamMembersManagedBy(em: EntityManager, managerId: string): Promise<string[]> {
  const rows = await membersOfManagedTeams(em, 'of manager', { managerId });
  return rows.map((row) => row.user_id);
}

// ---- what /me shows ---------------------------------------------------------------------

export interface MyTeam {
  id: string;
  name: string;
  membership: 'manager' | 'member' | 'manager_and_member';
}

/** The teams a user leads or belongs to, with how: read by every `GET /me`. */
const teamRows = statementShapes(['userId'], (values: { userId: string }) =>
  compileOnly
    .selectFrom((eb) =>
      eb
        .selectFrom('team')
        .select(['id as team_id', sql<boolean>`true`.as('is_manager')])
        .where('tenant_id', '=', currentTenantId)
        .where('manager_id', '=', values.userId)
        .unionAll(
          eb
            .selectFrom('team_member')
            .select(['team_id', sql<boolean>`false`.as('is_manager')])
            .where('tenant_id', '=', currentTenantId)
            .where('user_id', '=', values.userId),
        )
        .as('x'),
    )
    .innerJoin('team as t', 't.id', 'x.team_id')
    .select([
      't.id',
      't.name',
      sql<boolean>`bool_or(x.is_manager)`.as('is_manager'),
      sql<boolean>`bool_or(not x.is_manager)`.as('is_member'),
    ])
    .groupBy(['t.id', 't.name'])
    .orderBy('t.name'),
);

export async function teamsOf(em: EntityManager, userId: string): Promise<MyTeam[]> {
  const rows = await teamRows(em, 'of user', { userId });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    membership: row.is_manager && row.is_member ? 'manager_and_member' : row.is_manager ? 'manager' : 'member',
  }));
}

// ---- user administration ----------------------------------------------------------------

export async function listUsers(
  em: EntityManager,
  options: { limit: number; cursor?: string | undefined; q?: string | undefined },
): Promise<{ items: User[]; nextCursor: string | null }> {
  const after = decodeCursor(options.cursor, 2) as [string, string] | undefined;
  const where: Record<string, unknown>[] = [];
  if (options.q) {
    const pattern = `%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push({ $or: [{ displayName: { $ilike: pattern } }, { email: { $ilike: pattern } }] });
  }
  if (after) {
    where.push({ $or: [{ displayName: { $gt: after[0] } }, { displayName: after[0], id: { $gt: after[1] } }] });
  }
  const items = await em.find(User, where.length > 0 ? { $and: where } : {}, {
    orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
    limit: options.limit + 1,
  });
  const hasMore = items.length > options.limit;
  const page = hasMore ? items.slice(0, options.limit) : items;
  const last = page.at(-1);
  return { items: page, nextCursor: hasMore && last ? encodeCursor([last.displayName, last.id]) : null };
}

/** The organisation's active users whose name or email holds `q`, by name: what any signed-in user may pick. */
export async function pickUsers(
  em: EntityManager,
  options: { q?: string | undefined; limit: number },
): Promise<{ id: string; displayName: string; email: string }[]> {
  const where: Record<string, unknown>[] = [{ active: true }];
  if (options.q) {
    const pattern = `%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push({ $or: [{ displayName: { $ilike: pattern } }, { email: { $ilike: pattern } }] });
  }
  const users = await em.find(
    User,
    { $and: where },
    {
      orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
      limit: options.limit,
      fields: ['id', 'displayName', 'email'],
    },
  );
  return users.map((user) => ({ id: user.id, displayName: user.displayName, email: user.email }));
}

export async function getUser(em: EntityManager, id: string): Promise<User> {
  const user = await em.findOne(User, { id });
  if (!user) throw problem('not_found', { noSuch: noSuch('user'), id });
  return user;
}

export async function updateUser(
  em: EntityManager,
  actor: Principal,
  id: string,
  change: { roles?: Role[] | undefined; active?: boolean | undefined },
  expectedVersion: number | undefined,
): Promise<User> {
  const user = await getUser(em, id);
  checkVersion(user, expectedVersion, named('user', user.displayName));
  const losesAdmin =
    user.roles.includes('admin') &&
    ((change.roles !== undefined && !change.roles.includes('admin')) || change.active === false);
  if (losesAdmin) {
    const admins = await em.count(User, { roles: { $contains: ['admin'] }, active: true, id: { $ne: user.id } });
    if (admins === 0) {
      throw problem('last_admin', { name: user.displayName });
    }
  }
  if (change.active === false && user.id === actor.userId) {
    throw problem('cannot_deactivate_self');
  }
  if (change.roles) user.roles = ROLES.filter((role) => change.roles?.includes(role));
  if (change.active !== undefined) user.active = change.active;
  await em.flush();
  return user;
}

// ---- teams ------------------------------------------------------------------------------

export interface TeamView {
  id: string;
  name: string;
  managerId: string | null;
  memberIds: string[];
  version: number;
}

export async function listTeams(em: EntityManager): Promise<TeamView[]> {
  const teams = await em.find(Team, {}, { orderBy: { name: 'asc', id: 'asc' } });
  const members = await em.find(TeamMember, { team: { $in: teams.map((team) => team.id) } });
  return teams.map((team) => toTeamView(team, members));
}

function toTeamView(team: Team, members: TeamMember[]): TeamView {
  return {
    id: team.id,
    name: team.name,
    managerId: team.manager?.id ?? null,
    memberIds: members
      .filter((member) => member.team.id === team.id)
      .map((member) => member.user.id)
      .sort(),
    version: team.version,
  };
}

export async function getTeam(em: EntityManager, id: string): Promise<TeamView> {
  const team = await em.findOne(Team, { id });
  if (!team) throw problem('not_found', { noSuch: noSuch('team'), id });
  const members = await em.find(TeamMember, { team: team.id });
  return toTeamView(team, members);
}

async function requireUsers(em: EntityManager, ids: readonly string[], pointer: string): Promise<User[]> {
  const unique = [...new Set(ids)];
  const users = await em.find(User, { id: { $in: unique } });
  const missing = unique.filter((id) => !users.some((user) => user.id === id));
  if (missing.length > 0) {
    throw problem('unknown_users', { ids: missing }, { at: { pointer } });
  }
  return users;
}

function duplicateTeamName(name: string): AppError {
  return problem('duplicate_team_name', { name }, { at: { pointer: '#/name' } });
}

async function ensureNameFree(em: EntityManager, name: string, exceptId?: string): Promise<void> {
  const clash = await db(em)
    .selectFrom('team')
    .select('id')
    .where('tenant_id', '=', (eb) => eb.fn<string>('crm_current_tenant'))
    .where((eb) => eb(eb.fn('lower', ['name']), '=', eb.fn('lower', [eb.val(name)])))
    .where('id', '<>', exceptId ?? '00000000-0000-0000-0000-000000000000')
    .execute();
  if (clash.length > 0) throw duplicateTeamName(name);
}

export async function createTeam(
  em: EntityManager,
  tenantId: string,
  input: { name: string; managerId?: string | null | undefined; memberIds?: string[] | undefined },
): Promise<TeamView> {
  await ensureNameFree(em, input.name);
  if (input.managerId) await requireUsers(em, [input.managerId], '#/managerId');
  const members = input.memberIds ? await requireUsers(em, input.memberIds, '#/memberIds') : [];
  const team = em.create(Team, {
    tenant: em.getReference(Tenant, tenantId),
    name: input.name,
    manager: input.managerId ? em.getReference(User, input.managerId) : null,
  });
  for (const user of members) em.create(TeamMember, { tenant: em.getReference(Tenant, tenantId), team, user });
  await em.flush();
  return getTeam(em, team.id);
}

export async function updateTeam(
  em: EntityManager,
  id: string,
  change: { name?: string | undefined; managerId?: string | null | undefined },
  expectedVersion: number | undefined,
): Promise<TeamView> {
  const team = await em.findOne(Team, { id });
  if (!team) throw problem('not_found', { noSuch: noSuch('team'), id });
  checkVersion(team, expectedVersion, named('team', team.name));
  if (change.name !== undefined && change.name !== team.name) {
    await ensureNameFree(em, change.name, team.id);
    team.name = change.name;
  }
  if (change.managerId !== undefined) {
    if (change.managerId) await requireUsers(em, [change.managerId], '#/managerId');
    team.manager = change.managerId ? em.getReference(User, change.managerId) : null;
  }
  await em.flush();
  return getTeam(em, team.id);
}

export async function setTeamMembers(
  em: EntityManager,
  tenantId: string,
  id: string,
  memberIds: string[],
  expectedVersion: number | undefined,
): Promise<TeamView> {
  const team = await em.findOne(Team, { id });
  if (!team) throw problem('not_found', { noSuch: noSuch('team'), id });
  checkVersion(team, expectedVersion, named('team', team.name));
  const users = await requireUsers(em, memberIds, '#/memberIds');
  await em.nativeDelete(TeamMember, { team: team.id });
  for (const user of users) em.create(TeamMember, { tenant: em.getReference(Tenant, tenantId), team, user });
  // Membership is part of the team: its version moves with it.
  team.updatedAt = new Date();
  await em.flush();
  return getTeam(em, team.id);
}

export async function deleteTeam(em: EntityManager, id: string, expectedVersion: number | undefined): Promise<void> {
  const team = await em.findOne(Team, { id });
  if (!team) throw problem('not_found', { noSuch: noSuch('team'), id });
  checkVersion(team, expectedVersion, named('team', team.name));
  await em.nativeDelete(TeamMember, { team: team.id });
  em.remove(team);
  await em.flush();
}
