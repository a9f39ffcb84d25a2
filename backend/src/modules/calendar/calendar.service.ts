// The calendar and timeline view (T8): one bounded statement per kind of item for a window of days
// cut in the user's time zone, each limited to what the caller may see as the lists show it.
//
// A deal's phases come from its stage changes: a phase starts when the deal entered a stage and
// ends when it entered the next one, or when the deal was closed; the current phase of an open deal
// is open-ended. A phase's tasks are those its stage made when the deal entered it, and the deal's
// other (linked) tasks due within the phase; cancelled tasks count for neither side.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Language } from '../../http/language.ts';
import { ownedWithin, type Principal } from '../../http/principal.ts';
import { problem } from '../../http/problems.ts';
import { linksOf } from '../../records/record-links.ts';
import { currentTenantId, db } from '../../records/sql.ts';
import { visibleActivity } from '../activities/activities.service.ts';
import type { CalendarSyncSettings } from '../settings/settings.schemas.ts';
import { CALENDAR_SYNC_SETTING, readSetting } from '../settings/settings.service.ts';
import { dueDay, visibleTask } from '../tasks/task-access.ts';
import { DEFAULT_TIME_ZONE } from '../tasks/tasks.service.ts';
import { daysBetween, startOfDay } from '../timeline/time-zones.ts';
import {
  CALENDAR_ITEM_TYPES,
  type Calendar,
  type CalendarActivity,
  type CalendarItemType,
  type CalendarPhase,
  type CalendarQuery,
  type CalendarTask,
  MAX_CALENDAR_DAYS,
} from './calendar.schemas.ts';

/** Items of one type per answer; a fuller window says it was cut. */
export const CALENDAR_TYPE_LIMIT = 2000;

interface Window {
  start: string;
  end: string;
  /** Only what is the caller's own (owner, assignee), else all they may see. */
  mine: string | null;
  language: Language;
}

const instant = (value: string | Date) => new Date(value).toISOString();
const timestamp = (value: string) => sql<Date>`${value}::timestamptz`;

/** The window's first instant and the first instant after it, checked against the longest window. */
function windowOf(query: CalendarQuery, timeZone: string): { start: string; end: string } {
  const days = daysBetween(query.from, query.to);
  const at = { at: { in: 'query' as const, pointer: '#/to' } };
  if (days.length === 0) throw problem('range_backwards', { to: query.to, from: query.from }, at);
  if (days.length > MAX_CALENDAR_DAYS) {
    throw problem('range_too_long', { max: MAX_CALENDAR_DAYS, from: query.from, to: query.to, days: days.length }, at);
  }
  const next = new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    start: instant(new Date(startOfDay(query.from, timeZone))),
    end: instant(new Date(startOfDay(next, timeZone))),
  };
}

/** The zone the user's days are cut in: their calendar setting, else the default. */
async function timeZoneOf(em: EntityManager, userId: string): Promise<string> {
  const stored = await readSetting<CalendarSyncSettings>(em, userId, CALENDAR_SYNC_SETTING);
  return stored.value?.timeZone ?? DEFAULT_TIME_ZONE;
}

async function activitiesIn(em: EntityManager, principal: Principal, window: Window) {
  const visible = await visibleActivity(principal);
  const rows = await db(em)
    .selectFrom('activity as a')
    .innerJoin('activity_type as y', 'y.id', 'a.type_id')
    .select([
      'a.id',
      'a.subject',
      'a.type_id',
      'y.name_de',
      'y.name_en',
      'y.color',
      'a.starts_at',
      'a.duration_minutes',
      'a.all_day',
      'a.done',
      'a.owner_id',
    ])
    .where('a.tenant_id', '=', currentTenantId)
    .where('a.deleted_at', 'is', null)
    .where('a.starts_at', '>=', timestamp(window.start))
    .where('a.starts_at', '<', timestamp(window.end))
    .where(visible)
    .$if(window.mine !== null, (query) => query.where('a.owner_id', '=', window.mine as string))
    .orderBy('a.starts_at')
    .orderBy('a.id')
    .limit(CALENDAR_TYPE_LIMIT + 1)
    .execute();
  const links = await linksOf(
    em,
    'activity',
    rows.map((row) => row.id),
  );
  return rows.map((row): CalendarActivity => {
    const startsAt = new Date(row.starts_at);
    return {
      id: row.id,
      subject: row.subject,
      typeId: row.type_id,
      typeName: window.language === 'en' ? row.name_en : row.name_de,
      color: row.color,
      startsAt: startsAt.toISOString(),
      endsAt:
        row.duration_minutes === null
          ? null
          : new Date(startsAt.getTime() + row.duration_minutes * 60_000).toISOString(),
      allDay: row.all_day,
      done: row.done,
      ownerId: row.owner_id,
      links: links.get(row.id) ?? [],
    };
  });
}

