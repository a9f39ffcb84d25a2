// Stage task templates (D3): per stage what entering it asks of whom and by when. A deal entering
// a stage gets each template's task once (deal_stage_task remembers it, however often the deal
// comes back); once a stage's required tasks are done and the pipeline or stage says so, the deal
// moves on to the next stage by itself, through the board's move, so history, stage changes and
// the board stay right. Users can always set the stage by hand.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Selectable, sql } from 'kysely';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem, userRoles } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory, type Snapshot, unchanged } from '../../records/history.ts';
import { type Database, db } from '../../records/sql.ts';
import { sqlArray } from '../../records/sql-arrays.ts';
import type { TaskChange } from '../../records/task-events.ts';
import { moveDeal } from '../board/board.service.ts';
import { touchPipeline } from '../pipelines/pipelines.service.ts';
import { durationMs } from '../tasks/task-time.ts';
import { createTask, DEFAULT_TIME_ZONE } from '../tasks/tasks.service.ts';
import { dayIn } from '../timeline/time-zones.ts';
import type { StageEntry } from './stage-templates.events.ts';
import type {
  AssigneeRule,
  AutomationView,
  CreateTaskTemplate,
  TaskTemplateView,
  UpdateAutomation,
  UpdateTaskTemplate,
} from './stage-templates.schemas.ts';

type TemplateRow = Selectable<Database['stage_task_template']>;

const toView = (row: TemplateRow): TaskTemplateView => ({
  id: row.id,
  pipelineId: row.pipeline_id,
  stageId: row.stage_id,
  title: row.title,
  description: row.description,
  dueInDays: row.due_in_days,
  dueIn: row.due_in,
  assigneeRule: row.assignee_rule,
  userId: row.user_id,
  teamId: row.team_id,
  priority: row.priority,
  required: row.required,
  position: row.position,
  version: row.version,
  createdAt: new Date(row.created_at).toISOString(),
  createdBy: row.created_by,
  updatedAt: new Date(row.updated_at).toISOString(),
  updatedBy: row.updated_by,
});

const snapshot = (template: TaskTemplateView): Snapshot => ({
  pipelineId: template.pipelineId,
  stageId: template.stageId,
  title: template.title,
  description: template.description,
  dueInDays: template.dueInDays,
  dueIn: template.dueIn,
  assigneeRule: template.assigneeRule,
  userId: template.userId,
  teamId: template.teamId,
  priority: template.priority,
  required: template.required,
  position: template.position,
});

// ---- the stage a template belongs to --------------------------------------------------------

/** An active stage of the pipeline (404 otherwise), with whether deals leave it by themselves. */
async function stageOf(em: EntityManager, pipelineId: string, stageId: string) {
  const stage = await db(em)
    .selectFrom('pipeline_stage as s')
    .innerJoin('pipeline as p', 'p.id', 's.pipeline_id')
    .select((eb) => [
      's.id',
      's.name',
      'p.kind',
      eb.fn.coalesce('s.auto_advance', 'p.auto_advance').$castTo<boolean>().as('auto_advance'),
    ])
    .where('s.id', '=', stageId)
    .where('s.pipeline_id', '=', pipelineId)
    .where('s.archived_at', 'is', null)
    .executeTakeFirst();
  if (!stage) throw problem('no_such_stage_of_pipeline', { pipeline: pipelineId, id: stageId });
  return stage;
}

/** The user and team a template names must exist (and the user be active) when it is saved. */
async function checkAssignee(
  em: EntityManager,
  template: { assigneeRule: AssigneeRule; userId: string | null; teamId: string | null },
): Promise<void> {
  if (template.assigneeRule === 'user' && template.userId) {
    const user = await db(em)
      .selectFrom('app_user')
      .select('active')
      .where('id', '=', template.userId)
      .executeTakeFirst();
    if (!user?.active) {
      throw problem(
        user ? 'user_deactivated' : 'unknown_user',
        {
          id: template.userId,
          role: userRoles.assignee,
        },
        { at: { pointer: '#/userId' } },
      );
    }
  }
  if (template.assigneeRule === 'team' && template.teamId) {
    const team = await db(em).selectFrom('team').select('id').where('id', '=', template.teamId).executeTakeFirst();
    if (!team) {
      throw problem('unknown_team', { id: template.teamId }, { at: { pointer: '#/teamId' } });
    }
  }
}

