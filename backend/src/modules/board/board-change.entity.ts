// The boards' change sequence: one row per pipeline a write touched, appended by statement
// triggers on deal and lead in the writing transaction. A board's live updates poll the newest
// rows of their pipeline (one index range), so every backend process on one database sees every
// other's writes without LISTEN/NOTIFY (which the embedded PGlite lacks).
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation } from '../../entity-columns.ts';

export const BoardChangeSchema = defineEntity({
  name: 'BoardChange',
  tableName: 'board_change',
  policies: tenantIsolation(),
  indexes: [{ name: 'board_change_pipeline_idx', properties: ['tenant', 'pipelineId', 'id'] }],
  properties: {
    id: p.bigint().primary().autoincrement(),
    tenant: () => tenantColumn(),
    pipelineId: p.uuid(),
    changedAt: p.datetime().defaultRaw('now()'),
  },
});
export class BoardChange extends BoardChangeSchema.class {}
BoardChangeSchema.setClass(BoardChange);

/**
 * The statement triggers that append a table's changed pipelines to board_change (deal, lead), as
 * the migration created them (transition tables, which the trigger builder cannot express).
 */
export function boardChangeTriggers(table: 'deal' | 'lead') {
  const trigger = (event: 'insert' | 'update' | 'delete', referencing: string) => ({
    name: `${table}_board_change_${event}`,
    timing: 'after' as const,
    events: [event],
    forEach: 'statement' as const,
    expression: `create trigger ${table}_board_change_${event} after ${event} on ${table} referencing ${referencing} for each statement execute function crm_board_change()`,
  });
  return [
    trigger('insert', 'new table as new_rows'),
    trigger('update', 'old table as old_rows new table as new_rows'),
    trigger('delete', 'old table as old_rows'),
  ];
}
