// Absences with a substitute (T2): while a user is away, their open tasks and every task newly
// assigned to them go to the substitute; both see why (the task's substitution). Handing over
// is set-based and idempotent, so the periodic job may run it as often as it likes.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, type ExpressionBuilder, type InferResult, type Selectable, type SqlBool, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem, type UserRole } from '../../http/problems.ts';
import type { Snapshot } from '../../records/history.ts';
import { currentTenantId, type Database, db } from '../../records/sql.ts';
import { Tenant } from '../identity/tenant.entity.ts';
import { notify } from '../notifications/outbox.ts';
import { Absence } from './task.entity.ts';
import { afterSetBasedChange, inactiveUser, isOpen, iso, type MovedTask, requireActiveUser } from './task-access.ts';
import type { AbsenceView, CreateAbsence, UpdateAbsence } from './tasks.schemas.ts';

// ---- who does a task now ----------------------------------------------------------------

export interface Assignment {
  assigneeId: string;
  /** Set when the user is away and the task goes to their substitute. */
  substitution: { forUserId: string; absenceId: string; until: string } | null;
}

type AbsenceExpressions = ExpressionBuilder<Database & { x: Database['absence'] }, 'x'>;

/** The absence `x` is under way: begun, not over, not returned from. */
const underWay = (eb: AbsenceExpressions) =>
  eb.and([
    eb('x.deleted_at', 'is', null),
    eb('x.returned_at', 'is', null),
    eb('x.starts_at', '<=', sql<Date>`now()`),
    eb('x.ends_at', '>', sql<Date>`now()`),
  ]);

/** The substitute of the absence `x` is an active user. */
const activeSubstitute = (eb: AbsenceExpressions): Expression<SqlBool> =>
  eb.exists(
    eb
      .selectFrom('app_user as s')
      .select(sql<number>`1`.as('one'))
      .whereRef('s.id', '=', 'x.substitute_id')
      .where('s.active', '=', true),
  );

async function assignmentRow(em: EntityManager, userId: string) {
  return db(em)
    .selectFrom('app_user as u')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('absence as x')
          .innerJoin('app_user as s', (join) => join.onRef('s.id', '=', 'x.substitute_id').on('s.active', '=', true))
          .select(['x.id', 'x.substitute_id', 'x.ends_at'])
          .where('x.tenant_id', '=', currentTenantId)
          .whereRef('x.user_id', '=', 'u.id')
          .where(underWay)
          .orderBy('x.starts_at', 'desc')
          .limit(1)
          .as('a'),
      (join) => join.onTrue(),
    )
    .select(['u.active', 'a.id as absence_id', 'a.substitute_id', 'a.ends_at'])
    .where('u.id', '=', userId)
    .where('u.tenant_id', '=', currentTenantId)
    .executeTakeFirst();
}

/**
 * Whom a task for `userId` goes to: the user, or their substitute while they are away. A user
 * of another organisation or a deactivated one answers 422 with the pointer given.
 */
export async function assignmentFor(
  em: EntityManager,
  userId: string,
  pointer: string,
  role: UserRole = 'assignee',
): Promise<Assignment> {
  const row = await assignmentRow(em, userId);
  if (!row?.active) throw inactiveUser(userId, pointer, role, Boolean(row));
  return toAssignment(userId, row);
}

/** Like assignmentFor, but a deactivated user keeps the task (returning a task to its delegator). */
export async function assignmentBackTo(em: EntityManager, userId: string): Promise<Assignment> {
  const row = await assignmentRow(em, userId);
  return row?.active ? toAssignment(userId, row) : { assigneeId: userId, substitution: null };
}

function toAssignment(
  userId: string,
  row: { absence_id: string | null; substitute_id: string | null; ends_at: Date | string | null },
): Assignment {
  if (!row.absence_id || !row.substitute_id) return { assigneeId: userId, substitution: null };
  return {
    assigneeId: row.substitute_id,
    substitution: { forUserId: userId, absenceId: row.absence_id, until: iso(row.ends_at) as string },
  };
}

// ---- hand-over ----------------------------------------------------------------------------

type TaskColumns = Selectable<Database['task']>;

