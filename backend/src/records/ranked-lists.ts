// Stored ranked lists as placement (records/rank.ts) reads and respaces them: the open cards of
// a board column (deals, leads) and a person's or team's task order.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, expressionBuilder, type SqlBool, sql } from 'kysely';
import type { RankedList } from './rank.ts';
import { type Database, db } from './sql.ts';
import { sqlArray } from './sql-arrays.ts';

/** Tables whose rows carry a rank. */
type RankedTable = 'deal' | 'lead' | 'task';

/** The columns placement reads, in every ranked table (a column one of them lacks is a compile error). */
type RankedColumns = { [K in 'id' | 'rank' | 'tenant_id']: Database[RankedTable][K] };

/**
 * The rows of `table` (of the current tenant) that `members` selects (unqualified columns), in
 * rank order, ties by id; `exceptId`, the row being placed, left out.
 */
function rankedList(
  em: EntityManager,
  table: RankedTable,
  members: Expression<SqlBool>,
  exceptId: string | null,
): RankedList {
  const rows = <A extends string>(alias: A) => sql<RankedColumns>`${sql.table(table)}`.as(alias);
  return {
    async neighbours(side, rank, limit) {
      const direction = side === 'below' ? 'desc' : 'asc';
      // A row another transaction holds (being edited or moved) is read but not locked: it stays
      // put and bounds the respacing, so a respacing never waits for a row, and never deadlocks.
      return db(em)
        .selectFrom(
          db(em)
            .selectFrom(rows('t'))
            .select(['t.id', 't.rank'])
            .where('t.tenant_id', '=', sql<string>`crm_current_tenant()`)
            .where(members)
            .where('t.id', 'is distinct from', exceptId)
            .where('t.rank', side === 'below' ? '<=' : '>=', rank)
            .orderBy('t.rank', direction)
            .orderBy('t.id', direction)
            .limit(limit)
            .as('r'),
        )
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom(rows('x'))
              .select('x.id')
              .whereRef('x.id', '=', 'r.id')
              .whereRef('x.rank', '=', 'r.rank')
              .where('x.tenant_id', '=', sql<string>`crm_current_tenant()`)
              .where(members)
              .forUpdate(['x'])
              .skipLocked()
              .as('l'),
          (join) => join.onTrue(),
        )
        .select((eb) => ['r.id', 'r.rank', eb('l.id', 'is not', null).$castTo<boolean>().as('locked')])
        .orderBy('r.rank', direction)
        .orderBy('r.id', direction)
        .execute();
    },
    async respace(items) {
      const ids = sqlArray(items.map((item) => item.id));
      const ranks = sqlArray(items.map((item) => item.rank));
      await db(em)
        .updateTable(rows('t'))
        .set((eb) => ({ rank: sql<string>`(${ranks}::text[])[array_position(${ids}::uuid[], ${eb.ref('t.id')})]` }))
        .where('t.id', '=', sql<string>`any(${ids}::uuid[])`)
        .where('t.tenant_id', '=', sql<string>`crm_current_tenant()`)
        .execute();
    },
  };
}

/** A person's or team's task order, which `members` selects (unqualified columns), but the task being placed. */
export function taskList(em: EntityManager, members: Expression<SqlBool>, exceptId: string | null): RankedList {
  return rankedList(em, 'task', members, exceptId);
}

/** The open cards of a board column of deals or leads, but the card being placed. */
export function boardColumn(
  em: EntityManager,
  kind: 'deal' | 'lead',
  column: { pipelineId: string; stageId: string; exceptId: string | null },
): RankedList {
  const eb = expressionBuilder<Database, 'deal' | 'lead'>();
  return rankedList(
    em,
    kind,
    eb.and([
      eb('pipeline_id', '=', column.pipelineId),
      eb('stage_id', '=', column.stageId),
      eb('status', '=', 'open'),
      eb('deleted_at', 'is', null),
    ]),
    column.exceptId,
  );
}
