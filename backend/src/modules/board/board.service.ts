// The kanban board (D4): a pipeline's open deals by stage. One query sums every column per
// currency in SQL numeric; one lateral query reads the first cards of every column in rank order.
// Moving a card writes that card alone: a fractional rank between its new neighbours (and, on the
// rare drop into a gap too narrow for a short rank, new ranks for a few neighbours first).
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkVersion } from '../../http/etag.ts';
import type { FilterNode } from '../../http/filters.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { cursorScope, named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { diffSnapshots } from '../../records/history.ts';
import { placeBetween } from '../../records/rank.ts';
import { boardColumn } from '../../records/ranked-lists.ts';
import { db, sqlIn } from '../../records/sql.ts';
import type { DealView } from '../deals/deals.schemas.ts';
import {
  type DealRow,
  dealFilterSql,
  dealView,
  dealVisibility,
  loadDeal,
  lostFields,
  snapshot,
  statusAfter,
} from '../deals/deals.service.ts';
import { formatAmount, roundDecimal } from '../deals/money.ts';
import type { PipelineView } from '../pipelines/pipelines.schemas.ts';
import { getPipeline } from '../pipelines/pipelines.service.ts';
import { dealsEnteredStage } from '../stage-templates/stage-templates.events.ts';
import type { CardView, Move } from './board.schemas.ts';

interface CardRow {
  stage_id: string;
  id: string;
  title: string;
  value: string;
  currency: string;
  owner_id: string | null;
  owner_name: string | null;
  person_id: string | null;
  person_name: string | null;
  organization_id: string | null;
  organization_name: string | null;
  expected_close_date: string | null;
  stage_entered_at: string;
  version: number;
  rank: string;
}

const CARD_COLUMNS = `d.id, d.title, d.value::text as value, d.currency, d.owner_id,
       (select u.display_name from app_user u where u.id = d.owner_id) as owner_name, d.person_id,
       (select concat_ws(' ', p.first_name, p.last_name) from person p where p.id = d.person_id) as person_name,
       d.organization_id, (select o.name from organization o where o.id = d.organization_id) as organization_name,
       d.expected_close_date::text as expected_close_date, d.stage_entered_at, d.version, d.rank`;

const cardView = (row: CardRow): CardView => ({
  id: row.id,
  title: row.title,
  value: formatAmount(row.value, row.currency),
  currency: row.currency,
  ownerId: row.owner_id,
  ownerName: row.owner_name,
  personId: row.person_id,
  personName: row.person_name,
  organizationId: row.organization_id,
  organizationName: row.organization_name,
  expectedCloseDate: row.expected_close_date,
  stageEnteredAt: new Date(row.stage_entered_at).toISOString(),
  version: row.version,
});

/** The conditions every card of the board meets: the caller may see it, and it matches the filters. */
async function cardConditions(
  em: EntityManager,
  principal: Principal,
  filters: readonly FilterNode[],
): Promise<{ sql: string; params: unknown[] }> {
  const visible = await dealVisibility(principal);
  const filter = await dealFilterSql(em, filters);
  return { sql: `${visible.sql} and ${filter.sql}`, params: [...visible.params, ...filter.params] };
}

const OPEN_IN_PIPELINE = `d.tenant_id = crm_current_tenant() and d.pipeline_id = ? and d.status = 'open' and d.deleted_at is null`;

/** The open deals of the stage `s` (a pipeline_stage row of the outer query). */
const OPEN_IN_STAGE = `d.tenant_id = crm_current_tenant() and d.pipeline_id = s.pipeline_id and d.stage_id = s.id
  and d.status = 'open' and d.deleted_at is null`;

export interface BoardView {
  pipelineId: string;
  stages: (Pick<PipelineView['stages'][number], 'id' | 'name' | 'probability' | 'color' | 'outcome'> & {
    count: number;
    sums: { currency: string; value: string; weighted: string }[];
    items: CardView[];
    nextCursor: string | null;
  })[];
}

