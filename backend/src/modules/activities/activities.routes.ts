import type { RouterContext } from '@koa/router';
import { z } from 'zod';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { PageQuerySchema } from '../../http/pagination.ts';
import { emOf, principalOf, requireRole, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import { HistoryPageSchema } from '../records/records.schemas.ts';
import {
  ActivitiesPageSchema,
  ActivityListQuerySchema,
  ActivitySchema,
  ActivityTypeListSchema,
  ActivityTypeSchema,
  CreateActivitySchema,
  CreateActivityTypeSchema,
  LogCallSchema,
  UpdateActivitySchema,
  UpdateActivityTypeSchema,
} from './activities.schemas.ts';
import {
  activityHistory,
  createActivity,
  createActivityType,
  getActivity,
  listActivities,
  listActivityTypes,
  purgeActivity,
  restoreActivity,
  trashActivity,
  updateActivity,
  updateActivityType,
} from './activities.service.ts';
import { LoggedCallSchema } from './calls.schemas.ts';
import { logCall } from './calls.service.ts';

const problem = (description: string) => ({ description });
const withVersion = (ctx: RouterContext, body: { version: number }, status = 200) => {
  ctx.status = status;
  setVersionTag(ctx, body.version);
  ctx.body = body;
};

export function activitiesRoutes(): RouteSpec[] {
  return [
    // ---- types
    defineRoute({
      method: 'get',
      path: '/api/v1/activity-types',
      operationId: 'listActivityTypes',
      summary:
        "Activity types (call, email, meeting, visit and the organisation's own), named in the caller's language",
      tags: ['Activities'],
      query: z.object({
        active: z
          .enum(['true', 'false'])
          .optional()
          .transform((value) => (value === undefined ? undefined : value === 'true'))
          .meta({ description: 'true: only those offered for new activities' }),
      }),
      responses: {
        200: jsonResponse(ActivityTypeListSchema, 'Types'),
      },
      async handler(ctx, { query }) {
        ctx.body = { items: await listActivityTypes(emOf(ctx), principalOf(ctx), query) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/activity-types',
      operationId: 'createActivityType',
      summary: 'Add an activity type (admin)',
      tags: ['Activities'],
      body: CreateActivityTypeSchema,
      responses: {
        201: jsonResponse(ActivityTypeSchema, 'The new type'),
        403: problem('Admins only'),
        409: problem('Name taken'),
      },
      async handler(ctx, { body }) {
        const principal = requireRole(ctx, 'admin');
        withVersion(ctx, await createActivityType(emOf(ctx), principal, body), 201);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/activity-types/{id}',
      operationId: 'updateActivityType',
      summary: 'Rename, recolor or retire an activity type (admin); If-Match with its ETag',
      tags: ['Activities'],
      params: IdParamsSchema,
      body: UpdateActivityTypeSchema,
      responses: {
        200: jsonResponse(ActivityTypeSchema, 'The type'),
        403: problem('Admins only'),
        404: problem('Not found'),
        409: problem('Name taken'),
        412: problem('Changed meanwhile'),
      },
      async handler(ctx, { params, body }) {
        const principal = requireRole(ctx, 'admin');
        withVersion(ctx, await updateActivityType(emOf(ctx), principal, params.id, body, ifMatchVersion(ctx)));
      },
    }),

    // ---- activities
    defineRoute({
      method: 'get',
      path: '/api/v1/activities',
      operationId: 'listActivities',
      summary: 'Activities you may see, newest start first; filter tree, linked record, trash',
      tags: ['Activities'],
      query: ActivityListQuerySchema,
      responses: { 200: jsonResponse(ActivitiesPageSchema, 'A page of activities') },
      async handler(ctx, { query }) {
        ctx.body = await listActivities(emOf(ctx), principalOf(ctx), query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/activities',
      operationId: 'createActivity',
      summary: 'Record an activity on records',
      tags: ['Activities'],
      body: CreateActivitySchema,
      responses: {
        201: jsonResponse(ActivitySchema, 'The activity'),
        422: problem('Unknown type, owner or linked record'),
      },
      async handler(ctx, { body }) {
        const activity = await createActivity(emOf(ctx), principalOf(ctx), body);
        ctx.set('Location', `/api/v1/activities/${activity.id}`);
        withVersion(ctx, activity, 201);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/activities/{id}',
      operationId: 'getActivity',
      summary: 'One activity',
      tags: ['Activities'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(ActivitySchema, 'The activity'), 404: problem('Not found or not yours to see') },
      async handler(ctx, { params }) {
        withVersion(ctx, await getActivity(emOf(ctx), principalOf(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/activities/{id}',
      operationId: 'updateActivity',
      summary: 'Change an activity (fields sent replace, null clears, links replace); If-Match with its ETag',
      tags: ['Activities'],
      params: IdParamsSchema,
      body: UpdateActivitySchema,
      responses: {
        200: jsonResponse(ActivitySchema, 'The changed activity'),
        404: problem('Not found or not yours to see'),
        412: problem('Changed meanwhile'),
        422: problem('Unknown type, owner or linked record'),
      },
      async handler(ctx, { params, body }) {
        withVersion(ctx, await updateActivity(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/activities/{id}',
      operationId: 'deleteActivity',
      summary: 'Move an activity to the trash (restorable); If-Match with its ETag',
      tags: ['Activities'],
      params: IdParamsSchema,
      responses: {
        204: { description: 'In the trash' },
        404: problem('Not found or not yours to see'),
        412: problem('Changed meanwhile'),
      },
      async handler(ctx, { params }) {
        await trashActivity(emOf(ctx), principalOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/activities/{id}/restore',
      operationId: 'restoreActivity',
      summary: 'Bring an activity back from the trash',
      tags: ['Activities'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(ActivitySchema, 'The activity'), 404: problem('Not in the trash') },
      async handler(ctx, { params }) {
        withVersion(ctx, await restoreActivity(emOf(ctx), principalOf(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/trash/activities/{id}',
      operationId: 'purgeActivity',
      summary: 'Delete an activity in the trash for good (admin)',
      tags: ['Trash'],
      params: IdParamsSchema,
      responses: { 204: { description: 'Gone' }, 403: problem('Admins only'), 404: problem('Not in the trash') },
      async handler(ctx, { params }) {
        await purgeActivity(emOf(ctx), principalOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/activities/{id}/history',
      operationId: 'getActivityHistory',
      summary: 'Every change of an activity, newest first',
      tags: ['Activities'],
      params: IdParamsSchema,
      query: PageQuerySchema,
      responses: { 200: jsonResponse(HistoryPageSchema, 'A page of changes'), 404: problem('Not found') },
      async handler(ctx, { params, query }) {
        ctx.body = await activityHistory(emOf(ctx), principalOf(ctx), params.id, query);
      },
    }),

    // ---- calls
    defineRoute({
      method: 'post',
      path: '/api/v1/calls',
      operationId: 'logCall',
      summary: 'Log a call with a person: a done activity of the call type, its protocol as a note, a follow-up task',
      description:
        'Everything or nothing is stored. The note is Markdown when sent as a string. The follow-up task is assigned ' +
        'to the caller unless followUp.assigneeId names another active user.',
      tags: ['Activities'],
      body: LogCallSchema,
      responses: {
        201: jsonResponse(LoggedCallSchema, 'The call, its note and its follow-up task'),
        400: problem('Bad input, or a note with nothing left after removing unsafe HTML'),
        413: problem('Note over 100 kB'),
        422: problem('Unknown person or assignee'),
      },
      async handler(ctx, { body }) {
        const logged = await logCall(emOf(ctx), requireUser(ctx), body);
        ctx.status = 201;
        ctx.set('Location', `/api/v1/activities/${logged.activity.id}`);
        ctx.body = logged;
      },
    }),
  ];
}
