// Stage task templates (D3): per stage what entering it asks of whom and by when. A deal entering
// a stage gets each template's task once (deal_stage_task remembers it, however often the deal
// comes back); once a stage's required tasks are done and the pipeline or stage says so, the deal
// moves on to the next stage by itself, through the board's move, so history, stage changes and
// the board stay right. Users can always set the stage by hand.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory, type Snapshot, unchanged } from '../../records/history.ts';
import { pgArray } from '../../records/search-index.ts';
import { sqlIn } from '../../records/sql.ts';
import type { TaskChange } from '../../records/task-events.ts';
import { moveDeal } from '../board/board.service.ts';
import { durationMs } from '../tasks/task-time.ts';
import { createTask, DEFAULT_TIME_ZONE } from '../tasks/tasks.service.ts';
import type { StageEntry } from './stage-templates.events.ts';
import type {
  AssigneeRule,
  AutomationView,
  CreateTaskTemplate,
  TaskTemplateView,
  UpdateAutomation,
  UpdateTaskTemplate,
} from './stage-templates.schemas.ts';

interface TemplateRow {
  id: string;
  pipeline_id: string;
  stage_id: string;
  title: string;
  description: string | null;
  due_in_days: number | null;
  due_in: string | null;
  assignee_rule: AssigneeRule;
  user_id: string | null;
  team_id: string | null;
  priority: TaskTemplateView['priority'];
  required: boolean;
  position: number;
  version: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

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

interface StageRow {
  id: string;
  name: string;
  kind: 'deal' | 'lead';
  auto_advance: boolean;
}

/** An active stage of the pipeline (404 otherwise), with whether deals leave it by themselves. */
async function stageOf(em: EntityManager, pipelineId: string, stageId: string): Promise<StageRow> {
  const [stage] = await sqlIn<StageRow>(
    em,
    `select s.id, s.name, p.kind, coalesce(s.auto_advance, p.auto_advance) as auto_advance
       from pipeline_stage s join pipeline p on p.id = s.pipeline_id
      where s.id = ? and s.pipeline_id = ? and s.archived_at is null`,
    [stageId, pipelineId],
  );
  if (!stage) throw notFound(`Pipeline ${pipelineId} has no active stage ${stageId} in your organisation.`);
  return stage;
}

const unprocessable = (code: string, title: string, detail: string, pointer: string, short: string) =>
  new AppError({ status: 422, code, title, detail, errors: [{ in: 'body', pointer, detail: short }] });

/** The user and team a template names must exist (and the user be active) when it is saved. */
async function checkAssignee(
  em: EntityManager,
  template: { assigneeRule: AssigneeRule; userId: string | null; teamId: string | null },
): Promise<void> {
  if (template.assigneeRule === 'user' && template.userId) {
    const [user] = await sqlIn<{ active: boolean }>(em, 'select active from app_user where id = ?', [template.userId]);
    if (!user?.active) {
      throw unprocessable(
        'unknown_user',
        user ? 'The user is deactivated' : 'Unknown user',
        user
          ? `User ${template.userId} has been deactivated; choose an active colleague for the tasks.`
          : `There is no user ${template.userId} in your organisation to give the tasks to.`,
        '#/userId',
        'not an active user of your organisation',
      );
    }
  }
  if (template.assigneeRule === 'team' && template.teamId) {
    const [team] = await sqlIn(em, 'select 1 from team where id = ?', [template.teamId]);
    if (!team) {
      throw unprocessable(
        'unknown_team',
        'Unknown team',
        `There is no team ${template.teamId} in your organisation; GET /api/v1/admin/teams lists them.`,
        '#/teamId',
        'not a team of your organisation',
      );
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
  const rows = await sqlIn<TemplateRow>(
    em,
    'select * from stage_task_template where stage_id = ? order by position, id limit 200',
    [stageId],
  );
  return { stageId, autoAdvance: stage.auto_advance, items: rows.map(toView) };
}

async function loadTemplate(
  em: EntityManager,
  pipelineId: string,
  stageId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<TaskTemplateView> {
  const [row] = await sqlIn<TemplateRow>(
    em,
    `select * from stage_task_template where id = ? and stage_id = ? and pipeline_id = ? ${options.lock ? 'for update' : ''}`,
    [id, stageId, pipelineId],
  );
  if (!row) throw notFound(`Stage ${stageId} of pipeline ${pipelineId} has no task template ${id}.`);
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
    throw unprocessable(
      'not_a_deal_pipeline',
      'Task templates are for deal stages',
      `Stage ${stage.name} belongs to a lead pipeline; task templates make tasks for deals entering a stage of a deal pipeline.`,
      '#',
      'a stage of a deal pipeline',
    );
  }
  const template = {
    assigneeRule: input.assigneeRule,
    userId: input.userId ?? null,
    teamId: input.teamId ?? null,
  };
  await checkAssignee(em, template);
  const [{ n } = { n: 0 }] = await sqlIn<{ n: number }>(
    em,
    'select count(*)::int as n from stage_task_template where stage_id = ?',
    [stageId],
  );
  if (n >= 50) {
    throw new AppError({
      status: 409,
      code: 'too_many_templates',
      title: 'The stage has 50 task templates',
      detail: `Stage ${stage.name} has 50 task templates, the most a stage may have; remove one first.`,
    });
  }
  const id = newId();
  await sqlIn(
    em,
    `insert into stage_task_template (id, tenant_id, pipeline_id, stage_id, title, description, due_in_days, due_in,
                                      assignee_rule, user_id, team_id, priority, required, position, created_by, updated_by)
     values (?, crm_current_tenant(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
             coalesce(?::int, (select coalesce(max(position) + 1, 0) from stage_task_template where stage_id = ?)), ?, ?)`,
    [
      id,
      pipelineId,
      stageId,
      input.title,
      input.description ?? null,
      input.dueInDays ?? null,
      input.dueIn ?? null,
      template.assigneeRule,
      template.userId,
      template.teamId,
      input.priority ?? 'normal',
      input.required ?? false,
      input.position ?? null,
      stageId,
      principal.userId ?? null,
      principal.userId ?? null,
    ],
  );
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
    throw unprocessable(
      'invalid_template',
      'The rule user needs a user',
      'Send userId with the rule user.',
      '#/userId',
      'required for the rule user',
    );
  }
  if (assigneeRule === 'team' && !teamId) {
    throw unprocessable(
      'invalid_template',
      'The rule team needs a team',
      'Send teamId with the rule team.',
      '#/teamId',
      'required for the rule team',
    );
  }
  if ((assigneeRule !== 'user' && userId) || (assigneeRule !== 'team' && teamId)) {
    const pointer = assigneeRule !== 'user' && userId ? '#/userId' : '#/teamId';
    throw unprocessable(
      'invalid_template',
      'The user or team does not fit the rule',
      `The rule ${assigneeRule} takes no ${pointer.slice(2)}; clear it (null) or change the rule.`,
      pointer,
      `not for the rule ${assigneeRule}`,
    );
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
  await sqlIn(
    em,
    `update stage_task_template set title = ?, description = ?, due_in_days = ?, due_in = ?, assignee_rule = ?,
            user_id = ?, team_id = ?, priority = ?, required = ?, position = ?, version = version + 1,
            updated_at = now(), updated_by = ?
      where id = ?`,
    [
      next.title,
      next.description,
      next.dueInDays,
      next.dueIn,
      next.assigneeRule,
      next.userId,
      next.teamId,
      next.priority,
      next.required,
      next.position,
      principal.userId ?? null,
      id,
    ],
  );
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
  await sqlIn(em, 'delete from stage_task_template where id = ?', [id]);
  recordHistory(em, principal, { type: 'stage_task_template', id, action: 'delete', before: snapshot(current) });
  await em.flush();
}

// ---- automation ---------------------------------------------------------------------------------

export async function automationOf(em: EntityManager, pipelineId: string): Promise<AutomationView> {
  const rows = await sqlIn<{
    pipeline_auto_advance: boolean;
    version: number;
    stage_id: string | null;
    name: string | null;
    auto_advance: boolean | null;
    templates: number;
    required_templates: number;
  }>(
    em,
    `select p.auto_advance as pipeline_auto_advance, p.version, s.id as stage_id, s.name, s.auto_advance,
            (select count(*)::int from stage_task_template t where t.stage_id = s.id) as templates,
            (select count(*)::int from stage_task_template t where t.stage_id = s.id and t.required) as required_templates
       from pipeline p
       left join pipeline_stage s on s.pipeline_id = p.id and s.archived_at is null
      where p.id = ?
      order by s.position`,
    [pipelineId],
  );
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
        templates: row.templates,
        requiredTemplates: row.required_templates,
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
  const [locked] = await sqlIn(em, 'select 1 from pipeline where id = ? for update', [pipelineId]);
  if (!locked) throw problem('not_found', { noSuch: noSuch('pipeline'), id: pipelineId });
  const before = await automationOf(em, pipelineId);
  checkVersion(before, expectedVersion, named('pipeline'));
  const stages = change.stages ?? [];
  for (const [index, stage] of stages.entries()) {
    if (!before.stages.some((candidate) => candidate.stageId === stage.stageId)) {
      throw unprocessable(
        'unknown_stage',
        'Not a stage of the pipeline',
        `${stage.stageId} is not an active stage of pipeline ${pipelineId}.`,
        `#/stages/${index}/stageId`,
        'an active stage of this pipeline',
      );
    }
  }
  if (change.autoAdvance !== undefined) {
    await sqlIn(em, 'update pipeline set auto_advance = ? where id = ?', [change.autoAdvance, pipelineId]);
  }
  if (stages.length > 0) {
    await sqlIn(
      em,
      `update pipeline_stage s set auto_advance = c.auto_advance, updated_at = now()
         from unnest(?::uuid[], ?::boolean[]) as c(id, auto_advance)
        where s.id = c.id and s.pipeline_id = ?`,
      [
        pgArray(stages.map((stage) => stage.stageId)),
        `{${stages.map((stage) => (stage.autoAdvance === null ? 'NULL' : String(stage.autoAdvance))).join(',')}}`,
        pipelineId,
      ],
    );
  }
  const same = unchanged(automationSnapshot(before), automationSnapshot(await automationOf(em, pipelineId)));
  if (same) return before;
  await sqlIn(em, 'update pipeline set version = version + 1, updated_at = now(), updated_by = ? where id = ?', [
    principal.userId ?? null,
    pipelineId,
  ]);
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

interface DueTemplateRow {
  deal_id: string;
  deal_owner_id: string | null;
  template_id: string;
  title: string;
  description: string | null;
  due_in_days: number | null;
  due_in: string | null;
  assignee_rule: AssigneeRule;
  user_id: string | null;
  team_id: string | null;
  priority: TaskTemplateView['priority'];
}

/** The calendar day `days` after today in the time zone, YYYY-MM-DD. */
function dayAfter(days: number, timeZone: string): string {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
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
  const due = await sqlIn<DueTemplateRow>(
    em,
    `with claimed as (
       insert into deal_stage_task (tenant_id, deal_id, template_id, stage_id)
       select crm_current_tenant(), d.id, t.id, t.stage_id
         from unnest(?::uuid[], ?::uuid[]) as e(deal_id, stage_id)
         join deal d on d.id = e.deal_id and d.stage_id = e.stage_id and d.deleted_at is null
         join stage_task_template t on t.stage_id = e.stage_id
       on conflict do nothing
       returning deal_id, template_id)
     select c.deal_id, d.owner_id as deal_owner_id, t.id as template_id, t.title, t.description, t.due_in_days,
            t.due_in, t.assignee_rule, t.user_id, t.team_id, t.priority
       from claimed c
       join deal d on d.id = c.deal_id
       join stage_task_template t on t.id = c.template_id
      order by c.deal_id, t.position, t.id`,
    [pgArray(entries.map((entry) => entry.dealId)), pgArray(entries.map((entry) => entry.stageId))],
  );
  if (due.length === 0) return;
  // Who is there to take the tasks: active users and existing teams, in one query each.
  const userIds = [
    ...new Set(due.flatMap((row) => [row.deal_owner_id, row.user_id, principal.userId ?? null]).filter(Boolean)),
  ] as string[];
  const active = new Set(
    (
      await sqlIn<{ id: string }>(em, 'select id from app_user where id = any(?::uuid[]) and active', [
        pgArray(userIds),
      ])
    ).map((row) => row.id),
  );
  const teamIds = [...new Set(due.map((row) => row.team_id).filter(Boolean))] as string[];
  const teams = new Set(
    teamIds.length === 0
      ? []
      : (await sqlIn<{ id: string }>(em, 'select id from team where id = any(?::uuid[])', [pgArray(teamIds)])).map(
          (row) => row.id,
        ),
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
    await sqlIn(em, 'update deal_stage_task set task_id = ? where deal_id = ? and template_id = ?', [
      task.id,
      row.deal_id,
      row.template_id,
    ]);
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
  const [deal] = await sqlIn<{
    tenant_id: string;
    deal_id: string;
    auto_advance: boolean;
    open_required: number;
    next_stage_id: string | null;
    next_outcome: string | null;
    completed_by: string | null;
  }>(
    em,
    `select crm_current_tenant()::text as tenant_id, d.id as deal_id,
            coalesce(s.auto_advance, p.auto_advance) as auto_advance,
            (select count(*)::int from deal_stage_task x
               join stage_task_template rt on rt.id = x.template_id and rt.required
               join task k on k.id = x.task_id
              where x.deal_id = d.id and x.stage_id = d.stage_id
                and (k.status <> 'done' or k.deleted_at is not null)) as open_required,
            n.id as next_stage_id, n.outcome as next_outcome,
            (select completed_by from task where id = m.task_id) as completed_by
       from deal_stage_task m
       join stage_task_template tt on tt.id = m.template_id and tt.required
       join deal d on d.id = m.deal_id and d.stage_id = m.stage_id and d.status = 'open' and d.deleted_at is null
       join pipeline_stage s on s.id = d.stage_id
       join pipeline p on p.id = d.pipeline_id
       left join lateral (select n.id, n.outcome from pipeline_stage n
                           where n.pipeline_id = d.pipeline_id and n.archived_at is null and n.position > s.position
                           order by n.position limit 1) n on true
      where m.task_id = ?`,
    [after.id],
  );
  // Closing a deal (won or lost) stays a person's decision: no automatic move into an end stage.
  if (!deal?.auto_advance || deal.open_required > 0 || !deal.next_stage_id || deal.next_outcome !== null) return;
  await moveDeal(
    em,
    automationPrincipal(deal.tenant_id, deal.completed_by),
    deal.deal_id,
    { stageId: deal.next_stage_id },
    undefined,
  );
}