// ---- templates --------------------------------------------------------------------------------

export async function listTemplates(
  em: EntityManager,
  pipelineId: string,
  stageId: string,
): Promise<{ stageId: string; autoAdvance: boolean; items: TaskTemplateView[] }> {
  const stage = await stageOf(em, pipelineId, stageId);
  const rows = await db(em)
    .selectFrom('stage_task_template')
    .selectAll()
    .where('stage_id', '=', stageId)
    .orderBy('position')
    .orderBy('id')
    .limit(200)
    .execute();
  return { stageId, autoAdvance: stage.auto_advance, items: rows.map(toView) };
}

async function loadTemplate(
  em: EntityManager,
  pipelineId: string,
  stageId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<TaskTemplateView> {
  const row = await db(em)
    .selectFrom('stage_task_template')
    .selectAll()
    .where('id', '=', id)
    .where('stage_id', '=', stageId)
    .where('pipeline_id', '=', pipelineId)
    .$if(options.lock === true, (query) => query.forUpdate())
    .executeTakeFirst();
  if (!row) throw problem('no_such_task_template', { stage: stageId, pipeline: pipelineId, id });
  return toView(row);
}

export async function getTemplate(
  em: EntityManager,
  pipelineId: string,
  stageId: string,
  id: string,
): Promise<TaskTemplateView> {
  await stageOf(em, pipelineId, stageId);
  return loadTemplate(em, pipelineId, stageId, id);
}

export async function createTemplate(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  stageId: string,
  input: CreateTaskTemplate,
): Promise<TaskTemplateView> {
  const stage = await stageOf(em, pipelineId, stageId);
  if (stage.kind !== 'deal') {
    throw problem('not_a_deal_pipeline', { stage: stage.name }, { at: { pointer: '#' } });
  }
  const template = {
    assigneeRule: input.assigneeRule,
    userId: input.userId ?? null,
    teamId: input.teamId ?? null,
  };
  await checkAssignee(em, template);
  const { n } = await db(em)
    .selectFrom('stage_task_template')
    .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('n'))
    .where('stage_id', '=', stageId)
    .executeTakeFirstOrThrow();
  if (n >= 50) {
    throw problem('too_many_templates', { stage: stage.name });
  }
  const id = newId();
  await db(em)
    .insertInto('stage_task_template')
    .values((eb) => ({
      id,
      tenant_id: sql<string>`crm_current_tenant()`,
      pipeline_id: pipelineId,
      stage_id: stageId,
      title: input.title,
      description: input.description ?? null,
      due_in_days: input.dueInDays ?? null,
      due_in: input.dueIn ?? null,
      assignee_rule: template.assigneeRule,
      user_id: template.userId,
      team_id: template.teamId,
      priority: input.priority ?? 'normal',
      required: input.required ?? false,
      // Last, unless the template asks for a place.
      position:
        input.position ??
        eb
          .selectFrom('stage_task_template')
          .select((last) => last.fn.coalesce(sql<number>`${last.fn.max('position')} + 1`, sql.lit(0)).as('position'))
          .where('stage_id', '=', stageId),
      created_by: principal.userId ?? null,
      updated_by: principal.userId ?? null,
    }))
    .execute();
  const created = await loadTemplate(em, pipelineId, stageId, id);
  recordHistory(em, principal, { type: 'stage_task_template', id, action: 'create', after: snapshot(created) });
  await em.flush();
  return created;
}