export async function boardOf(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  options: { filters: readonly FilterNode[]; limit: number },
): Promise<BoardView> {
  const where = await cardConditions(em, principal, options.filters);
  const visible = await dealVisibility(principal);
  // Unfiltered, a column's totals are read from deal_stage_total (kept by triggers with every
  // write); a filter needs the deals themselves. Weighted: value × probability × 0.01 stays exact
  // in numeric (scale 4 + 2) and is rounded once, per currency.
  const totals =
    options.filters.length === 0
      ? {
          sql: `select d.currency, sum(d.deals)::int as n, sum(d.value) as value from deal_stage_total d
                 where d.tenant_id = crm_current_tenant() and d.pipeline_id = s.pipeline_id and d.stage_id = s.id
                   and ${visible.sql}
                 group by d.currency having sum(d.deals) > 0`,
          params: visible.params,
        }
      : {
          sql: `select d.currency, count(*)::int as n, sum(d.value) as value from deal d
                 where ${OPEN_IN_STAGE} and ${where.sql}
                 group by d.currency`,
          params: where.params,
        };
  // The whole board in one statement: each active stage with its totals and its first cards.
  const rows = await sqlIn<{
    id: string;
    name: string;
    probability: number;
    color: string | null;
    outcome: 'won' | 'lost' | null;
    sums: { currency: string; n: number; value: string; weighted: string }[] | null;
    cards: CardRow[] | null;
  }>(
    em,
    `select s.id, s.name, s.probability, s.color, s.outcome,
            (select json_agg(json_build_object('currency', t.currency, 'n', t.n, 'value', t.value::text,
                                               'weighted', (t.value * s.probability * 0.01)::text)
                             order by t.currency)
               from (${totals.sql}) t) as sums,
            (select json_agg(c order by c.rank)
               from (select ${CARD_COLUMNS} from deal d
                      where ${OPEN_IN_STAGE} and ${where.sql}
                      order by d.rank limit ?) c) as cards
       from pipeline_stage s
      where s.pipeline_id = ? and s.archived_at is null
      order by s.position`,
    [...totals.params, ...where.params, options.limit + 1, pipelineId],
  );
  // A pipeline always keeps an active stage: no rows, no pipeline.
  if (rows.length === 0) throw problem('not_found', { noSuch: noSuch('pipeline'), id: pipelineId });
  return {
    pipelineId,
    stages: rows.map((stage) => {
      const sums = stage.sums ?? [];
      const page = stage.cards ?? [];
      const shown = page.slice(0, options.limit);
      return {
        id: stage.id,
        name: stage.name,
        probability: stage.probability,
        color: stage.color,
        outcome: stage.outcome,
        count: sums.reduce((total, sum) => total + sum.n, 0),
        sums: sums.map((sum) => ({
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

/** The next cards of one column after a cursor. */
export async function stagePage(
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
    `select d.stage_id, ${CARD_COLUMNS}
       from deal d
      where ${OPEN_IN_PIPELINE} and d.stage_id = ? and ${where.sql} ${after ? 'and d.rank > ?' : ''}
      order by d.rank
      limit ?`,
    [pipelineId, stageId, ...where.params, ...(after ? [after[0]] : []), options.limit + 1],
  );
  const shown = rows.slice(0, options.limit);
  return {
    items: shown.map(cardView),
    nextCursor: rows.length > options.limit ? encodeCursor([shown.at(-1)?.rank]) : null,
  };
}

interface TargetStage {
  id: string;
  pipeline_id: string;
  name: string;
  probability: number;
  outcome: 'won' | 'lost' | null;
  archived_at: string | null;
}

/**
 * The rank of a card placed in a column: right after or before a neighbour the caller may see,
 * at the top or bottom, or (no place given) its own rank when it stays in the column and the
 * top when it enters. The column is locked, so concurrent moves into it take turns.
 */
async function rankIn(
  em: EntityManager,
  principal: Principal,
  deal: { id: string; rank: string; pipelineId: string; stageId: string; open: boolean },
  stageId: string,
  move: Move,
): Promise<string> {
  const column = `d.tenant_id = crm_current_tenant() and d.pipeline_id = ? and d.stage_id = ?
    and d.status = 'open' and d.deleted_at is null and d.id <> ?`;
  const columnParams = [deal.pipelineId, stageId, deal.id];
  const cards = boardColumn(em, 'deal', { pipelineId: deal.pipelineId, stageId, exceptId: deal.id });
  // The card's own rank stays free while the card still holds it (the board's index is unique).
  const placed = (below: string | null, above: string | null) => placeBetween(cards, below, above, [deal.rank]);
  const neighbour = move.afterId ?? move.beforeId;
  if (neighbour) {
    const pointer = move.afterId ? '#/afterId' : '#/beforeId';
    if (neighbour === deal.id) {
      throw problem('invalid_neighbour_self', {}, { at: { pointer } });
    }
    const visible = await dealVisibility(principal);
    const [row] = await sqlIn<{ anchor: string; other: string | null }>(
      em,
      move.afterId
        ? `select d.rank as anchor,
                  (select min(n.rank) from deal n where ${column.replaceAll('d.', 'n.')} and n.rank > d.rank) as other
             from deal d where ${column} and d.id = ? and ${visible.sql}`
        : `select d.rank as anchor,
                  (select max(n.rank) from deal n where ${column.replaceAll('d.', 'n.')} and n.rank < d.rank) as other
             from deal d where ${column} and d.id = ? and ${visible.sql}`,
      [...columnParams, ...columnParams, neighbour, ...visible.params],
    );
    if (!row) {
      throw problem('invalid_neighbour', { id: neighbour, thing: { en: 'deal', de: 'Deal' } }, { at: { pointer } });
    }
    return move.afterId ? placed(row.anchor, row.other) : placed(row.other, row.anchor);
  }
  const position = move.position ?? (deal.open && deal.stageId === stageId ? undefined : 'top');
  if (position === undefined) return deal.rank;
  const [edge] = await sqlIn<{ rank: string | null }>(
    em,
    `select ${position === 'top' ? 'min' : 'max'}(d.rank) as rank from deal d where ${column}`,
    columnParams,
  );
  return position === 'top' ? placed(null, edge?.rank ?? null) : placed(edge?.rank ?? null, null);
}

/** Moves a card to a stage of its pipeline and a place in that column (If-Match). */
export async function moveDeal(
  em: EntityManager,
  principal: Principal,
  id: string,
  move: Move,
  expectedVersion: number | undefined,
): Promise<DealView> {
  const current = await loadDeal(em, principal, id, { lock: true });
  checkVersion(current, expectedVersion, named('deal', current.title));
  const [stage] = await sqlIn<TargetStage>(
    em,
    'select id, pipeline_id, name, probability, outcome, archived_at from pipeline_stage where id = ? for no key update',
    [move.stageId],
  );
  if (!stage || stage.archived_at || stage.pipeline_id !== current.pipeline_id) {
    throw problem(
      'card_stage_not_in_pipeline',
      { id: move.stageId, pipeline: current.pipeline_id, thing: { en: 'deal', de: 'Deal' } },
      { at: { pointer: '#/stageId' } },
    );
  }
  const target = {
    pipelineId: stage.pipeline_id,
    id: stage.id,
    name: stage.name,
    probability: stage.probability,
    outcome: stage.outcome,
  };
  const status = statusAfter({ status: current.status, stageId: current.stage_id }, target, undefined);
  const lost = await lostFields(
    em,
    status,
    { lostReasonId: current.lost_reason_id, lostNote: current.lost_note },
    {
      ...(move.lostReasonId ? { lostReasonId: move.lostReasonId } : {}),
      ...(move.lostNote ? { lostNote: move.lostNote } : {}),
    },
  );
  const rank =
    status === 'open'
      ? await rankIn(
          em,
          principal,
          {
            id,
            rank: current.rank,
            pipelineId: current.pipeline_id,
            stageId: current.stage_id,
            open: current.status === 'open',
          },
          stage.id,
          move,
        )
      : current.rank;
  const next = {
    ...current,
    stage_id: stage.id,
    stage_name: stage.name,
    probability: stage.probability,
    stage_outcome: stage.outcome,
    status,
    lost_reason_id: lost.lostReasonId,
    lost_note: lost.lostNote,
    rank,
  };
  const changes = diffSnapshots(snapshot(current), snapshot(next));
  // The card, its stage change and each changed field's history in one statement: this runs on every drop.
  const [written] = await sqlIn<
    Pick<DealRow, 'version' | 'updated_at' | 'updated_by' | 'closed_at' | 'stage_entered_at'>
  >(
    em,
    `with moved as (
       update deal set stage_id = ?, status = ?, lost_reason_id = ?, lost_note = ?, rank = ?,
              closed_at = case when ? = 'open' then null when status = 'open' then now() else closed_at end,
              stage_entered_at = case when stage_id = ? then stage_entered_at else now() end,
              version = version + 1, updated_at = now(), updated_by = ?
        where id = ?
        returning version, updated_at, updated_by, closed_at, stage_entered_at
     ), stage_change as (
       insert into deal_stage_change (id, tenant_id, deal_id, pipeline_id, from_stage_id, to_stage_id, changed_by)
       select ?, crm_current_tenant(), ?, ?, ?, ?, ? where ?
     ), changed as (
       insert into history (id, tenant_id, record_type, record_id, change_id, action, field, before, after, changed_by)
       select h.id, crm_current_tenant(), 'deal', ?, ?, 'update', h.field, h.before, h.after, ?
         from jsonb_to_recordset(?::jsonb) as h(id uuid, field text, before jsonb, after jsonb)
     )
     select * from moved`,
    [
      stage.id,
      status,
      lost.lostReasonId,
      lost.lostNote,
      rank,
      status,
      stage.id,
      principal.userId ?? null,
      id,
      newId(),
      id,
      current.pipeline_id,
      current.stage_id,
      stage.id,
      principal.userId ?? null,
      stage.id !== current.stage_id,
      id,
      newId(),
      principal.userId ?? null,
      JSON.stringify(changes.map((change) => ({ id: newId(), ...change }))),
    ],
  );
  const moved: DealRow = { ...next, ...(written as NonNullable<typeof written>) };
  if (stage.id !== current.stage_id) {
    // The new stage's task templates (and, once their required tasks are done, auto-advance).
    await dealsEnteredStage(em, principal, [{ dealId: id, pipelineId: current.pipeline_id, stageId: stage.id }]);
  }
  return dealView(moved);
}

/** The owners of the open cards of a pipeline the caller may see, by name: the board's owner filter. */
export async function boardOwners(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
  kind: 'deal' | 'lead',
): Promise<{ items: { id: string; displayName: string }[] }> {
  const visibility = await principal.visibility(kind);
  const owners = (kind === 'deal' ? db(em).selectFrom('deal as c') : db(em).selectFrom('lead as c'))
    .select('c.owner_id')
    .distinct()
    .where('c.pipeline_id', '=', pipelineId)
    .where('c.status', '=', 'open')
    .where('c.deleted_at', 'is', null)
    .where('c.owner_id', 'is not', null)
    .$if(visibility.scope === 'owners', (query) =>
      query.where('c.owner_id', 'in', visibility.scope === 'owners' ? [...visibility.ownerIds, NO_ONE] : []),
    );
  const rows = await db(em)
    .selectFrom('app_user as u')
    .select(['u.id', 'u.display_name'])
    .where('u.id', 'in', owners)
    .orderBy('u.display_name')
    .orderBy('u.id')
    .execute();
  return { items: rows.map((row) => ({ id: row.id, displayName: row.display_name })) };
}

/** Keeps `in (...)` valid when the caller may see no one's cards. */
const NO_ONE = '00000000-0000-0000-0000-000000000000';
