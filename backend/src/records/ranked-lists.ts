// Stored ranked lists as placement (records/rank.ts) reads and respaces them: the open cards of
// a board column (deals, leads) and a person's or team's task order.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RankedItem, RankedList } from './rank.ts';
import { sqlIn } from './sql.ts';

/** Tables whose rows carry a rank. */
type RankedTable = 'deal' | 'lead' | 'task';

/**
 * The rows of `table` (of the current tenant) that `members` selects (unqualified columns), in
 * rank order, ties by id; `exceptId`, the row being placed, left out.
 */
export function rankedRows(
  em: EntityManager,
  table: RankedTable,
  members: { sql: string; params: readonly unknown[] },
  exceptId: string | null,
): RankedList {
  return {
    async neighbours(side, rank, limit) {
      const [compare, direction] = side === 'below' ? ['<=', 'desc'] : ['>=', 'asc'];
      // A row another transaction holds (being edited or moved) is read but not locked: it stays
      // put and bounds the respacing, so a respacing never waits for a row, and never deadlocks.
      return sqlIn<RankedItem>(
        em,
        `select r.id, r.rank, l.id is not null as locked
           from (select id, rank from ${table}
                  where tenant_id = crm_current_tenant() and ${members.sql}
                    and id is distinct from ?::uuid and rank ${compare} ?
                  order by rank ${direction}, id ${direction} limit ?) r
           left join lateral (
             select x.id from ${table} x
              where x.id = r.id and x.rank = r.rank and x.tenant_id = crm_current_tenant() and ${members.sql}
              for update of x skip locked) l on true
          order by r.rank ${direction}, r.id ${direction}`,
        [...members.params, exceptId, rank, limit, ...members.params],
      );
    },
    async respace(items) {
      await sqlIn(
        em,
        `update ${table} t set rank = m.rank
           from jsonb_to_recordset(?::jsonb) as m(id uuid, rank text)
          where t.id = m.id and t.tenant_id = crm_current_tenant()`,
        [JSON.stringify(items)],
      );
    },
  };
}

/** The open cards of a board column of deals or leads, but the card being placed. */
export function boardColumn(
  em: EntityManager,
  kind: 'deal' | 'lead',
  column: { pipelineId: string; stageId: string; exceptId: string | null },
): RankedList {
  return rankedRows(
    em,
    kind,
    {
      sql: `pipeline_id = ?::uuid and stage_id = ?::uuid and status = 'open' and deleted_at is null`,
      params: [column.pipelineId, column.stageId],
    },
    column.exceptId,
  );
}
