// Tasks (T1-T3) and absences with substitutes (T2).
import { defineEntity, p } from '@mikro-orm/core';
import { recordColumns } from '../../entity-columns.ts';
import { TRASH_FILTER } from '../../http/tenancy.ts';
import { newId } from '../../ids.ts';
import { Tenant } from '../identity/tenant.entity.ts';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from './tasks.schemas.ts';

// The statuses and priorities belong to the API contract (front ends import it); kept importable from here.
export { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus };

export type DelegationState = 'pending' | 'accepted' | 'declined';

/** Statuses after which a task asks nothing of anyone. */
export const CLOSED_STATUSES: readonly TaskStatus[] = ['done', 'cancelled'];

const trashable = { [TRASH_FILTER]: { name: TRASH_FILTER, cond: { deletedAt: null }, default: true } };

export const TaskSchema = defineEntity({
  name: 'Task',
  filters: trashable,
  tableName: 'task',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    title: p.text(),
    description: p.text().nullable(),
    assigneeId: p.uuid().nullable(),
    teamId: p.uuid().nullable(),
    ownerId: p.uuid().nullable(),
    status: p.text().$type<TaskStatus>().default('open'),
    priority: p.text().$type<TaskPriority>().default('normal'),
    dueAt: p.datetime().nullable(),
    /** Due on a day rather than at a time: dueAt is the midnight starting that day in timeZone. */
    allDay: p.boolean().default(false),
    timeZone: p.text().default('Europe/Berlin'),
    followUpOn: p.string().columnType('date').nullable(),
    remindAt: p.datetime().nullable(),
    /** ISO 8601 duration before dueAt; when set, remindAt follows dueAt. */
    remindBefore: p.text().nullable(),
    completedAt: p.datetime().nullable(),
    completedBy: p.uuid().nullable(),
    /** Its place in its list's order (records/rank.ts). */
    rank: p.text().default('a0'),
    delegationState: p.text().$type<DelegationState>().nullable(),
    delegatedBy: p.uuid().nullable(),
    delegatedAt: p.datetime().nullable(),
    delegationNote: p.text().nullable(),
    delegationReason: p.text().nullable(),
    substitutedFor: p.uuid().nullable(),
    substitutionAbsenceId: p.uuid().nullable(),
    ...recordColumns(),
  },
});
export class Task extends TaskSchema.class {}
TaskSchema.setClass(Task);

export const AbsenceSchema = defineEntity({
  name: 'Absence',
  filters: trashable,
  tableName: 'absence',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    userId: p.uuid(),
    substituteId: p.uuid(),
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
