// Tasks (T1-T3) and absences with substitutes (T2).
import { defineEntity, p } from '@mikro-orm/core';
import { recordColumns, tenantColumn, tenantIsolation, trashable, userRef } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { Team } from '../identity/team.entity.ts';
import { User } from '../identity/user.entity.ts';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from './tasks.schemas.ts';

// The statuses and priorities belong to the API contract (front ends import it); kept importable from here.
export { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus };

export type DelegationState = 'pending' | 'accepted' | 'declined';

/** Statuses after which a task asks nothing of anyone. */
export const CLOSED_STATUSES: readonly TaskStatus[] = ['done', 'cancelled'];

export const TaskSchema = defineEntity({
  name: 'Task',
  filters: trashable(),
  tableName: 'task',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'task_assignee_idx',
      where: "(deleted_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text]))",
      properties: ['tenant', 'assigneeId', 'dueAt', 'id'],
    },
    {
      name: 'task_assignee_rank_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'assigneeId', 'rank', 'id'],
    },
    {
      name: 'task_assignee_status_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'assigneeId', 'status', 'priority'],
    },
    {
      // Reports: tasks done in a period.
      name: 'task_completed_idx',
      where: "(deleted_at IS NULL) AND (status = 'done'::text)",
      properties: ['tenant', 'completedAt'],
    },
    {
      // Dashboards: the tasks a colleague finished in a period.
      name: 'task_done_by_idx',
      where: "(deleted_at IS NULL) AND (status = 'done'::text)",
      properties: ['tenant', 'assigneeId', 'completedAt'],
    },
    { name: 'task_created_by_idx', properties: ['tenant', 'createdBy'] },
    {
      name: 'task_delegated_by_idx',
      where: 'delegated_by IS NOT NULL',
      properties: ['tenant', 'delegatedBy'],
    },
    {
      name: 'task_follow_up_idx',
      where: '(deleted_at IS NULL) AND (follow_up_on IS NOT NULL)',
      properties: ['tenant', 'followUpOn', 'id'],
    },
    {
      name: 'task_list_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'dueAt', 'id'],
    },
    {
      name: 'task_overdue_idx',
      where:
        "(deleted_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text])) AND (due_at IS NOT NULL)",
      properties: ['dueAt'],
    },
    { name: 'task_owner_idx', properties: ['tenant', 'ownerId'] },
    {
      name: 'task_priority_idx',
      expression: `CREATE INDEX task_priority_idx ON public.task USING btree (tenant_id, (
CASE priority
    WHEN 'urgent'::text THEN 0
    WHEN 'high'::text THEN 1
    WHEN 'normal'::text THEN 2
    ELSE 3
END), due_at, id) WHERE (deleted_at IS NULL)`,
    },
    {
      name: 'task_substituted_for_idx',
      where: 'substituted_for IS NOT NULL',
      properties: ['tenant', 'substitutedFor'],
    },
    {
      name: 'task_substitution_absence_idx',
      where: 'substitution_absence_id IS NOT NULL',
      properties: ['substitutionAbsenceId'],
    },
    {
      name: 'task_team_idx',
      where: "(deleted_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text]))",
      properties: ['tenant', 'teamId', 'dueAt', 'id'],
    },
    {
      name: 'task_team_rank_idx',
      where: '(deleted_at IS NULL) AND (team_id IS NOT NULL)',
      properties: ['tenant', 'teamId', 'rank', 'id'],
    },
    {
      name: 'task_trash_idx',
      where: 'deleted_at IS NOT NULL',
      properties: ['tenant', 'deletedAt'],
      columns: [{ name: 'tenant_id' }, { name: 'deleted_at', sort: 'DESC' }],
    },
    {
      name: 'task_updated_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'updatedAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'updated_at', sort: 'DESC' }, { name: 'id' }],
    },
  ],
  checks: [
    {
      name: 'task_delegation_note_check',
      expression: 'length(delegation_note) <= 2000',
    },
    {
      name: 'task_delegation_reason_check',
      expression: 'length(delegation_reason) <= 2000',
    },
    { name: 'task_description_check', expression: 'length(description) <= 20000' },
    {
      name: 'task_remind_before_check',
      expression: 'length(remind_before) <= 40',
    },
    { name: 'task_time_zone_check', expression: 'length(time_zone) <= 64' },
    {
      name: 'task_title_check',
      expression: '(length(title) >= 1) AND (length(title) <= 300)',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    title: p.text(),
    description: p.text().nullable(),
    assigneeId: () => userRef('assignee_id'),
    teamId: () => p.manyToOne(Team).fieldName('team_id').mapToPk().deleteRule('set null').nullable(),
    ownerId: () => userRef('owner_id'),
    status: p.enum(TASK_STATUSES).default('open'),
    priority: p.enum(TASK_PRIORITIES).default('normal'),
    dueAt: p.datetime().nullable(),
    /** Due on a day rather than at a time: dueAt is the midnight starting that day in timeZone. */
    allDay: p.boolean().default(false),
    timeZone: p.text().default('Europe/Berlin'),
    followUpOn: p.string().columnType('date').nullable(),
    remindAt: p.datetime().nullable(),
    /** ISO 8601 duration before dueAt; when set, remindAt follows dueAt. */
    remindBefore: p.text().nullable(),
    completedAt: p.datetime().nullable(),
    completedBy: () => userRef('completed_by'),
    /** Its place in its list's order (records/rank.ts). */
    rank: p.text().collation('C').default('a0'),
    delegationState: p.enum(['pending', 'accepted', 'declined']).$type<DelegationState>().nullable(),
    delegatedBy: () => userRef('delegated_by'),
    delegatedAt: p.datetime().nullable(),
    delegationNote: p.text().nullable(),
    delegationReason: p.text().nullable(),
    substitutedFor: () => userRef('substituted_for'),
    substitutionAbsenceId: () =>
      p
        .manyToOne(Absence)
        .fieldName('substitution_absence_id')
        .foreignKeyName('task_substitution_absence_fk')
        .mapToPk()
        .deleteRule('set null')
        .nullable(),
    ...recordColumns(),
  },
});
export class Task extends TaskSchema.class {}
TaskSchema.setClass(Task);

export const AbsenceSchema = defineEntity({
  name: 'Absence',
  filters: trashable(),
  tableName: 'absence',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'absence_handover_idx',
      where: '(handed_over_at IS NULL) AND (returned_at IS NULL) AND (deleted_at IS NULL)',
      properties: ['tenant', 'startsAt'],
    },
    {
      name: 'absence_substitute_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'substituteId'],
    },
    {
      name: 'absence_user_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'userId', 'endsAt'],
    },
    {
      name: 'absence_window_idx',
      where: 'deleted_at IS NULL',
      properties: ['startsAt', 'endsAt'],
    },
  ],
  checks: [
    { name: 'absence_check', expression: 'ends_at > starts_at' },
    { name: 'absence_check1', expression: 'user_id <> substitute_id' },
    { name: 'absence_note_check', expression: 'length(note) <= 500' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    userId: () => p.manyToOne(User).fieldName('user_id').mapToPk().deleteRule('cascade'),
    substituteId: () => p.manyToOne(User).fieldName('substitute_id').mapToPk().deleteRule('cascade'),
    startsAt: p.datetime(),
    endsAt: p.datetime(),
    note: p.text().nullable(),
    returnedAt: p.datetime().nullable(),
    handedOverAt: p.datetime().nullable(),
    ...recordColumns(),
  },
});
export class Absence extends AbsenceSchema.class {}
AbsenceSchema.setClass(Absence);
