// The kanban board's server state: pipelines, the board (sums from the API's SQL), card moves with
// an optimistic change that is rolled back on refusal, and the live event stream that refreshes
// the board when a colleague changes it.
import type {
  Board,
  BoardOwners,
  BoardStage,
  DealCard,
  FilterNode,
  LostReason,
  MoveDealInput,
  Pipeline,
} from '@crm/backend/contract';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SignInRequired } from '../../../web-shared/api-client.ts';
import { useSession } from '../session.tsx';
import { useApiQuery } from './queries.ts';

export const usePipelines = () => useApiQuery<{ items: Pipeline[] }>('/v1/pipelines');

export const useBoardOwners = (pipelineId: string) =>
  useApiQuery<BoardOwners>(`/v1/pipelines/${encodeURIComponent(pipelineId)}/board/owners`);

export const useLostReasons = (objectType: 'deal' | 'lead', enabled = true) =>
  useApiQuery<{ items: LostReason[] }>('/v1/lost-reasons', { objectType, active: 'true' }, { enabled });

/** Cards per column on first load. */
export const CARDS_PER_COLUMN = 50;

export interface BoardQuery {
  filter?: FilterNode | undefined;
  savedFilterId?: string | undefined;
}

export const boardKey = (pipelineId: string, query: BoardQuery, language: string) => [
  'board',
  pipelineId,
  { filter: query.filter ? JSON.stringify(query.filter) : undefined, savedFilterId: query.savedFilterId },
  language,
];

export function useBoard(pipelineId: string, query: BoardQuery) {
  const { api } = useSession();
  const { i18n } = useTranslation();
  return useQuery({
    queryKey: boardKey(pipelineId, query, i18n.language),
    queryFn: async () =>
      (
        await api.get<Board>(`/v1/pipelines/${encodeURIComponent(pipelineId)}/board`, {
          filter: query.filter ? JSON.stringify(query.filter) : undefined,
          savedFilterId: query.savedFilterId,
          limit: CARDS_PER_COLUMN,
        })
      ).body,
    // The event stream says when it changed; no timer needed.
    staleTime: 60_000,
  });
}

/** Decimal places of a decimal string ("1250.50" → 2). */
const placesOf = (value: string) => value.split('.')[1]?.length ?? 0;
const shifted = (sum: string, delta: number, places: number) => (Number(sum) + delta).toFixed(places);

/** Takes a card's value off a column's sums or puts it on (the optimistic view until the API answers). */
function withCard(stage: BoardStage, card: DealCard, sign: 1 | -1): BoardStage {
  const value = Number(card.value) * sign;
  const places = placesOf(card.value);
  const weighted = (value * stage.probability) / 100;
  let found = false;
  const sums = stage.sums
    .map((sum) => {
      if (sum.currency !== card.currency) return sum;
      found = true;
      return {
        currency: sum.currency,
        value: shifted(sum.value, value, places),
        weighted: shifted(sum.weighted, weighted, places),
      };
    })
    .filter((sum) => stage.count + sign > 0 || sum.currency !== card.currency);
  if (!found && sign === 1) {
    sums.push({ currency: card.currency, value: card.value, weighted: weighted.toFixed(places) });
  }
  return { ...stage, count: Math.max(0, stage.count + sign), sums };
}

export interface PlannedMove {
  card: DealCard;
  fromStageId: string;
  toStageId: string;
  /** Where the card goes in the target column's shown cards. */
  index: number;
}

/** The board as it looks once the move is done: the card in its new place, both columns' sums updated. */
export function boardAfterMove(board: Board, move: PlannedMove): Board {
  const target = board.stages.find((stage) => stage.id === move.toStageId);
  // A won or lost card leaves the board (it shows open cards).
  const stays = target?.outcome === null || target?.outcome === undefined;
  return {
    ...board,
    stages: board.stages.map((stage) => {
      let next = stage;
      if (stage.id === move.fromStageId) {
        next = { ...next, items: next.items.filter((item) => item.id !== move.card.id) };
        if (move.fromStageId !== move.toStageId) next = withCard(next, move.card, -1);
      }
      if (stage.id === move.toStageId && stays) {
        const items = next.items.filter((item) => item.id !== move.card.id);
        items.splice(Math.min(move.index, items.length), 0, move.card);
        next = { ...next, items };
        if (move.fromStageId !== move.toStageId) next = withCard(next, move.card, 1);
      }
      return next;
    }),
  };
}