export async function updateTemplate(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  stageId: string,
  id: string,
  patch: UpdateTaskTemplate,
  expectedVersion: number | undefined,
): Promise<TaskTemplateView> {
  await stageOf(em, pipelineId, stageId);
  const current = await loadTemplate(em, pipelineId, stageId, id, { lock: true });
  checkVersion(current, expectedVersion, named('task_template', current.title));
  const assigneeRule = patch.assigneeRule ?? current.assigneeRule;
  // Another rule drops the user or team of the old one, unless the change names them.
  const userId = patch.userId !== undefined ? patch.userId : assigneeRule === 'user' ? current.userId : null;
  const teamId = patch.teamId !== undefined ? patch.teamId : assigneeRule === 'team' ? current.teamId : null;
  if (assigneeRule === 'user' && !userId) {
    throw problem('template_needs_user', {}, { at: { pointer: '#/userId' } });
  }
  if (assigneeRule === 'team' && !teamId) {
    throw problem('template_needs_team', {}, { at: { pointer: '#/teamId' } });
  }
  if ((assigneeRule !== 'user' && userId) || (assigneeRule !== 'team' && teamId)) {
    const pointer = assigneeRule !== 'user' && userId ? '#/userId' : '#/teamId';
    throw problem('template_rule_mismatch', { rule: assigneeRule, field: pointer.slice(2) }, { at: { pointer } });
  }
  // One relative due date: sending one clears the other.
  const dueInDays =
    patch.dueInDays !== undefined
      ? patch.dueInDays
      : patch.dueIn !== undefined && patch.dueIn !== null
        ? null
        : current.dueInDays;
  const dueIn =
    patch.dueIn !== undefined
      ? patch.dueIn
      : patch.dueInDays !== undefined && patch.dueInDays !== null
        ? null
        : current.dueIn;
  const next: TaskTemplateView = {
    ...current,
    title: patch.title ?? current.title,
    description: patch.description !== undefined ? patch.description : current.description,
    dueInDays,
    dueIn,
    assigneeRule,
    userId,
    teamId,
    priority: patch.priority ?? current.priority,
    required: patch.required ?? current.required,
    position: patch.position ?? current.position,
  };
  if (unchanged(snapshot(current), snapshot(next))) return current;
  if (userId !== current.userId || teamId !== current.teamId) await checkAssignee(em, next);
  await db(em)
    .updateTable('stage_task_template')
    .set((eb) => ({
      title: next.title,
      description: next.description,
      due_in_days: next.dueInDays,
      due_in: next.dueIn,
      assignee_rule: next.assigneeRule,
      user_id: next.userId,
      team_id: next.teamId,
      priority: next.priority,
      required: next.required,
      position: next.position,
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
      updated_by: principal.userId ?? null,
    }))
    .where('id', '=', id)
    .execute();
  const after = await loadTemplate(em, pipelineId, stageId, id);
  recordHistory(em, principal, {
    type: 'stage_task_template',
    id,
    action: 'update',
    before: snapshot(current),
    after: snapshot(after),
  });
  await em.flush();
  return after;
}

/** Removes a template; the tasks it made stay, and no longer hold a deal in its stage. */
export async function deleteTemplate(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  stageId: string,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  await stageOf(em, pipelineId, stageId);
  const current = await loadTemplate(em, pipelineId, stageId, id, { lock: true });
  checkVersion(current, expectedVersion, named('task_template', current.title));
  await db(em).deleteFrom('stage_task_template').where('id', '=', id).execute();
  recordHistory(em, principal, { type: 'stage_task_template', id, action: 'delete', before: snapshot(current) });
  await em.flush();
}

// ---- automation ---------------------------------------------------------------------------------

