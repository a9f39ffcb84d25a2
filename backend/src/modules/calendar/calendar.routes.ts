import { requestLanguage } from '../../http/language.ts';
import { emOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { CalendarQuerySchema, CalendarSchema, MAX_CALENDAR_DAYS } from './calendar.schemas.ts';
import { calendarOf } from './calendar.service.ts';

export function calendarRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/calendar',
      operationId: 'getCalendar',
      summary: 'Activities, tasks and deal phases you may see in a window of days, for the calendar and timeline',
      description:
        `The days from \`from\` to \`to\` (at most ${MAX_CALENDAR_DAYS}) in your time zone: activities by their start, ` +
        'tasks by their due time, and the phases of deals (from entering a stage to leaving it) that overlap ' +
        'the window, each with how many of its tasks are done.',
      tags: ['Calendar'],
      query: CalendarQuerySchema,
      responses: { 200: jsonResponse(CalendarSchema, 'The items of the window, by type') },
      async handler(ctx, { query }) {
        // Names (of activity types) in the language the page is shown in.
        ctx.body = await calendarOf(emOf(ctx), requireUser(ctx), query, requestLanguage(ctx));
      },
    }),
  ];
}
