import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf, requireRole, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { PipelineParamsSchema as IdParamsSchema } from '../pipelines/pipelines.schemas.ts';
import { widgetData } from './dashboard-widgets.service.ts';
import {
  CreateDashboardSchema,
  DashboardListSchema,
  DashboardSchema,
  UpdateDashboardSchema,
  WidgetDataSchema,
  WidgetParamsSchema,
  WidgetQuerySchema,
} from './dashboards.schemas.ts';
import {
  createDashboard,
  deleteDashboard,
  getDashboard,
  listDashboards,
  publishDashboard,
  unpublishDashboard,
  updateDashboard,
} from './dashboards.service.ts';

const problems = {
  403: { description: "Only admins change or publish the company's dashboard" },
  404: { description: "Not yours or your company's" },
  412: { description: 'Changed meanwhile (stale If-Match)' },
};

export function dashboardsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/dashboards',
      operationId: 'listDashboards',
      summary: "Your dashboards, then your company's; the default dashboard when there is neither",
      tags: ['Dashboards'],
      responses: { 200: jsonResponse(DashboardListSchema, 'Dashboards') },
      async handler(ctx) {
        ctx.body = { items: await listDashboards(emOf(ctx), principalOf(ctx)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/dashboards',
      operationId: 'createDashboard',
      summary: 'Create a dashboard of your own',
      tags: ['Dashboards'],
      body: CreateDashboardSchema,
      responses: { 201: jsonResponse(DashboardSchema, 'The dashboard') },
      async handler(ctx, { body }) {
        const dashboard = await createDashboard(emOf(ctx), requireUser(ctx), body);
        ctx.status = 201;
        ctx.set('Location', `/api/v1/dashboards/${dashboard.id}`);
        setVersionTag(ctx, dashboard.version);
        ctx.body = dashboard;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/dashboards/widgets/{type}',
      operationId: 'getWidgetData',
      summary: "A widget's figures, over what you may see, with the widget's filters",
      tags: ['Dashboards'],
      params: WidgetParamsSchema,
      query: WidgetQuerySchema,
      responses: {
        200: jsonResponse(WidgetDataSchema, "The widget's figures"),
        422: { description: 'Unknown pipeline' },
      },
      async handler(ctx, { params, query }) {
        ctx.body = await widgetData(emOf(ctx), principalOf(ctx), params.type, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/dashboards/{id}',
      operationId: 'getDashboard',
      summary: 'One dashboard',
      tags: ['Dashboards'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(DashboardSchema, 'The dashboard'), 404: problems[404] },
      async handler(ctx, { params }) {
        const dashboard = await getDashboard(emOf(ctx), principalOf(ctx), params.id);
        setVersionTag(ctx, dashboard.version);
        ctx.body = dashboard;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/dashboards/{id}',
      operationId: 'updateDashboard',
      summary: "Rename a dashboard or change its widgets (yours; the company's as an admin); If-Match",
      tags: ['Dashboards'],
      params: IdParamsSchema,
      body: UpdateDashboardSchema,
      responses: { 200: jsonResponse(DashboardSchema, 'The changed dashboard'), ...problems },
      async handler(ctx, { params, body }) {
        const dashboard = await updateDashboard(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, dashboard.version);
        ctx.body = dashboard;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/dashboards/{id}',
      operationId: 'deleteDashboard',
      summary: "Delete a dashboard (yours; the company's as an admin); If-Match",
      tags: ['Dashboards'],
      params: IdParamsSchema,
      responses: { 204: { description: 'Deleted' }, ...problems },
      async handler(ctx, { params }) {
        await deleteDashboard(emOf(ctx), principalOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/dashboards/{id}/publish',
      operationId: 'publishDashboard',
      summary: "Make one of your dashboards the company's, which everyone sees (admins); If-Match",
      tags: ['Dashboards'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(DashboardSchema, 'The company dashboard'), ...problems },
      async handler(ctx, { params }) {
        requireRole(ctx, 'admin');
        const dashboard = await publishDashboard(emOf(ctx), requireUser(ctx), params.id, ifMatchVersion(ctx));
        setVersionTag(ctx, dashboard.version);
        ctx.body = dashboard;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/dashboards/{id}/unpublish',
      operationId: 'unpublishDashboard',
      summary: "Take the company's dashboard back to its owner alone (admins); If-Match",
      tags: ['Dashboards'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(DashboardSchema, 'The dashboard'), ...problems },
      async handler(ctx, { params }) {
        requireRole(ctx, 'admin');
        const dashboard = await unpublishDashboard(emOf(ctx), principalOf(ctx), params.id, ifMatchVersion(ctx));
        setVersionTag(ctx, dashboard.version);
        ctx.body = dashboard;
      },
    }),
  ];
}
