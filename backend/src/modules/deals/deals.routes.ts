import type { RouterContext } from '@koa/router';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { filtersOf } from '../saved-filters/saved-filters.service.ts';
import {
  CreateDealSchema,
  DealListQuerySchema,
  DealParamsSchema,
  DealSchema,
  DealStageChangesSchema,
  DealsPageSchema,
  type DealView,
  UpdateDealSchema,
} from './deals.schemas.ts';
import {
  createDeal,
  getDeal,
  listDeals,
  purgeDeal,
  restoreDeal,
  stageChangesOf,
  trashDeal,
  updateDeal,
} from './deals.service.ts';

const answer = (ctx: RouterContext, deal: DealView, status = 200) => {
  ctx.status = status;
  setVersionTag(ctx, deal.version);
  ctx.body = deal;
};

const problems = {
  403: { description: 'Not allowed to give the deal to that owner' },
  404: { description: 'No such deal you may see' },
  412: { description: 'Changed meanwhile (stale If-Match)' },
  422: { description: 'Refers to something that does not exist or does not fit (stage, contact, lost reason)' },
};

export function dealsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/deals',
      operationId: 'listDeals',
      summary: 'Deals you may see, with the filter tree and/or a saved filter',
      tags: ['Deals'],
      query: DealListQuerySchema,
      responses: { 200: jsonResponse(DealsPageSchema, 'A page of deals'), 422: problems[422] },
      async handler(ctx, { query }) {
        const { filter, savedFilterId, ...rest } = query;
        const filters = await filtersOf(emOf(ctx), principalOf(ctx), 'deal', { filter, savedFilterId });
        ctx.body = await listDeals(emOf(ctx), principalOf(ctx), rest, filters);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/deals',
      operationId: 'createDeal',
      summary: 'Create a deal with a person, an organization or a business contact',
      tags: ['Deals'],
      body: CreateDealSchema,
      responses: { 201: jsonResponse(DealSchema, 'The new deal'), ...problems },
      async handler(ctx, { body }) {
        const deal = await createDeal(emOf(ctx), principalOf(ctx), body);
        ctx.set('Location', `/api/v1/deals/${deal.id}`);
        answer(ctx, deal, 201);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/deals/{id}',
      operationId: 'getDeal',
      summary: 'One deal',
      tags: ['Deals'],
      params: DealParamsSchema,
      responses: { 200: jsonResponse(DealSchema, 'The deal'), 404: problems[404] },
      async handler(ctx, { params }) {
        answer(ctx, await getDeal(emOf(ctx), principalOf(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/deals/{id}',
      operationId: 'updateDeal',
      summary: 'Change a deal (fields sent replace, null clears); a stage change lands in history; If-Match',
      tags: ['Deals'],
      params: DealParamsSchema,
      body: UpdateDealSchema,
      responses: { 200: jsonResponse(DealSchema, 'The changed deal'), ...problems },
      async handler(ctx, { params, body }) {
        answer(ctx, await updateDeal(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/deals/{id}',
      operationId: 'deleteDeal',
      summary: 'Move a deal to the trash (restorable); If-Match with its ETag',
      tags: ['Deals'],
      params: DealParamsSchema,
      responses: { 204: { description: 'In the trash' }, 404: problems[404], 412: problems[412] },
      async handler(ctx, { params }) {
        await trashDeal(emOf(ctx), principalOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/deals/{id}/restore',
      operationId: 'restoreDeal',
      summary: 'Bring a deal back from the trash (an open one at the top of its column)',
      tags: ['Deals'],
      params: DealParamsSchema,
      responses: { 200: jsonResponse(DealSchema, 'The restored deal'), 404: { description: 'Not in the trash' } },
      async handler(ctx, { params }) {
        answer(ctx, await restoreDeal(emOf(ctx), principalOf(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/trash/deals/{id}',
      operationId: 'purgeDeal',
      summary: 'Delete a deal in the trash for good (admin)',
      tags: ['Trash'],
      params: DealParamsSchema,
      responses: {
        204: { description: 'Gone' },
        403: { description: 'Admins only' },
        404: { description: 'Not in the trash' },
      },
      async handler(ctx, { params }) {
        await purgeDeal(emOf(ctx), principalOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/deals/{id}/stage-changes',
      operationId: 'listDealStageChanges',
      summary: 'Every stage the deal entered, oldest first (the timeline reads these)',
      tags: ['Deals'],
      params: DealParamsSchema,
      responses: {
        200: jsonResponse(DealStageChangesSchema, 'Stages'),
        404: problems[404],
      },
      async handler(ctx, { params }) {
        ctx.body = { items: await stageChangesOf(emOf(ctx), principalOf(ctx), params.id) };
      },
    }),
  ];
}