/** A task a set-based statement moved, as its RETURNING names it: who had it and who has it now. */
type MovedRow = Omit<MovedTask, 'before' | 'after'> & {
  absence_id: TaskColumns['substitution_absence_id'];
  from_user: TaskColumns['assignee_id'];
  to_user: TaskColumns['assignee_id'];
  old_substituted_for: TaskColumns['substituted_for'];
  old_absence_id: TaskColumns['substitution_absence_id'];
  new_substituted_for: TaskColumns['substituted_for'];
  new_absence_id: TaskColumns['substitution_absence_id'];
  until: Date | string | null;
};

/** The columns of a moved task `t` that its change event tells. */
const MOVED_TASK = ['t.id', 't.title', 't.team_id', 't.status', 't.due_at', 't.remind_at'] as const;

function movedTask(row: MovedRow): MovedTask {
  const before: Snapshot = {
    assigneeId: row.from_user,
    substitutedFor: row.old_substituted_for,
    substitutionAbsenceId: row.old_absence_id,
  };
  const after: Snapshot = {
    assigneeId: row.to_user,
    substitutedFor: row.new_substituted_for,
    substitutionAbsenceId: row.new_absence_id,
  };
  return { ...row, before, after };
}

function substitutedNotices(rows: readonly MovedRow[]) {
  // Every moved task went to someone: the substitute, or back to the absent user.
  return rows.map((row) => ({
    recipientId: row.to_user as string,
    kind: 'task.substituted' as const,
    payload: {
      taskId: row.id,
      title: row.title,
      dueAt: iso(row.due_at),
      forUserId: row.new_substituted_for,
      absenceId: row.absence_id,
      until: iso(row.until),
    },
    idempotencyKey: `task.substituted:${row.id}:${row.absence_id}:${row.to_user}`,
  }));
}

/**
 * Hands the open tasks of every absent user of the current tenant to their substitute: each
 * absence that has begun, is not over and has not been handed over yet is claimed (so two
 * runs at once hand over once), its user's open tasks move in one statement, with history,
 * change events, a `task.substituted` notification per task and one `absence.handover` per
 * absence for the substitute. Runs in the caller's tenant transaction; safe to repeat.
 */
export async function handOverStartedAbsences(em: EntityManager): Promise<{ absences: number; tasks: number }> {
  const result = await db(em)
    .with('claimed', (qb) =>
      qb
        .updateTable('absence as x')
        .set({ handed_over_at: sql<Date>`now()` })
        .where('x.tenant_id', '=', currentTenantId)
        .where(underWay)
        .where('x.handed_over_at', 'is', null)
        .where(activeSubstitute)
        .returning(['x.id', 'x.user_id', 'x.substitute_id', 'x.ends_at']),
    )
    .with('moved', (qb) =>
      qb
        .updateTable('task as t')
        .from(['claimed as c', 'task as old'])
        .set((eb) => ({
          assignee_id: eb.ref('c.substitute_id'),
          substituted_for: eb.ref('c.user_id'),
          substitution_absence_id: eb.ref('c.id'),
          version: eb('t.version', '+', 1),
          updated_at: sql<Date>`now()`,
        }))
        .whereRef('old.id', '=', 't.id')
        .where('t.tenant_id', '=', currentTenantId)
        .whereRef('t.assignee_id', '=', 'c.user_id')
        .where('t.deleted_at', 'is', null)
        .where((eb) => isOpen(eb.ref('t.status')))
        .returning(MOVED_TASK)
        .returning([
          'c.id as absence_id',
          'c.user_id as from_user',
          'c.substitute_id as to_user',
          'old.substituted_for as old_substituted_for',
          'old.substitution_absence_id as old_absence_id',
          'c.user_id as new_substituted_for',
          'c.id as new_absence_id',
          'c.ends_at as until',
        ]),
    )
    .selectNoFrom((eb) => [
      jsonArrayFrom(eb.selectFrom('claimed as c').selectAll('c')).as('absences'),
      jsonArrayFrom(eb.selectFrom('moved as m').selectAll('m')).as('tasks'),
    ])
    .executeTakeFirst();
  const absences = result?.absences ?? [];
  const tasks = result?.tasks ?? [];
  if (absences.length === 0) return { absences: 0, tasks: 0 };
  await afterSetBasedChange(em, null, tasks.map(movedTask));
  await notify(em, [
    ...substitutedNotices(tasks),
    ...absences.map((absence) => ({
      recipientId: absence.substitute_id,
      kind: 'absence.handover' as const,
      payload: {
        absenceId: absence.id,
        forUserId: absence.user_id,
        until: iso(absence.ends_at),
        taskCount: tasks.filter((task) => task.absence_id === absence.id).length,
      },
      idempotencyKey: `absence.handover:${absence.id}:${absence.substitute_id}`,
    })),
  ]);
  return { absences: absences.length, tasks: tasks.length };
}