/** The request for a place in a column: right after the card above it, or before the one below, or the top. */
export function placement(board: Board, move: PlannedMove): Pick<MoveDealInput, 'afterId' | 'beforeId' | 'position'> {
  const after = boardAfterMove(board, move);
  const column = after.stages.find((stage) => stage.id === move.toStageId);
  if (!column || column.outcome) return {};
  const at = column.items.findIndex((item) => item.id === move.card.id);
  const above = column.items[at - 1];
  if (above) return { afterId: above.id };
  const below = column.items[at + 1];
  if (below) return { beforeId: below.id };
  return { position: 'top' };
}

export interface MoveRequest extends PlannedMove {
  kind: 'deal' | 'lead';
  lostReasonId?: string | undefined;
  lostNote?: string | undefined;
}

/**
 * Moves a card: the board shows the move at once; the API's answer (sums in SQL) replaces it, and
 * a refusal (409, 412, 422) puts the board back as it was before the error is shown.
 */
export function useMoveCard(key: readonly unknown[]) {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (move: MoveRequest) => {
      const board = client.getQueryData<Board>(key);
      const body: MoveDealInput = {
        stageId: move.toStageId,
        ...(board ? placement(board, move) : {}),
        ...(move.lostReasonId ? { lostReasonId: move.lostReasonId } : {}),
        ...(move.lostNote ? { lostNote: move.lostNote } : {}),
      };
      return api.request(
        'POST',
        `/v1/${move.kind === 'lead' ? 'leads' : 'deals'}/${encodeURIComponent(move.card.id)}/move`,
        {
          body,
          headers: { 'If-Match': `"${move.card.version}"` },
          // The board shows the move as soon as the request is sent: its render does not hold the request up.
          onSent: () => {
            const now = client.getQueryData<Board>(key);
            if (now) client.setQueryData<Board>(key, boardAfterMove(now, move));
          },
        },
      );
    },
    onMutate: () => {
      // A board read under way would overwrite the move: it is dropped (and read again when settled).
      void client.cancelQueries({ queryKey: key });
      return { before: client.getQueryData<Board>(key) };
    },
    onError: (_error, _move, context) => {
      if (context?.before) client.setQueryData(key, context.before);
    },
    onSettled: () => client.invalidateQueries({ queryKey: key.slice(0, 2) }),
  });
}

export type LiveState = 'connecting' | 'live' | 'offline';

/** Reads `event:` names from a server-sent event stream until it ends. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (name: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replaceAll('\r\n', '\n');
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: ?(.*)$/m.exec(block)?.[1];
      if (name) onEvent(name.trim());
      end = buffer.indexOf('\n\n');
    }
  }
}

function refreshBoard(client: QueryClient, pipelineId: string) {
  void client.invalidateQueries({ queryKey: ['board', pipelineId] });
  void client.invalidateQueries({ queryKey: [`/v1/pipelines/${encodeURIComponent(pipelineId)}/board/owners`] });
}

/**
 * The board's live updates: the pipeline's event stream (fetch with the bearer token), the board
 * read again on each change and on each (re)connect, which also catches what happened while away.
 */
export function useBoardEvents(pipelineId: string): LiveState {
  const { api } = useSession();
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const controller = new AbortController();
    let retryIn = 1000;
    const run = async () => {
      while (!controller.signal.aborted) {
        try {
          const response = await api.stream(
            `/v1/pipelines/${encodeURIComponent(pipelineId)}/events`,
            controller.signal,
          );
          await readEvents(response.body as ReadableStream<Uint8Array>, (name) => {
            if (name === 'ready') {
              setState('live');
              retryIn = 1000;
            }
            // A reconnect may have missed changes: read the board again either way.
            if (name === 'ready' || name === 'change') refreshBoard(client, pipelineId);
          });
        } catch (error) {
          if (controller.signal.aborted || error instanceof SignInRequired) return;
          setState('offline');
        }
        if (controller.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, retryIn));
        retryIn = Math.min(retryIn * 2, 30_000);
      }
    };
    void run();
    return () => controller.abort();
  }, [api, client, pipelineId]);
  return state;
}