export async function automationOf(em: EntityManager, pipelineId: string): Promise<AutomationView> {
  const rows = await db(em)
    .selectFrom('pipeline as p')
    .leftJoin('pipeline_stage as s', (join) => join.onRef('s.pipeline_id', '=', 'p.id').on('s.archived_at', 'is', null))
    .select((eb) => {
      const templates = () =>
        eb
          .selectFrom('stage_task_template as t')
          .select((count) => count.cast<number>(count.fn.countAll(), 'integer').as('n'))
          .whereRef('t.stage_id', '=', 's.id');
      return [
        'p.auto_advance as pipeline_auto_advance',
        'p.version',
        's.id as stage_id',
        's.name',
        's.auto_advance',
        templates().$castTo<{ n: number }>().as('templates'),
        templates().where('t.required', '=', true).$castTo<{ n: number }>().as('required_templates'),
      ];
    })
    .where('p.id', '=', pipelineId)
    .orderBy('s.position')
    .execute();
  const first = rows[0];
  if (!first) throw problem('not_found', { noSuch: noSuch('pipeline'), id: pipelineId });
  return {
    pipelineId,
    autoAdvance: first.pipeline_auto_advance,
    stages: rows
      .filter((row) => row.stage_id !== null)
      .map((row) => ({
        stageId: row.stage_id as string,
        name: row.name as string,
        autoAdvance: row.auto_advance,
        effective: row.auto_advance ?? first.pipeline_auto_advance,
        // A count is never null; the type of a scalar subquery cannot say so.
        templates: row.templates ?? 0,
        requiredTemplates: row.required_templates ?? 0,
      })),
    version: first.version,
  };
}

const automationSnapshot = (view: AutomationView): Snapshot => ({
  autoAdvance: view.autoAdvance,
  stageAutoAdvance: Object.fromEntries(view.stages.map((stage) => [stage.stageId, stage.autoAdvance])),
});

