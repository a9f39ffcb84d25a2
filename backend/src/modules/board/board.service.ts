// The kanban board (D4): a pipeline's open deals by stage. One query sums every column per
// currency in SQL numeric; one lateral query reads the first cards of every column in rank order.
// Moving a card writes that card alone: a fractional rank between its new neighbours (and, on the
// rare drop into a gap too narrow for a short rank, new ranks for a few neighbours first).
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, expressionBuilder, type Kysely, type QueryCreator, type SqlBool, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { checkVersion } from '../../http/etag.ts';
import type { FilterNode } from '../../http/filters.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import { ownedWithin, type Principal, type Visibility } from '../../http/principal.ts';
import { cursorScope, named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { actAs } from '../../records/acting-user.ts';
import { historyInsert } from '../../records/audit.ts';
import { placeBetween } from '../../records/rank.ts';
import { boardColumn } from '../../records/ranked-lists.ts';
import { compileOnly, currentTenantId, type Database, db, statementShapes } from '../../records/sql.ts';
import type { DealView } from '../deals/deals.schemas.ts';
import {
  contactNames,
  type DealRow,
  dealFilter,
  dealView,
  loadDeal,
  lostFields,
  snapshot,
  statusAfter,
} from '../deals/deals.service.ts';
import { formatAmount, roundDecimal } from '../deals/money.ts';
import { leadFilter } from '../leads/leads.service.ts';
import type { PipelineView } from '../pipelines/pipelines.schemas.ts';
import { getPipeline } from '../pipelines/pipelines.service.ts';
import { dealsEnteredStage } from '../stage-templates/stage-templates.events.ts';
import type { CardView, Move } from './board.schemas.ts';

/** The kinds of record a board shows: a pipeline is one of deals or of leads. */
export type CardKind = 'deal' | 'lead';

const THING = { deal: { en: 'deal', de: 'Deal' }, lead: { en: 'lead', de: 'Lead' } } as const;

/**
 * The kinds of the pipelines boards were opened for, by tenant and pipeline. A pipeline's kind never
 * changes and pipelines are never deleted (only with their tenant), so every board read after the
 * first saves a round trip. Bounded: the oldest entry goes when it is full.
 */
const kinds = new Map<string, CardKind>();
const KINDS_KEPT = 10_000;

/** Whether the pipeline is one of deals or of leads (undefined when the caller's tenant has no such pipeline). */
export async function pipelineKind(
  em: EntityManager,
  principal: Principal,
  pipelineId: string,
): Promise<CardKind | undefined> {
  const key = `${principal.tenantId}:${pipelineId}`;
  const known = kinds.get(key);
  if (known) return known;
  const row = await db(em).selectFrom('pipeline').select('kind').where('id', '=', pipelineId).executeTakeFirst();
  if (!row) return undefined;
  if (kinds.size >= KINDS_KEPT) kinds.delete(kinds.keys().next().value as string);
  kinds.set(key, row.kind);
  return row.kind;
}

/** The columns every card reads as they are, deal or lead. */
const CARD_COLUMNS = [
  'c.stage_id',
  'c.id',
  'c.title',
  'c.currency',
  'c.owner_id',
  'c.stage_entered_at',
  'c.version',
  'c.rank',
] as const;

/** A card's value as exact text and its owner's name, deal or lead. */
const valueAndOwner = (value: Expression<unknown>, owner: Expression<string | null>) =>
  [
    sql<string>`${value}::text`.as('value'),
    expressionBuilder<Database>()
      .selectFrom('app_user as u')
      .select('u.display_name')
      .where('u.id', '=', owner)
      .as('owner_name'),
  ] as const;

/**
 * The cards of a board, as the card view needs them. A lead is no contact yet: its card names its
 * person and company, with no ids to open and no close date.
 */
function cardsOf(k: Kysely<Database>, kind: CardKind) {
  return kind === 'deal'
    ? k
        .selectFrom('deal as c')
        .select(CARD_COLUMNS)
        .select((eb) => [
          ...valueAndOwner(eb.ref('c.value'), eb.ref('c.owner_id')),
          'c.person_id',
          'c.organization_id',
          ...contactNames(eb.ref('c.person_id'), eb.ref('c.organization_id')),
          sql<string | null>`${eb.ref('c.expected_close_date')}::text`.as('expected_close_date'),
        ])
    : k
        .selectFrom('lead as c')
        .select(CARD_COLUMNS)
        .select((eb) => [
          ...valueAndOwner(eb.ref('c.value'), eb.ref('c.owner_id')),
          sql<string | null>`null::uuid`.as('person_id'),
          sql<string | null>`nullif(concat_ws(' ', ${eb.ref('c.first_name')}, ${eb.ref('c.last_name')}), '')`.as(
            'person_name',
          ),
          sql<string | null>`null::uuid`.as('organization_id'),
          eb.ref('c.company_name').as('organization_name'),
          sql<string | null>`null::text`.as('expected_close_date'),
        ]);
}

type CardRow = {
  [K in keyof Awaited<ReturnType<ReturnType<typeof cardsOf>['executeTakeFirstOrThrow']>>]: K extends 'stage_entered_at'
    ? Date | string
    : Awaited<ReturnType<ReturnType<typeof cardsOf>['executeTakeFirstOrThrow']>>[K];
};

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

/**
 * Which cards of a board the caller reads: those its visibility admits, and (a filtered board) those
 * the filter trees match, as one condition on the cards (alias `c`).
 */
interface CardScope {
  visibility: Visibility;
  filter: Expression<SqlBool> | null;
}

async function cardScope(
  em: EntityManager,
  principal: Principal,
  kind: CardKind,
  filters: readonly FilterNode[],
): Promise<CardScope> {
  const visibility = await principal.visibility(kind);
  if (filters.length === 0) return { visibility, filter: null };
  const filter = await (kind === 'deal' ? dealFilter(em, filters, 'c') : leadFilter(em, filters, 'c'));
  return { visibility, filter };
}

type Column = { pipelineId: string | Expression<string>; stageId: string | Expression<string> };

/** The open cards of a column in the caller's scope, in rank order. */
function openCards(k: Kysely<Database>, kind: CardKind, scope: CardScope) {
  return (column: Column) =>
    cardsOf(k, kind)
      .where('c.tenant_id', '=', currentTenantId)
      .where('c.pipeline_id', '=', column.pipelineId)
      .where('c.stage_id', '=', column.stageId)
      .where('c.status', '=', 'open')
      .where('c.deleted_at', 'is', null)
      .where((eb) => ownedWithin(scope.visibility, eb.ref('c.owner_id')))
      .$if(scope.filter !== null, (query) => query.where(scope.filter as Expression<SqlBool>))
      .orderBy('c.rank');
}

export interface BoardView {
  pipelineId: string;
  stages: (Pick<PipelineView['stages'][number], 'id' | 'name' | 'probability' | 'color' | 'outcome'> & {
    count: number;
    sums: { currency: string; value: string; weighted: string }[];
    items: CardView[];
    nextCursor: string | null;
  })[];
}

/**
 * The sums of a column per currency. Unfiltered, a deal column's totals are read from
 * deal_stage_total (kept by triggers with every write); a filter, and a lead column, need the
 * cards themselves.
 */
function columnTotals(k: Kysely<Database>, kind: CardKind, scope: CardScope) {
  if (kind === 'deal' && scope.filter === null) {
    return (stage: { pipelineId: Expression<string>; stageId: Expression<string> }) =>
      k
        .selectFrom('deal_stage_total as t')
        .select((eb) => [
          't.currency',
          eb.cast<number>(eb.fn.sum('t.deals'), 'integer').as('n'),
          eb.fn.sum<string>('t.value').as('value'),
        ])
        .where('t.tenant_id', '=', currentTenantId)
        .where('t.pipeline_id', '=', stage.pipelineId)
        .where('t.stage_id', '=', stage.stageId)
        .where((eb) => ownedWithin(scope.visibility, eb.ref('t.owner_id')))
        .groupBy('t.currency')
        .having((eb) => eb.fn.sum('t.deals'), '>', 0);
  }
  const cards = openCards(k, kind, scope);
  return (stage: { pipelineId: Expression<string>; stageId: Expression<string> }) =>
    cards(stage)
      .clearSelect()
      .clearOrderBy()
      .select((eb) => [
        'c.currency',
        eb.cast<number>(eb.fn.countAll(), 'integer').as('n'),
        eb.fn.sum<string>('c.value').as('value'),
      ])
      .groupBy('c.currency');
}

/**
 * The statement of a board: per active stage its sums per currency and its first cards. Built
 * against `k` with the pipeline and the number of cards as given (values, or stand-ins).
 */
function boardStatement(
  k: Kysely<Database>,
  kind: CardKind,
  scope: CardScope,
  values: { pipelineId: string; cards: number },
) {
  const cards = openCards(k, kind, scope);
  const totals = columnTotals(k, kind, scope);
  // Weighted: value × probability × 0.01 stays exact in numeric (scale 4 + 2) and is rounded once, per currency.
  return k
    .selectFrom('pipeline_stage as s')
    .select((eb) => {
      const column = { pipelineId: eb.ref('s.pipeline_id'), stageId: eb.ref('s.id') };
      return [
        's.id',
        's.name',
        's.probability',
        's.color',
        's.outcome',
        jsonArrayFrom(
          eb
            .selectFrom(totals(column).as('t'))
            .select((sum) => [
              't.currency',
              't.n',
              sql<string>`${sum.ref('t.value')}::text`.as('value'),
              sql<string>`(${sum.ref('t.value')} * ${sum.ref('s.probability')} * 0.01)::text`.as('weighted'),
            ])
            .orderBy('t.currency'),
        ).as('sums'),
        jsonArrayFrom(cards(column).limit(values.cards)).as('cards'),
      ];
    })
    .where('s.pipeline_id', '=', values.pipelineId)
    .where('s.archived_at', 'is', null)
    .orderBy('s.position');
}

/**
 * The unfiltered board, the one opened most, compiled once per kind and visibility scope: only the
 * pipeline, the owners the caller may see and the number of cards change between requests.
 */
const unfilteredBoard = statementShapes(
  ['pipelineId', 'ownerIds', 'cards'],
  (
    values: { pipelineId: string; ownerIds: readonly string[]; cards: number },
    shape: { kind: CardKind; scope: Visibility['scope'] },
  ) => {
    const visibility: Visibility =
      shape.scope === 'all' ? { scope: 'all' } : { scope: shape.scope, ownerIds: values.ownerIds };
    return boardStatement(compileOnly, shape.kind, { visibility, filter: null }, values);
  },
);

/** A pipeline's board: per active stage its count, sums per currency and first cards, in one statement. */
export async function boardOf(
  em: EntityManager,
  principal: Principal,
  kind: CardKind,
  pipelineId: string,
  options: { filters: readonly FilterNode[]; limit: number },
): Promise<BoardView> {
  const scope = await cardScope(em, principal, kind, options.filters);
  const values = { pipelineId, cards: options.limit + 1 };
  const rows =
    scope.filter === null
      ? await unfilteredBoard(
          em,
          { kind, scope: scope.visibility.scope },
          {
            ...values,
            ownerIds: scope.visibility.scope === 'owners' ? scope.visibility.ownerIds : [],
          },
        )
      : await boardStatement(db(em), kind, scope, values).execute();
  // A pipeline always keeps an active stage: no rows, no pipeline.
  if (rows.length === 0) throw problem('not_found', { noSuch: noSuch('pipeline'), id: pipelineId });
  return {
    pipelineId,
    stages: rows.map((stage) => {
      const shown = stage.cards.slice(0, options.limit);
      return {
        id: stage.id,
        name: stage.name,
        probability: stage.probability,
        color: stage.color,
        outcome: stage.outcome,
        count: stage.sums.reduce((total, sum) => total + sum.n, 0),
        sums: stage.sums.map((sum) => ({
          currency: sum.currency,
          value: formatAmount(sum.value, sum.currency),
          weighted: formatAmount(roundDecimal(sum.weighted, 6), sum.currency),
        })),
        items: shown.map(cardView),
        nextCursor: stage.cards.length > options.limit ? encodeCursor([shown.at(-1)?.rank]) : null,
      };
    }),
  };
}

/** The next cards of one column after a cursor. */
export async function stagePage(
  em: EntityManager,
  principal: Principal,
  kind: CardKind,
  pipelineId: string,
  stageId: string,
  options: { filters: readonly FilterNode[]; limit: number; cursor?: string | undefined },
): Promise<{ items: CardView[]; nextCursor: string | null }> {
  const pipeline = await getPipeline(em, pipelineId);
  if (!pipeline.stages.some((stage) => stage.id === stageId)) {
    throw problem('stage_not_on_board', { pipeline: pipeline.name, id: stageId }, { at: { pointer: '#/stageId' } });
  }
  const after = decodeCursor(options.cursor, 1) as [unknown] | undefined;
  const afterRank = after?.[0];
  if (after && typeof afterRank !== 'string') {
    throw problem('invalid_cursor', { list: cursorScope.stage }, { at: { in: 'query', pointer: '#/cursor' } });
  }
  const scope = await cardScope(em, principal, kind, options.filters);
  const rows = await openCards(
    db(em),
    kind,
    scope,
  )({ pipelineId, stageId })
    .$if(typeof afterRank === 'string', (query) => query.where('c.rank', '>', afterRank as string))
    .limit(options.limit + 1)
    .execute();
  const shown = rows.slice(0, options.limit);
  return {
    items: shown.map(cardView),
    nextCursor: rows.length > options.limit ? encodeCursor([shown.at(-1)?.rank]) : null,
  };
}

/** The ranks of the open cards of a column, but the card being placed, in rank order. */
function columnRanks(
  em: EntityManager,
  kind: CardKind,
  column: { pipelineId: string; stageId: string; exceptId: string },
  order: 'up' | 'down' = 'up',
) {
  return (kind === 'deal' ? db(em).selectFrom('deal as c') : db(em).selectFrom('lead as c'))
    .select('c.rank')
    .where('c.tenant_id', '=', sql<string>`crm_current_tenant()`)
    .where('c.pipeline_id', '=', column.pipelineId)
    .where('c.stage_id', '=', column.stageId)
    .where('c.status', '=', 'open')
    .where('c.deleted_at', 'is', null)
    .where('c.id', '<>', column.exceptId)
    .orderBy('c.rank', order === 'up' ? 'asc' : 'desc');
}

/**
 * The rank of a card placed in a column: right after or before a neighbour the caller may see,
 * at the top or bottom, or (no place given) its own rank when it stays in the column and the
 * top when it enters. The column is locked, so concurrent moves into it take turns.
 */
export async function rankIn(
  em: EntityManager,
  principal: Principal,
  kind: CardKind,
  card: { id: string; rank: string; pipelineId: string; stageId: string; open: boolean },
  stageId: string,
  move: Move,
): Promise<string> {
  const column = { pipelineId: card.pipelineId, stageId, exceptId: card.id };
  const cards = boardColumn(em, kind, column);
  // The card's own rank stays free while the card still holds it (the board's index is unique).
  const placed = (below: string | null, above: string | null) => placeBetween(cards, below, above, [card.rank]);
  const neighbour = move.afterId ?? move.beforeId;
  if (neighbour) {
    const pointer = move.afterId ? '#/afterId' : '#/beforeId';
    if (neighbour === card.id) {
      throw problem('invalid_neighbour_self', {}, { at: { pointer } });
    }
    const visibility = await principal.visibility(kind);
    const neighbours = columnRanks(em, kind, column).where('c.id', '=', neighbour);
    const anchor = neighbours.where((eb) => ownedWithin(visibility, eb.ref('c.owner_id')));
    // The neighbour and the next card on the far side of it, in one statement.
    const row = await db(em)
      .selectNoFrom([
        anchor.as('anchor'),
        columnRanks(em, kind, column, move.afterId ? 'up' : 'down')
          .where('c.rank', move.afterId ? '>' : '<', anchor)
          .limit(1)
          .as('other'),
      ])
      .executeTakeFirstOrThrow();
    if (row.anchor === null) {
      throw problem('invalid_neighbour', { id: neighbour, thing: THING[kind] }, { at: { pointer } });
    }
    return move.afterId ? placed(row.anchor, row.other) : placed(row.other, row.anchor);
  }
  const position = move.position ?? (card.open && card.stageId === stageId ? undefined : 'top');
  if (position === undefined) return card.rank;
  const edge = await columnRanks(em, kind, column, position === 'top' ? 'up' : 'down')
    .limit(1)
    .executeTakeFirst();
  return position === 'top' ? placed(null, edge?.rank ?? null) : placed(edge?.rank ?? null, null);
}

/** A stage a card moves to, locked against archiving while the card moves (`for no key update`). */
export async function targetStage(em: EntityManager, stageId: string) {
  return db(em)
    .selectFrom('pipeline_stage')
    .select(['id', 'pipeline_id', 'name', 'probability', 'outcome', 'archived_at'])
    .where('id', '=', stageId)
    .forNoKeyUpdate()
    .executeTakeFirst();
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
  const stage = await targetStage(em, move.stageId);
  if (!stage || stage.archived_at || stage.pipeline_id !== current.pipeline_id) {
    throw problem(
      'card_stage_not_in_pipeline',
      { id: move.stageId, pipeline: current.pipeline_id, thing: THING.deal },
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
          'deal',
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
  const userId = principal.userId ?? null;
  const entered = stage.id !== current.stage_id;
  // The card, its stage change and its history in one statement: this runs on every drop.
  const update = (query: QueryCreator<Database>) =>
    query
      .updateTable('deal')
      .set((eb) => ({
        stage_id: stage.id,
        status,
        lost_reason_id: lost.lostReasonId,
        lost_note: lost.lostNote,
        rank,
        closed_at: eb
          .case()
          .when(eb.val(status), '=', 'open')
          .then(null)
          .when('status', '=', 'open')
          .then(sql<Date>`now()`)
          .else(eb.ref('closed_at'))
          .end(),
        stage_entered_at: eb
          .case()
          .when('stage_id', '=', stage.id)
          .then(eb.ref('stage_entered_at'))
          .else(sql<Date>`now()`)
          .end(),
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
        updated_by: userId,
      }))
      .where('id', '=', id)
      .returning(['version', 'updated_at', 'updated_by', 'closed_at', 'stage_entered_at']);
  // History names who moved the card: auto-advance moves it for whoever finished the stage's last task.
  const history = await actAs(principal.userId, async () =>
    historyInsert([{ type: 'deal', id, action: 'update', before: snapshot(current), after: snapshot(next) }]),
  );
  let writes: QueryCreator<Database> = db(em);
  if (entered) {
    writes = writes.with('stage_change', (query) =>
      query.insertInto('deal_stage_change').values({
        id: newId(),
        tenant_id: sql<string>`crm_current_tenant()`,
        deal_id: id,
        pipeline_id: current.pipeline_id,
        from_stage_id: current.stage_id,
        to_stage_id: stage.id,
        changed_by: userId,
      }),
    );
  }
  if (history) writes = writes.with('history_rows', history);
  const written = await update(writes).executeTakeFirstOrThrow();
  const moved: DealRow = { ...next, ...(written as unknown as Partial<DealRow>) };
  if (entered) {
    // The new stage's task templates (and, once their required tasks are done, auto-advance).
    await dealsEnteredStage(em, principal, [
      { dealId: id, pipelineId: current.pipeline_id, stageId: stage.id, outcome: stage.outcome },
    ]);
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
