// A task waiting for another task.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, userRef } from '../../entity-columns.ts';
import { Task } from './task.entity.ts';

export const TaskDependencySchema = defineEntity({
  name: 'TaskDependency',
  tableName: 'task_dependency',
  policies: tenantIsolation(),
  indexes: [{ name: 'task_dependency_reverse_idx', properties: ['dependsOn', 'task'] }],
  checks: [{ name: 'task_dependency_check', expression: 'task_id <> depends_on_id' }],
  properties: {
    tenant: () => tenantColumn(),
    task: () => p.manyToOne(Task).fieldName('task_id').primary().updateRule('no action'),
    dependsOn: () => p.manyToOne(Task).fieldName('depends_on_id').primary().updateRule('no action'),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    createdBy: () => userRef('created_by'),
  },
});
export class TaskDependency extends TaskDependencySchema.class {}
TaskDependencySchema.setClass(TaskDependency);
