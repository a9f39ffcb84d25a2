import { emOf, principalOf } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { TimelineQuerySchema, TimelineSchema } from './timeline.schemas.ts';
import { timelineOf } from './timeline.service.ts';

export function timelineRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/timeline',
      operationId: 'getTimeline',
      summary: 'Activities (by start) and tasks (by due time) you may see, day by day, for a calendar view',
      description:
        'Every day from `from` to `to` (at most 93 days) in the time zone `tz` (default Europe/Berlin), each with its ' +
        'entries in time order. Narrow to one user with userId, to one record with record=type:id.',
      tags: ['Timeline'],
      query: TimelineQuerySchema,
      responses: { 200: jsonResponse(TimelineSchema, 'The days of the range') },
      async handler(ctx, { query }) {
        ctx.body = await timelineOf(emOf(ctx), principalOf(ctx), { ...query, timeZone: query.tz });
      },
    }),
  ];
}