/**
 * The tenants with an absence to hand over now, for the periodic job to visit each with
 * handOverStartedAbsences. Runs outside any tenant transaction, as the schema owner (under
 * row-level security it would see the current tenant only); one probe of a small partial index.
 */
export async function tenantsWithAbsencesToHandOver(em: EntityManager): Promise<string[]> {
  const rows = await db(em)
    .selectFrom('absence as x')
    .select('x.tenant_id')
    .distinct()
    .where(underWay)
    .where('x.handed_over_at', 'is', null)
    .where(activeSubstitute)
    .execute();
  return rows.map((row) => row.tenant_id);
}

/**
 * An update of open tasks that are not in the trash, each beside its row as it was (`old`), so
 * that RETURNING tells who had the task before (MOVED_COLUMNS).
 */
const openTasksBeside = (em: EntityManager) =>
  db(em)
    .updateTable('task as t')
    .from('task as old')
    .whereRef('old.id', '=', 't.id')
    .where('t.deleted_at', 'is', null)
    .where((eb) => isOpen(eb.ref('t.status')));

/** What a set-based move of tasks returns for history, events and notices, besides the absence. */
const MOVED_COLUMNS = [
  ...MOVED_TASK,
  'old.assignee_id as from_user',
  't.assignee_id as to_user',
  'old.substituted_for as old_substituted_for',
  'old.substitution_absence_id as old_absence_id',
] as const;

/** Moves the open tasks an absence handed to `fromUser` on to `toUser` (the substitute changed). */
async function moveSubstitutedTasks(
  em: EntityManager,
  principal: Principal,
  absence: Absence,
  fromUser: string,
): Promise<number> {
  const tasks = await openTasksBeside(em)
    .set((eb) => ({
      assignee_id: absence.substituteId,
      version: eb('t.version', '+', 1),
      updated_at: sql<Date>`now()`,
      updated_by: principal.userId ?? null,
    }))
    .where('t.substitution_absence_id', '=', absence.id)
    .where('t.assignee_id', '=', fromUser)
    .returning(MOVED_COLUMNS)
    .returning([
      't.substitution_absence_id as absence_id',
      't.substituted_for as new_substituted_for',
      't.substitution_absence_id as new_absence_id',
      sql<string>`${absence.endsAt.toISOString()}::timestamptz`.as('until'),
    ])
    .execute();
  await afterSetBasedChange(em, principal.userId ?? null, tasks.map(movedTask));
  await notify(em, [
    ...substitutedNotices(tasks),
    {
      recipientId: absence.substituteId,
      kind: 'absence.handover',
      payload: {
        absenceId: absence.id,
        forUserId: absence.userId,
        until: absence.endsAt.toISOString(),
        taskCount: tasks.length,
      },
      idempotencyKey: `absence.handover:${absence.id}:${absence.substituteId}`,
    },
  ]);
  return tasks.length;
}

// ---- absences -----------------------------------------------------------------------------

/** Absences with whether they are under way. */
const selectAbsences = (em: EntityManager) =>
  db(em)
    .selectFrom('absence as x')
    .selectAll('x')
    .select((eb) => underWay(eb).$castTo<boolean>().as('active'));

type AbsenceRow = InferResult<ReturnType<typeof selectAbsences>>[number];

function absenceView(row: AbsenceRow): AbsenceView {
  return {
    id: row.id,
    userId: row.user_id,
    substituteId: row.substitute_id,
    from: iso(row.starts_at) as string,
    to: iso(row.ends_at) as string,
    note: row.note,
    active: row.active,
    handedOverAt: iso(row.handed_over_at),
    returnedAt: iso(row.returned_at),
    version: row.version,
    createdAt: iso(row.created_at) as string,
    createdBy: row.created_by,
    updatedAt: iso(row.updated_at) as string,
  };
}

