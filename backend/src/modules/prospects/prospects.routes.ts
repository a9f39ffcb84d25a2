import type { RouterContext } from '@koa/router';
import { z } from 'zod';
import { responseSink } from '../../http/csv-response.ts';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { OrganizationsPageSchema } from '../contacts/contacts.schemas.ts';
import { exportSelection } from './prospects.export.ts';
import {
  CreateSelectionSchema,
  ExportQuerySchema,
  SelectionCountSchema,
  SelectionListQuerySchema,
  SelectionParamsSchema,
  SelectionSchema,
  SelectionsPageSchema,
  type SelectionView,
  UpdateSelectionSchema,
} from './prospects.schemas.ts';
import {
  countSelection,
  createSelection,
  deleteSelection,
  getSelection,
  listSelections,
  selectionOrganizations,
  updateSelection,
} from './prospects.service.ts';

const answer = (ctx: RouterContext, selection: SelectionView, status = 200) => {
  ctx.status = status;
  setVersionTag(ctx, selection.version);
  ctx.body = selection;
};

const problems = {
  403: { description: 'Admins, sales managers and inside sales only' },
  404: { description: 'No such selection in your organisation' },
  409: { description: 'Name taken' },
  412: { description: 'Changed meanwhile (stale If-Match)' },
  422: { description: 'The saved filter is not one of organizations, or the selection no longer fits its fields' },
};

export function prospectsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/prospect-selections',
      operationId: 'listProspectSelections',
      summary: 'Saved prospect selections of organizations, by name',
      tags: ['Prospects'],
      query: SelectionListQuerySchema,
      responses: { 200: jsonResponse(SelectionsPageSchema, 'A page of selections') },
      async handler(ctx, { query }) {
        ctx.body = await listSelections(emOf(ctx), query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/prospect-selections',
      operationId: 'createProspectSelection',
      summary:
        'Save a selection of organizations: the filter tree (postal code prefix or range, industry, revenue, employees, tags, custom fields) and/or a saved filter (admin, sales manager, inside sales)',
      tags: ['Prospects'],
      body: CreateSelectionSchema,
      responses: { 201: jsonResponse(SelectionSchema, 'The new selection'), ...problems },
      async handler(ctx, { body }) {
        const selection = await createSelection(emOf(ctx), principalOf(ctx), body);
        ctx.set('Location', `/api/v1/prospect-selections/${selection.id}`);
        answer(ctx, selection, 201);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/prospect-selections/{id}',
      operationId: 'getProspectSelection',
      summary: 'One selection',
      tags: ['Prospects'],
      params: SelectionParamsSchema,
      responses: { 200: jsonResponse(SelectionSchema, 'The selection'), 404: problems[404] },
      async handler(ctx, { params }) {
        answer(ctx, await getSelection(emOf(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/prospect-selections/{id}',
      operationId: 'updateProspectSelection',
      summary: 'Change a selection (admin, sales manager, inside sales); If-Match',
      tags: ['Prospects'],
      params: SelectionParamsSchema,
      body: UpdateSelectionSchema,
      responses: { 200: jsonResponse(SelectionSchema, 'The changed selection'), ...problems },
      async handler(ctx, { params, body }) {
        answer(ctx, await updateSelection(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/prospect-selections/{id}',
      operationId: 'deleteProspectSelection',
      summary: 'Delete a selection (admin, sales manager, inside sales); If-Match',
      tags: ['Prospects'],
      params: SelectionParamsSchema,
      responses: { 204: { description: 'Deleted' }, 403: problems[403], 404: problems[404], 412: problems[412] },
      async handler(ctx, { params }) {
        await deleteSelection(emOf(ctx), principalOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/prospect-selections/{id}/count',
      operationId: 'countProspectSelection',
      summary: 'How many organizations the selection finds now',
      tags: ['Prospects'],
      params: SelectionParamsSchema,
      responses: {
        200: jsonResponse(SelectionCountSchema, 'The count'),
        404: problems[404],
        422: problems[422],
      },
      async handler(ctx, { params }) {
        ctx.body = await countSelection(emOf(ctx), params.id);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/prospect-selections/{id}/organizations',
      operationId: 'listProspectSelectionOrganizations',
      summary: 'The organizations the selection finds now, by name, a page at a time',
      tags: ['Prospects'],
      params: SelectionParamsSchema,
      query: SelectionListQuerySchema,
      responses: {
        200: jsonResponse(OrganizationsPageSchema, 'A page of organizations'),
        404: problems[404],
        422: problems[422],
      },
      async handler(ctx, { params, query }) {
        ctx.body = await selectionOrganizations(emOf(ctx), params.id, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/prospect-selections/{id}/export.csv',
      operationId: 'exportProspectSelection',
      summary:
        'The organizations the selection finds, as CSV for Excel: UTF-8 with BOM, semicolons (or comma, tab), formula-safe cells (admin, sales manager, inside sales)',
      tags: ['Prospects'],
      params: SelectionParamsSchema,
      query: ExportQuerySchema,
      responses: {
        200: {
          description: 'A CSV file (attachment), header row first',
          content: { 'text/csv': { schema: z.string() } },
        },
        ...problems,
      },
      async handler(ctx, { params, query }) {
        await exportSelection(emOf(ctx), principalOf(ctx), params.id, query, responseSink(ctx));
      },
    }),
  ];
}
