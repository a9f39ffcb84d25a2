import { emOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { AttentionQuerySchema, AttentionSchema } from './attention.schemas.ts';
import { dealsNeedingAttention } from './attention.service.ts';

export function attentionRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/me/attention',
      operationId: 'getMyAttention',
      summary: 'My open deals that need attention: no activity for 14 days, or the expected close date has passed',
      tags: ['Deals'],
      query: AttentionQuerySchema,
      responses: { 200: jsonResponse(AttentionSchema, 'The deals, each with its reasons') },
      async handler(ctx, { query }) {
        ctx.body = await dealsNeedingAttention(emOf(ctx), requireUser(ctx), query);
      },
    }),
  ];
}