/** Changes the pipeline's and its stages' settings; moves the pipeline's version (If-Match). */
export async function updateAutomation(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  change: UpdateAutomation,
  expectedVersion: number | undefined,
): Promise<AutomationView> {
  const locked = await db(em)
    .selectFrom('pipeline')
    .select('id')
    .where('id', '=', pipelineId)
    .forUpdate()
    .executeTakeFirst();
  if (!locked) throw problem('not_found', { noSuch: noSuch('pipeline'), id: pipelineId });
  const before = await automationOf(em, pipelineId);
  checkVersion(before, expectedVersion, named('pipeline'));
  const stages = change.stages ?? [];
  for (const [index, stage] of stages.entries()) {
    if (!before.stages.some((candidate) => candidate.stageId === stage.stageId)) {
      throw problem(
        'automation_stage_unknown',
        { id: stage.stageId, pipeline: pipelineId },
        { at: { pointer: `#/stages/${index}/stageId` } },
      );
    }
  }
  if (change.autoAdvance !== undefined) {
    await db(em)
      .updateTable('pipeline')
      .set({ auto_advance: change.autoAdvance })
      .where('id', '=', pipelineId)
      .execute();
  }
  if (stages.length > 0) {
    // One statement for every stage: each takes the setting sent for it.
    const ids = sqlArray(stages.map((stage) => stage.stageId));
    const settings = sqlArray(stages.map((stage) => (stage.autoAdvance === null ? null : String(stage.autoAdvance))));
    await db(em)
      .updateTable('pipeline_stage')
      .set((eb) => ({
        auto_advance: sql<boolean | null>`(${settings}::boolean[])[array_position(${ids}::uuid[], ${eb.ref('id')})]`,
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', sql<string>`any(${ids}::uuid[])`)
      .where('pipeline_id', '=', pipelineId)
      .execute();
  }
  const same = unchanged(automationSnapshot(before), automationSnapshot(await automationOf(em, pipelineId)));
  if (same) return before;
  await touchPipeline(em, principal, pipelineId);
  const after = await automationOf(em, pipelineId);
  recordHistory(em, principal, {
    type: 'pipeline',
    id: pipelineId,
    action: 'update',
    before: automationSnapshot(before),
    after: automationSnapshot(after),
  });
  await em.flush();
  return after;
}

// ---- entering a stage makes its tasks -------------------------------------------------------------

/** Any of the ids, as one bind parameter. */
const anyOf = (ids: readonly string[]) => sql<string>`any(${sqlArray(ids)}::uuid[])`;

/** The calendar day `days` after today in the time zone, YYYY-MM-DD. */
function dayAfter(days: number, timeZone: string): string {
  const today = dayIn(new Date(), timeZone);
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Makes the tasks of the stages the deals entered, once per deal and template: the claim on
 * (deal, template) comes first, so a deal coming back, or two writers at once, make none twice.
 */
export async function makeStageTasks(
  em: EntityManager,
  principal: Principal,
  entries: readonly StageEntry[],
): Promise<void> {
  const entered = sql<{ deal_id: string; stage_id: string }>`unnest(${sqlArray(
    entries.map((entry) => entry.dealId),
  )}::uuid[], ${sqlArray(entries.map((entry) => entry.stageId))}::uuid[])`.as<'e'>(sql`e(deal_id, stage_id)`);
  const due = await db(em)
    .with('claimed', (query) =>
      query
        .insertInto('deal_stage_task')
        .columns(['tenant_id', 'deal_id', 'template_id', 'stage_id'])
        .expression(
          query
            .selectFrom(entered)
            .innerJoin('deal as d', (join) =>
              join
                .onRef('d.id', '=', 'e.deal_id')
                .onRef('d.stage_id', '=', 'e.stage_id')
                .on('d.deleted_at', 'is', null),
            )
            .innerJoin('stage_task_template as t', 't.stage_id', 'e.stage_id')
            .select([
              sql<string>`crm_current_tenant()`.as('tenant_id'),
              'd.id as deal_id',
              't.id as template_id',
              't.stage_id',
            ]),
        )
        .onConflict((conflict) => conflict.doNothing())
        .returning(['deal_id', 'template_id']),
    )
    .selectFrom('claimed as c')
    .innerJoin('deal as d', 'd.id', 'c.deal_id')
    .innerJoin('stage_task_template as t', 't.id', 'c.template_id')
    .select([
      'c.deal_id',
      'd.owner_id as deal_owner_id',
      't.id as template_id',
      't.title',
      't.description',
      't.due_in_days',
      't.due_in',
      't.assignee_rule',
      't.user_id',
      't.team_id',
      't.priority',
    ])
    .orderBy('c.deal_id')
    .orderBy('t.position')
    .orderBy('t.id')
    .execute();
  if (due.length === 0) return;
  // Who is there to take the tasks: active users and existing teams, in one query each.
  const userIds = [
    ...new Set(due.flatMap((row) => [row.deal_owner_id, row.user_id, principal.userId ?? null]).filter(Boolean)),
  ] as string[];
  const active = new Set(
    (
      await db(em)
        .selectFrom('app_user')
        .select('id')
        .where('id', '=', anyOf(userIds))
        .where('active', '=', true)
        .execute()
    ).map((row) => row.id),
  );
  const teamIds = [...new Set(due.map((row) => row.team_id).filter(Boolean))] as string[];
  const teams = new Set(
    teamIds.length === 0
      ? []
      : (await db(em).selectFrom('team').select('id').where('id', '=', anyOf(teamIds)).execute()).map((row) => row.id),
  );
  const activeOrNull = (id: string | null | undefined) => (id && active.has(id) ? id : null);
  for (const row of due) {
    // A user or team gone since the template was saved: the deal's owner, else whoever moved the deal.
    const fallback = activeOrNull(row.deal_owner_id) ?? activeOrNull(principal.userId);
    const team = row.assignee_rule === 'team' && row.team_id && teams.has(row.team_id) ? row.team_id : null;
    const assignee = team ? null : ((row.assignee_rule === 'user' ? activeOrNull(row.user_id) : null) ?? fallback);
    const dueIn = row.due_in ? durationMs(row.due_in) : null;
    const task = await createTask(em, principal, {
      title: row.title,
      description: row.description,
      ...(team ? { teamId: team, assigneeId: null } : { assigneeId: assignee }),
      ownerId: fallback,
      priority: row.priority,
      ...(row.due_in_days !== null ? { dueOn: dayAfter(row.due_in_days, DEFAULT_TIME_ZONE) } : {}),
      ...(dueIn !== null ? { dueAt: new Date(Date.now() + dueIn).toISOString() } : {}),
      links: [{ type: 'deal', id: row.deal_id }],
    });
    await db(em)
      .updateTable('deal_stage_task')
      .set({ task_id: task.id })
      .where('deal_id', '=', row.deal_id)
      .where('template_id', '=', row.template_id)
      .execute();
  }
}

// ---- finishing a stage's required tasks moves the deal on ------------------------------------------

/**
 * Acts on behalf of whoever finished the task: their user id in history and stage changes, the
 * deal seen whoever owns it (finishing a task of a deal is the right to move it on).
 */
function automationPrincipal(tenantId: string, userId: string | null): Principal {
  return {
    kind: 'user',
    tenantId,
    tenantName: '',
    userId: userId ?? undefined,
    displayName: '',
    email: '',
    jobTitle: null,
    objectId: '',
    roles: new Set(),
    language: 'de',
    visibility: async () => ({ scope: 'all' }),
  };
}

export async function advanceWhenDone(em: EntityManager, change: TaskChange): Promise<void> {
  const after = change.after;
  if (after?.status !== 'done' || after.deletedAt || change.before?.status === 'done') return;
  // The deal whose current stage made this required task; whether its stage's required tasks are
  // all done (purged ones hold nothing), whether it moves on by itself, and where to.
  const deal = await db(em)
    .selectFrom('deal_stage_task as m')
    .innerJoin('stage_task_template as tt', (join) =>
      join.onRef('tt.id', '=', 'm.template_id').on('tt.required', '=', true),
    )
    .innerJoin('deal as d', (join) =>
      join
        .onRef('d.id', '=', 'm.deal_id')
        .onRef('d.stage_id', '=', 'm.stage_id')
        .on('d.status', '=', 'open')
        .on('d.deleted_at', 'is', null),
    )
    .innerJoin('pipeline_stage as s', 's.id', 'd.stage_id')
    .innerJoin('pipeline as p', 'p.id', 'd.pipeline_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('pipeline_stage as n')
          .select(['n.id', 'n.outcome'])
          .whereRef('n.pipeline_id', '=', 'd.pipeline_id')
          .where('n.archived_at', 'is', null)
          .whereRef('n.position', '>', 's.position')
          .orderBy('n.position')
          .limit(1)
          .as('n'),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      sql<string>`crm_current_tenant()::text`.as('tenant_id'),
      'd.id as deal_id',
      eb.fn.coalesce('s.auto_advance', 'p.auto_advance').$castTo<boolean>().as('auto_advance'),
      eb
        .selectFrom('deal_stage_task as x')
        .innerJoin('stage_task_template as rt', (join) =>
          join.onRef('rt.id', '=', 'x.template_id').on('rt.required', '=', true),
        )
        .innerJoin('task as k', 'k.id', 'x.task_id')
        .select((count) => count.cast<number>(count.fn.countAll(), 'integer').as('n'))
        .whereRef('x.deal_id', '=', 'd.id')
        .whereRef('x.stage_id', '=', 'd.stage_id')
        .where((open) => open.or([open('k.status', '<>', 'done'), open('k.deleted_at', 'is not', null)]))
        .$castTo<{ n: number }>()
        .as('open_required'),
      'n.id as next_stage_id',
      'n.outcome as next_outcome',
      eb.selectFrom('task as f').select('f.completed_by').whereRef('f.id', '=', 'm.task_id').as('completed_by'),
    ])
    .where('m.task_id', '=', after.id)
    .executeTakeFirst();
  // Closing a deal (won or lost) stays a person's decision: no automatic move into an end stage.
  if (!deal?.auto_advance || (deal.open_required ?? 0) > 0 || !deal.next_stage_id || deal.next_outcome !== null) return;
  await moveDeal(
    em,
    automationPrincipal(deal.tenant_id, deal.completed_by),
    deal.deal_id,
    { stageId: deal.next_stage_id },
    undefined,
  );
}