export async function getAbsenceView(em: EntityManager, id: string): Promise<AbsenceView> {
  const row = await selectAbsences(em).where('x.id', '=', id).where('x.deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw problem('not_found', { noSuch: noSuch('absence'), id });
  return absenceView(row);
}

/** The user whose absences an admin manages: 404 unless they are of the admin's organisation. */
export async function requireUserOfTenant(em: EntityManager, userId: string): Promise<void> {
  const user = await db(em)
    .selectFrom('app_user')
    .select('id')
    .where('id', '=', userId)
    .where('tenant_id', '=', currentTenantId)
    .executeTakeFirst();
  if (!user) throw problem('not_found', { noSuch: noSuch('user'), id: userId });
}

export async function listAbsences(
  em: EntityManager,
  userId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ items: AbsenceView[]; nextCursor: string | null }> {
  const after = decodeCursor(options.cursor, 2) as [string, string] | undefined;
  const rows = await selectAbsences(em)
    .where('x.tenant_id', '=', currentTenantId)
    .where('x.user_id', '=', userId)
    .where('x.deleted_at', 'is', null)
    .$if(after !== undefined, (query) =>
      query.where((eb) =>
        eb(
          eb.refTuple('x.ends_at', 'x.id'),
          '<',
          eb.tuple(sql<Date>`${after?.[0]}::timestamptz`, sql<string>`${after?.[1]}::uuid`),
        ),
      ),
    )
    .orderBy('x.ends_at', 'desc')
    .orderBy('x.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const hasMore = rows.length > options.limit;
  const shown = hasMore ? rows.slice(0, options.limit) : rows;
  const last = shown.at(-1);
  return {
    items: shown.map(absenceView),
    nextCursor: hasMore && last ? encodeCursor([iso(last.ends_at), last.id]) : null,
  };
}

async function checkSubstitute(em: EntityManager, userId: string, substituteId: string): Promise<void> {
  if (substituteId === userId) {
    throw problem('substitute_is_self', {}, { at: { pointer: '#/substituteId' } });
  }
  await requireActiveUser(em, substituteId, '#/substituteId', 'substitute');
}

async function checkNoOverlap(
  em: EntityManager,
  absence: { userId: string; startsAt: Date; endsAt: Date; id?: string },
): Promise<void> {
  const clash = await db(em)
    .selectFrom('absence as x')
    .select(['x.id', 'x.starts_at', 'x.ends_at'])
    .where('x.tenant_id', '=', currentTenantId)
    .where('x.user_id', '=', absence.userId)
    .where('x.deleted_at', 'is', null)
    .where('x.returned_at', 'is', null)
    .where('x.starts_at', '<', sql<Date>`${absence.endsAt.toISOString()}::timestamptz`)
    .where('x.ends_at', '>', sql<Date>`${absence.startsAt.toISOString()}::timestamptz`)
    .where('x.id', '<>', sql<string>`${absence.id ?? '00000000-0000-0000-0000-000000000000'}::uuid`)
    .limit(1)
    .executeTakeFirst();
  if (clash) {
    throw problem(
      'absence_overlaps',
      { from: iso(clash.starts_at) ?? '', to: iso(clash.ends_at) ?? '' },
      { extensions: { absenceId: clash.id } },
    );
  }
}

export async function createAbsence(
  em: EntityManager,
  principal: Principal,
  userId: string,
  input: CreateAbsence,
): Promise<AbsenceView> {
  await checkSubstitute(em, userId, input.substituteId);
  const startsAt = new Date(input.from);
  const endsAt = new Date(input.to);
  await checkNoOverlap(em, { userId, startsAt, endsAt });
  const absence = em.create(Absence, {
    tenant: em.getReference(Tenant, principal.tenantId),
    userId,
    substituteId: input.substituteId,
    startsAt,
    endsAt,
    note: input.note ?? null,
    createdBy: principal.userId ?? null,
    updatedBy: principal.userId ?? null,
  });
  await em.flush();
  // An absence that has already begun hands over at once, not at the job's next run.
  await handOverStartedAbsences(em);
  return getAbsenceView(em, absence.id);
}

async function findAbsence(em: EntityManager, userId: string, id: string): Promise<Absence> {
  const absence = await em.findOne(Absence, { id, userId });
  if (!absence) throw problem('absence_not_found', { id });
  return absence;
}

async function hasBegun(em: EntityManager, absence: Absence): Promise<{ begun: boolean; over: boolean }> {
  const row = await db(em)
    .selectFrom('absence')
    .select((eb) => [
      eb('starts_at', '<=', sql<Date>`now()`).$castTo<boolean>().as('begun'),
      eb('ends_at', '<=', sql<Date>`now()`).$castTo<boolean>().as('over'),
    ])
    .where('id', '=', absence.id)
    .executeTakeFirst();
  return row ?? { begun: false, over: false };
}

function absenceOver(): AppError {
  return problem('absence_over');
}

export async function updateAbsence(
  em: EntityManager,
  principal: Principal,
  userId: string,
  id: string,
  patch: UpdateAbsence,
  expectedVersion: number | undefined,
): Promise<AbsenceView> {
  const absence = await findAbsence(em, userId, id);
  checkVersion(absence, expectedVersion, named('absence'));
  if (absence.returnedAt) throw absenceOver();
  const { begun } = await hasBegun(em, absence);
  const startsAt = patch.from !== undefined ? new Date(patch.from) : absence.startsAt;
  const endsAt = patch.to !== undefined ? new Date(patch.to) : absence.endsAt;
  if (begun && startsAt.getTime() !== absence.startsAt.getTime()) {
    throw problem('absence_begun', {}, { at: { pointer: '#/from' } });
  }
  if (endsAt <= startsAt) {
    throw problem(
      'absence_ends_before_start',
      { startsAt: startsAt.toISOString() },
      { at: { pointer: patch.to !== undefined ? '#/to' : '#/from' } },
    );
  }
  if (patch.substituteId !== undefined) await checkSubstitute(em, userId, patch.substituteId);
  await checkNoOverlap(em, { userId, startsAt, endsAt, id });
  const previousSubstitute = absence.substituteId;
  absence.startsAt = startsAt;
  absence.endsAt = endsAt;
  if (patch.substituteId !== undefined) absence.substituteId = patch.substituteId;
  if (patch.note !== undefined) absence.note = patch.note;
  absence.updatedBy = principal.userId ?? null;
  await em.flush();
  if (absence.handedOverAt && previousSubstitute !== absence.substituteId) {
    await moveSubstitutedTasks(em, principal, absence, previousSubstitute);
  }
  await handOverStartedAbsences(em);
  return getAbsenceView(em, absence.id);
}

/** Deletes an absence that has not begun (or is over); one under way is ended by returning. */
export async function deleteAbsence(
  em: EntityManager,
  principal: Principal,
  userId: string,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const absence = await findAbsence(em, userId, id);
  checkVersion(absence, expectedVersion, named('absence'));
  const { begun, over } = await hasBegun(em, absence);
  if (begun && !over && !absence.returnedAt) {
    throw problem('absence_under_way');
  }
  absence.deletedAt = new Date();
  absence.deletedBy = principal.userId ?? null;
  await em.flush();
}

/**
 * Ends an absence: from now on tasks for the user go to them again. With giveBack, the tasks
 * the absence handed to the substitute that are still open come back.
 */
export async function returnFromAbsence(
  em: EntityManager,
  principal: Principal,
  userId: string,
  id: string,
  giveBack: boolean,
): Promise<{ absence: AbsenceView; returnedTasks: number }> {
  const absence = await findAbsence(em, userId, id);
  if (absence.returnedAt) throw absenceOver();
  const { begun } = await hasBegun(em, absence);
  if (!begun) {
    throw problem('absence_not_begun');
  }
  const ended = await db(em)
    .updateTable('absence')
    .set((eb) => ({
      returned_at: sql<Date>`now()`,
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
      updated_by: principal.userId ?? null,
    }))
    .where('id', '=', absence.id)
    .where('returned_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!ended) throw absenceOver();
  let returnedTasks = 0;
  if (giveBack) {
    const tasks = await openTasksBeside(em)
      .set((eb) => ({
        assignee_id: eb.ref('t.substituted_for'),
        substituted_for: null,
        substitution_absence_id: null,
        version: eb('t.version', '+', 1),
        updated_at: sql<Date>`now()`,
        updated_by: principal.userId ?? null,
      }))
      .where('t.tenant_id', '=', currentTenantId)
      .where('t.substitution_absence_id', '=', absence.id)
      .where('t.substituted_for', '=', userId)
      .returning(MOVED_COLUMNS)
      .returning([
        'old.substitution_absence_id as absence_id',
        sql<string | null>`null::uuid`.as('new_substituted_for'),
        sql<string | null>`null::uuid`.as('new_absence_id'),
        sql<string | null>`null::timestamptz`.as('until'),
      ])
      .execute();
    await afterSetBasedChange(em, principal.userId ?? null, tasks.map(movedTask));
    returnedTasks = tasks.length;
  }
  return { absence: await getAbsenceView(em, absence.id), returnedTasks };
}
