import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { DealParamsSchema, DealSchema } from '../deals/deals.schemas.ts';
import { leadBoardOf, leadStagePage, pipelineKind } from '../leads/lead-board.service.ts';
import { filtersOf } from '../saved-filters/saved-filters.service.ts';
import {
  BoardParamsSchema,
  BoardQuerySchema,
  BoardSchema,
  BoardStageParamsSchema,
  MoveSchema,
  StagePageQuerySchema,
  StagePageSchema,
} from './board.schemas.ts';
import { boardOf, moveDeal, stagePage } from './board.service.ts';

export function boardRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/pipelines/{id}/board',
      operationId: 'getBoard',
      summary:
        'Kanban board: per stage the count of open deals, sums and weighted sums per currency, and the first cards; with the filter tree and/or a saved filter',
      tags: ['Board'],
      params: BoardParamsSchema,
      query: BoardQuerySchema,
      responses: {
        200: jsonResponse(BoardSchema, 'The board'),
        404: { description: 'No such pipeline' },
        422: { description: 'The saved filter does not fit (removed custom field, another entity type)' },
      },
      async handler(ctx, { params, query }) {
        if ((await pipelineKind(emOf(ctx), params.id)) === 'lead') {
          const filters = await filtersOf(emOf(ctx), principalOf(ctx), 'lead', query);
          ctx.body = await leadBoardOf(emOf(ctx), principalOf(ctx), params.id, { filters, limit: query.limit });
          return;
        }
        const filters = await filtersOf(emOf(ctx), principalOf(ctx), 'deal', query);
        ctx.body = await boardOf(emOf(ctx), principalOf(ctx), params.id, { filters, limit: query.limit });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/pipelines/{id}/board/stages/{stageId}',
      operationId: 'getBoardStage',
      summary: 'The next cards of one board column after its cursor',
      tags: ['Board'],
      params: BoardStageParamsSchema,
      query: StagePageQuerySchema,
      responses: {
        200: jsonResponse(StagePageSchema, 'A page of cards'),
        404: { description: 'No such pipeline' },
        422: { description: 'Not a stage of the pipeline' },
      },
      async handler(ctx, { params, query }) {
        const leads = (await pipelineKind(emOf(ctx), params.id)) === 'lead';
        const filters = await filtersOf(emOf(ctx), principalOf(ctx), leads ? 'lead' : 'deal', query);
        ctx.body = await (leads ? leadStagePage : stagePage)(emOf(ctx), principalOf(ctx), params.id, params.stageId, {
          filters,
          limit: query.limit,
          cursor: query.cursor,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/deals/{id}/move',
      operationId: 'moveDeal',
      summary:
        'Move a card to a stage of its pipeline and a place in that column (afterId, beforeId or position); If-Match with its ETag',
      tags: ['Board'],
      params: DealParamsSchema,
      body: MoveSchema,
      responses: {
        200: jsonResponse(DealSchema, 'The moved deal'),
        404: { description: 'No such deal you may see' },
        412: { description: 'Changed meanwhile (stale If-Match)' },
        422: {
          description: "Not a stage of the deal's pipeline, not a card of the column, or a lost stage without reason",
        },
      },
      async handler(ctx, { params, body }) {
        const deal = await moveDeal(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, deal.version);
        ctx.body = deal;
      },
    }),
  ];
}