async function tasksIn(em: EntityManager, principal: Principal, window: Window) {
  const visible = await visibleTask(principal);
  const rows = await db(em)
    .selectFrom('task as t')
    .select((eb) => [
      't.id',
      't.title',
      't.due_at',
      't.all_day',
      't.status',
      't.priority',
      't.assignee_id',
      dueDay(eb).as('due_on'),
    ])
    .where('t.tenant_id', '=', currentTenantId)
    .where('t.deleted_at', 'is', null)
    .where('t.due_at', '>=', timestamp(window.start))
    .where('t.due_at', '<', timestamp(window.end))
    .where(visible)
    .$if(window.mine !== null, (query) => query.where('t.assignee_id', '=', window.mine as string))
    .orderBy('t.due_at')
    .orderBy('t.id')
    .limit(CALENDAR_TYPE_LIMIT + 1)
    .execute();
  const links = await linksOf(
    em,
    'task',
    rows.map((row) => row.id),
  );
  return rows.map(
    (row): CalendarTask => ({
      id: row.id,
      title: row.title,
      dueAt: instant(row.due_at as Date),
      allDay: row.all_day,
      dueOn: row.due_on,
      status: row.status,
      priority: row.priority,
      assigneeId: row.assignee_id,
      links: links.get(row.id) ?? [],
    }),
  );
}

