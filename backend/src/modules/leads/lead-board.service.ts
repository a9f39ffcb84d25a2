// The board of a lead pipeline, in the shape of the deal board: per stage the count of open leads,
// sums and weighted sums per currency in SQL numeric, and the first cards by rank with a cursor.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FilterNode } from '../../http/filters.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { cursorScope, problem } from '../../http/problems.ts';
import { sqlIn } from '../../records/sql.ts';
import { sqlArray } from '../../records/sql-arrays.ts';
import type { CardView } from '../board/board.schemas.ts';
import type { BoardView } from '../board/board.service.ts';
import { formatAmount, roundDecimal } from '../deals/money.ts';
import { getPipeline } from '../pipelines/pipelines.service.ts';
import { leadFilterSql, leadVisibility } from './leads.service.ts';

interface CardRow {
  stage_id: string;
  id: string;
  title: string;
  value: string;
  currency: string;
  owner_id: string | null;
  owner_name: string | null;
  person_name: string | null;
  company_name: string | null;
  stage_entered_at: string;
  version: number;
  rank: string;
}

const CARD_COLUMNS = `l.id, l.title, l.value::text as value, l.currency, l.owner_id,
       (select u.display_name from app_user u where u.id = l.owner_id) as owner_name,
       nullif(concat_ws(' ', l.first_name, l.last_name), '') as person_name, l.company_name, l.stage_entered_at,
       l.version, l.rank`;

// An open lead is no contact yet: the card names its person and company, with no ids to open.
const cardView = (row: CardRow): CardView => ({
  id: row.id,
  title: row.title,
  value: formatAmount(row.value, row.currency),
  currency: row.currency,
  ownerId: row.owner_id,
  ownerName: row.owner_name,
  personId: null,
  personName: row.person_name,
  organizationId: null,
  organizationName: row.company_name,
  expectedCloseDate: null,
  stageEnteredAt: new Date(row.stage_entered_at).toISOString(),
  version: row.version,
});

const OPEN_IN_PIPELINE = `l.tenant_id = crm_current_tenant() and l.pipeline_id = ? and l.status = 'open' and l.deleted_at is null`;

async function cardConditions(
  em: EntityManager,
  principal: Principal,
  filters: readonly FilterNode[],
): Promise<{ sql: string; params: unknown[] }> {
  const visible = await leadVisibility(principal);
  const filter = await leadFilterSql(em, filters);
  return { sql: `${visible.sql} and ${filter.sql}`, params: [...visible.params, ...filter.params] };
}

/** Whether the pipeline is one of leads (undefined when there is no such pipeline). */
export async function pipelineKind(em: EntityManager, pipelineId: string): Promise<'deal' | 'lead' | undefined> {
  const [row] = await sqlIn<{ kind: 'deal' | 'lead' }>(em, 'select kind from pipeline where id = ?', [pipelineId]);
  return row?.kind;
}

export async function leadBoardOf(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  options: { filters: readonly FilterNode[]; limit: number },
): Promise<BoardView> {
  const pipeline = await getPipeline(em, pipelineId);
  const where = await cardConditions(em, principal, options.filters);
  const sums = await sqlIn<{ stage_id: string; currency: string; n: number; value: string; weighted: string }>(
    em,
    `select t.stage_id, t.currency, t.n, t.value::text as value, (t.value * s.probability * 0.01)::text as weighted
       from (select l.stage_id, l.currency, count(*)::int as n, sum(l.value) as value
               from lead l
              where ${OPEN_IN_PIPELINE} and ${where.sql}
              group by l.stage_id, l.currency) t
       join pipeline_stage s on s.id = t.stage_id
      order by t.currency`,
    [pipelineId, ...where.params],
  );
  const cards = await sqlIn<CardRow>(
    em,
    `select c.* from unnest(?::uuid[]) with ordinality as s(id, position)
       cross join lateral (
         select s.id as stage_id, ${CARD_COLUMNS}
           from lead l
          where ${OPEN_IN_PIPELINE} and l.stage_id = s.id and ${where.sql}
          order by l.rank
          limit ?
       ) c
      order by s.position, c.rank`,
    [sqlArray(pipeline.stages.map((stage) => stage.id)), pipelineId, ...where.params, options.limit + 1],
  );
  return {
    pipelineId,
    stages: pipeline.stages.map((stage) => {
      const own = sums.filter((sum) => sum.stage_id === stage.id);
      const page = cards.filter((card) => card.stage_id === stage.id);
      const shown = page.slice(0, options.limit);
      return {
        id: stage.id,
        name: stage.name,
        probability: stage.probability,
        color: stage.color,
        outcome: stage.outcome,
        count: own.reduce((total, sum) => total + sum.n, 0),
        sums: own.map((sum) => ({
          currency: sum.currency,
          value: formatAmount(sum.value, sum.currency),
          weighted: formatAmount(roundDecimal(sum.weighted, 6), sum.currency),
        })),
        items: shown.map(cardView),
        nextCursor: page.length > options.limit ? encodeCursor([shown.at(-1)?.rank]) : null,
      };
    }),
  };
}

/** The next cards of one column of a lead board after a cursor. */
export async function leadStagePage(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  stageId: string,
  options: { filters: readonly FilterNode[]; limit: number; cursor?: string | undefined },
): Promise<{ items: CardView[]; nextCursor: string | null }> {
  const pipeline = await getPipeline(em, pipelineId);
  if (!pipeline.stages.some((stage) => stage.id === stageId)) {
    throw problem('stage_not_on_board', { pipeline: pipeline.name, id: stageId }, { at: { pointer: '#/stageId' } });
  }
  const after = decodeCursor(options.cursor, 1) as [unknown] | undefined;
  if (after && typeof after[0] !== 'string') {
    throw problem('invalid_cursor', { list: cursorScope.stage }, { at: { in: 'query', pointer: '#/cursor' } });
  }
  const where = await cardConditions(em, principal, options.filters);
  const rows = await sqlIn<CardRow>(
    em,
    `select l.stage_id, ${CARD_COLUMNS}
       from lead l
      where ${OPEN_IN_PIPELINE} and l.stage_id = ? and ${where.sql} ${after ? 'and l.rank > ?' : ''}
      order by l.rank
      limit ?`,
    [pipelineId, stageId, ...where.params, ...(after ? [after[0]] : []), options.limit + 1],
  );
  const shown = rows.slice(0, options.limit);
  return {
    items: shown.map(cardView),
    nextCursor: rows.length > options.limit ? encodeCursor([shown.at(-1)?.rank]) : null,
  };
}
