import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, requireRole } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { PipelineParamsSchema as IdParamsSchema } from '../pipelines/pipelines.schemas.ts';
import {
  CreateLostReasonSchema,
  LostReasonListQuerySchema,
  LostReasonListSchema,
  LostReasonSchema,
  UpdateLostReasonSchema,
} from './lost-reasons.schemas.ts';
import {
  createLostReason,
  deleteLostReason,
  getLostReason,
  listLostReasons,
  updateLostReason,
} from './lost-reasons.service.ts';

const problems = {
  403: { description: 'Admins and sales managers only' },
  404: { description: 'Not found in your organisation' },
  409: { description: 'Name taken, or (delete) the reason is in use' },
  412: { description: 'Changed meanwhile (stale If-Match)' },
};

export function lostReasonsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/lost-reasons',
      operationId: 'listLostReasons',
      summary: 'Lost reasons of deals and leads',
      tags: ['Lost reasons'],
      query: LostReasonListQuerySchema,
      responses: {
        200: jsonResponse(LostReasonListSchema, 'Reasons'),
      },
      async handler(ctx, { query }) {
        ctx.body = { items: await listLostReasons(emOf(ctx), query) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/lost-reasons',
      operationId: 'createLostReason',
      summary: 'Add a lost reason for deals or leads (admin, sales manager)',
      tags: ['Lost reasons'],
      body: CreateLostReasonSchema,
      responses: { 201: jsonResponse(LostReasonSchema, 'The new reason'), ...problems },
      async handler(ctx, { body }) {
        const principal = requireRole(ctx, 'admin', 'sales_manager');
        const reason = await createLostReason(emOf(ctx), principal, body);
        ctx.status = 201;
        ctx.set('Location', `/api/v1/lost-reasons/${reason.id}`);
        setVersionTag(ctx, reason.version);
        ctx.body = reason;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/lost-reasons/{id}',
      operationId: 'getLostReason',
      summary: 'One lost reason',
      tags: ['Lost reasons'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(LostReasonSchema, 'The reason'), 404: problems[404] },
      async handler(ctx, { params }) {
        const reason = await getLostReason(emOf(ctx), params.id);
        setVersionTag(ctx, reason.version);
        ctx.body = reason;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/lost-reasons/{id}',
      operationId: 'updateLostReason',
      summary: 'Rename, describe, retire or reactivate a lost reason (admin, sales manager); If-Match with its ETag',
      tags: ['Lost reasons'],
      params: IdParamsSchema,
      body: UpdateLostReasonSchema,
      responses: { 200: jsonResponse(LostReasonSchema, 'The changed reason'), ...problems },
      async handler(ctx, { params, body }) {
        const principal = requireRole(ctx, 'admin', 'sales_manager');
        const reason = await updateLostReason(emOf(ctx), principal, params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, reason.version);
        ctx.body = reason;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/lost-reasons/{id}',
      operationId: 'deleteLostReason',
      summary: 'Delete a lost reason nothing names (admin, sales manager); retire used ones instead; If-Match',
      tags: ['Lost reasons'],
      params: IdParamsSchema,
      responses: { 204: { description: 'Deleted' }, ...problems },
      async handler(ctx, { params }) {
        const principal = requireRole(ctx, 'admin', 'sales_manager');
        await deleteLostReason(emOf(ctx), principal, params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
  ];
}