async function phasesIn(em: EntityManager, principal: Principal, window: Window) {
  const visibility = await principal.visibility('deal');
  // Every stage change of the deals that may show, with the time of the next one: a phase's end is
  // the next change even when that lies after the window, so the changes are not cut by time here.
  const changes = db(em)
    .selectFrom('deal as d')
    .innerJoin('deal_stage_change as c', (join) =>
      join.onRef('c.tenant_id', '=', 'd.tenant_id').onRef('c.deal_id', '=', 'd.id'),
    )
    .select((eb) => [
      'd.id as deal_id',
      'd.title',
      'd.owner_id',
      'c.pipeline_id',
      'c.to_stage_id as stage_id',
      'c.changed_at as entered_at',
      sql<Date | null>`coalesce(lead(${eb.ref('c.changed_at')}) over (partition by ${eb.ref('c.deal_id')}
        order by ${eb.ref('c.changed_at')}, ${eb.ref('c.id')}), ${eb.ref('d.closed_at')})`.as('left_at'),
    ])
    .where('d.tenant_id', '=', currentTenantId)
    .where('d.deleted_at', 'is', null)
    .where(({ ref }) => ownedWithin(visibility, ref('d.owner_id')))
    .$if(window.mine !== null, (query) => query.where('d.owner_id', '=', window.mine as string))
    .where('d.created_at', '<', timestamp(window.end))
    .where((eb) => eb.or([eb('d.closed_at', 'is', null), eb('d.closed_at', '>=', timestamp(window.start))]));

  const rows = await db(em)
    .selectFrom(changes.as('p'))
    .innerJoin('pipeline_stage as s', 's.id', 'p.stage_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom(
            eb
              .selectFrom('deal_stage_task as st')
              .innerJoin('task as t', 't.id', 'st.task_id')
              .select('t.status')
              .where('st.tenant_id', '=', currentTenantId)
              .whereRef('st.deal_id', '=', 'p.deal_id')
              .whereRef('st.stage_id', '=', 'p.stage_id')
              .where('t.deleted_at', 'is', null)
              .where('t.status', '<>', 'cancelled')
              .unionAll(
                eb
                  .selectFrom('record_link as l')
                  .innerJoin('task as t', 't.id', 'l.item_id')
                  .select('t.status')
                  .where('l.tenant_id', '=', currentTenantId)
                  .where('l.record_type', '=', 'deal')
                  .whereRef('l.record_id', '=', 'p.deal_id')
                  .where('l.item_type', '=', 'task')
                  .where('t.deleted_at', 'is', null)
                  .where('t.status', '<>', 'cancelled')
                  .whereRef('t.due_at', '>=', 'p.entered_at')
                  .where((inner) =>
                    inner.or([inner('p.left_at', 'is', null), inner('t.due_at', '<', inner.ref('p.left_at'))]),
                  )
                  .where((inner) =>
                    inner.not(
                      inner.exists(
                        inner
                          .selectFrom('deal_stage_task as made')
                          .select(sql<number>`1`.as('one'))
                          .where('made.tenant_id', '=', currentTenantId)
                          .whereRef('made.task_id', '=', 't.id'),
                      ),
                    ),
                  ),
              )
              .as('x'),
          )
          .select([
            sql<number>`(count(*) filter (where x.status = 'done'))::int`.as('done'),
            sql<number>`count(*)::int`.as('total'),
          ])
          .as('progress'),
      (join) => join.onTrue(),
    )
    .select([
      'p.deal_id',
      'p.title',
      'p.owner_id',
      'p.pipeline_id',
      'p.stage_id',
      's.name as stage_name',
      'p.entered_at',
      'p.left_at',
      'progress.done',
      'progress.total',
    ])
    .where('p.entered_at', '<', timestamp(window.end))
    .where(
      (eb): Expression<SqlBool> => eb.or([eb('p.left_at', 'is', null), eb('p.left_at', '>', timestamp(window.start))]),
    )
    .orderBy('p.entered_at')
    .orderBy('p.deal_id')
    .limit(CALENDAR_TYPE_LIMIT + 1)
    .execute();
  return rows.map(
    (row): CalendarPhase => ({
      dealId: row.deal_id,
      dealTitle: row.title,
      ownerId: row.owner_id,
      pipelineId: row.pipeline_id,
      stageId: row.stage_id,
      stageName: row.stage_name,
      enteredAt: instant(row.entered_at),
      leftAt: row.left_at === null ? null : instant(row.left_at),
      tasksDone: row.done ?? 0,
      tasksTotal: row.total ?? 0,
    }),
  );
}

/** What happens in the window the query names, of the types it asks for. */
export async function calendarOf(
  em: EntityManager,
  principal: Principal & { userId: string },
  query: CalendarQuery,
  language: Language,
): Promise<Calendar> {
  const timeZone = query.timeZone ?? (await timeZoneOf(em, principal.userId));
  const { start, end } = windowOf(query, timeZone);
  const window: Window = { start, end, mine: query.owner === 'me' ? principal.userId : null, language };
  const types = new Set<CalendarItemType>(query.types ?? CALENDAR_ITEM_TYPES);
  // One connection per transaction: the statements run one after the other.
  const activities = types.has('activity') ? await activitiesIn(em, principal, window) : [];
  const tasks = types.has('task') ? await tasksIn(em, principal, window) : [];
  const phases = types.has('phase') ? await phasesIn(em, principal, window) : [];
  const truncated = (
    [
      ['activity', activities],
      ['task', tasks],
      ['phase', phases],
    ] as const
  ).flatMap(([type, items]) => (items.length > CALENDAR_TYPE_LIMIT ? [type] : []));
  return {
    from: query.from,
    to: query.to,
    timeZone,
    start,
    end,
    activities: activities.slice(0, CALENDAR_TYPE_LIMIT),
    tasks: tasks.slice(0, CALENDAR_TYPE_LIMIT),
    phases: phases.slice(0, CALENDAR_TYPE_LIMIT),
    truncated,
  };
}
