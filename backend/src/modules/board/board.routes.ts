import { PassThrough } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { authProblem, bearerToken, TokenVerifier } from '../../http/auth.ts';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf } from '../../http/principal.ts';
import { noSuch, problem } from '../../http/problems.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { DealParamsSchema, DealSchema } from '../deals/deals.schemas.ts';
import { resolvePrincipal } from '../identity/identity.service.ts';
import type { ModuleContext } from '../module.ts';
import { getPipeline } from '../pipelines/pipelines.service.ts';
import { filtersOf } from '../saved-filters/saved-filters.service.ts';
import { BoardEventHub } from './board.events.ts';
import {
  BoardOwnersSchema,
  BoardParamsSchema,
  BoardQuerySchema,
  BoardSchema,
  BoardStageParamsSchema,
  MoveSchema,
  StagePageQuerySchema,
  StagePageSchema,
} from './board.schemas.ts';
import { boardOf, boardOwners, moveDeal, pipelineKind, stagePage } from './board.service.ts';

/** How often an open stream says it is alive (proxies close quiet connections). */
const HEARTBEAT_MS = 15_000;
/** A stream ends after this long at most (and when its token expires); the browser reconnects. */
const MAX_STREAM_MS = 30 * 60_000;

export function boardRoutes(context: ModuleContext): RouteSpec[] {
  const hub = new BoardEventHub(context.orm);
  const verifier = new TokenVerifier(context.config.entra);
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
        // No such pipeline: the deal board answers 404, after the saved filter is checked.
        const kind = (await pipelineKind(emOf(ctx), principalOf(ctx), params.id)) ?? 'deal';
        const filters = await filtersOf(emOf(ctx), principalOf(ctx), kind, query);
        ctx.body = await boardOf(emOf(ctx), principalOf(ctx), kind, params.id, { filters, limit: query.limit });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/pipelines/{id}/board/owners',
      operationId: 'getBoardOwners',
      summary: "The owners of the pipeline's open cards you may see, by name (the board's owner filter)",
      tags: ['Board'],
      params: BoardParamsSchema,
      responses: {
        200: jsonResponse(BoardOwnersSchema, 'Owners'),
        404: { description: 'No such pipeline' },
      },
      async handler(ctx, { params }) {
        const kind = await pipelineKind(emOf(ctx), principalOf(ctx), params.id);
        if (!kind) throw problem('not_found', { noSuch: noSuch('pipeline'), id: params.id });
        ctx.body = await boardOwners(emOf(ctx), principalOf(ctx), params.id, kind);
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
        const kind = (await pipelineKind(emOf(ctx), principalOf(ctx), params.id)) ?? 'deal';
        const filters = await filtersOf(emOf(ctx), principalOf(ctx), kind, query);
        ctx.body = await stagePage(emOf(ctx), principalOf(ctx), kind, params.id, params.stageId, {
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
    defineRoute({
      method: 'get',
      path: '/api/v1/pipelines/{id}/events',
      operationId: 'boardEvents',
      summary:
        "Server-sent events: `change` whenever a card of the pipeline's board changed (read the board again); send the bearer token as for any call (fetch-based event stream)",
      description:
        'The stream holds no database connection: it checks the token and the pipeline once, then one poll per pipeline and backend process watches the change sequence that triggers on deals and leads append, so a write through any process of the same database is told within about a second. The stream ends when its token expires (at the latest after 30 minutes); the client reconnects with a fresh token and reads the board again.',
      tags: ['Board'],
      params: BoardParamsSchema,
      // Authenticated by itself: the request's usual tenant transaction would stay open as long as the stream.
      public: true,
      responses: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
        404: { description: 'No such pipeline' },
      },
      async handler(ctx, { params }) {
        const raw = bearerToken(ctx.get('authorization'));
        if (!raw) throw authProblem(problem('unauthenticated'));
        const token = await verifier.verify(raw);
        await inTenantTransaction(context.orm.em as EntityManager, token.tenantId, async (em) => {
          await resolvePrincipal(em, token);
          await getPipeline(em, params.id);
        });
        const stream = new PassThrough();
        const send = (text: string) => {
          if (!stream.writableEnded) stream.write(text);
        };
        let stop: (() => void) | undefined;
        const heartbeat = setInterval(() => send(': alive\n\n'), HEARTBEAT_MS);
        const end = setTimeout(
          () => stream.end(),
          Math.max(1000, Math.min(MAX_STREAM_MS, token.expiresAt.getTime() - Date.now())),
        );
        let closed = false;
        const cleanUp = () => {
          closed = true;
          clearInterval(heartbeat);
          clearTimeout(end);
          stop?.();
        };
        ctx.res.on('close', cleanUp);
        stream.on('close', cleanUp);
        stop = await hub.subscribe(token.tenantId, params.id, () =>
          send(`event: change\ndata: ${JSON.stringify({ pipelineId: params.id })}\n\n`),
        );
        // Gone while the watch started: nothing left to tell.
        if (closed) stop();
        ctx.req.socket.setTimeout(0);
        ctx.req.socket.setNoDelay(true);
        ctx.status = 200;
        ctx.type = 'text/event-stream';
        ctx.set('Cache-Control', 'no-cache, no-transform');
        ctx.set('X-Accel-Buffering', 'no');
        ctx.body = stream;
        send(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ pipelineId: params.id })}\n\n`);
      },
    }),
  ];
}
