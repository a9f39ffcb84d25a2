import { z } from 'zod';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { PipelineParamsSchema as IdParamsSchema } from '../pipelines/pipelines.schemas.ts';
import {
  CreateSavedFilterSchema,
  SAVED_FILTER_ENTITY_TYPES,
  SavedFilterListSchema,
  SavedFilterSchema,
  UpdateSavedFilterSchema,
} from './saved-filters.schemas.ts';
import {
  createSavedFilter,
  deleteSavedFilter,
  getSavedFilter,
  listSavedFilters,
  updateSavedFilter,
} from './saved-filters.service.ts';

const problems = {
  403: { description: "Only admins keep the company's saved filters" },
  404: { description: "Not yours or your company's" },
  409: { description: 'Name taken' },
  412: { description: 'Changed meanwhile (stale If-Match)' },
};

export function savedFiltersRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/saved-filters',
      operationId: 'listSavedFilters',
      summary: "Your saved filters and your company's, company-wide first",
      tags: ['Saved filters'],
      query: z.object({ entityType: z.enum(SAVED_FILTER_ENTITY_TYPES).optional() }),
      responses: {
        200: jsonResponse(SavedFilterListSchema, 'Filters'),
      },
      async handler(ctx, { query }) {
        ctx.body = { items: await listSavedFilters(emOf(ctx), principalOf(ctx), query.entityType) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/saved-filters',
      operationId: 'createSavedFilter',
      summary: 'Save a filter tree for yourself (private) or, as an admin, for the whole company',
      tags: ['Saved filters'],
      body: CreateSavedFilterSchema,
      responses: { 201: jsonResponse(SavedFilterSchema, 'The saved filter'), ...problems },
      async handler(ctx, { body }) {
        const saved = await createSavedFilter(emOf(ctx), requireUser(ctx), body);
        ctx.status = 201;
        ctx.set('Location', `/api/v1/saved-filters/${saved.id}`);
        setVersionTag(ctx, saved.version);
        ctx.body = saved;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/saved-filters/{id}',
      operationId: 'getSavedFilter',
      summary: 'One saved filter',
      tags: ['Saved filters'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(SavedFilterSchema, 'The saved filter'), 404: problems[404] },
      async handler(ctx, { params }) {
        const saved = await getSavedFilter(emOf(ctx), principalOf(ctx), params.id);
        setVersionTag(ctx, saved.version);
        ctx.body = saved;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/saved-filters/{id}',
      operationId: 'updateSavedFilter',
      summary: "Rename a saved filter or change its tree (yours; the company's as an admin); If-Match",
      tags: ['Saved filters'],
      params: IdParamsSchema,
      body: UpdateSavedFilterSchema,
      responses: { 200: jsonResponse(SavedFilterSchema, 'The changed filter'), ...problems },
      async handler(ctx, { params, body }) {
        const saved = await updateSavedFilter(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, saved.version);
        ctx.body = saved;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/saved-filters/{id}',
      operationId: 'deleteSavedFilter',
      summary: "Delete a saved filter (yours; the company's as an admin); If-Match",
      tags: ['Saved filters'],
      params: IdParamsSchema,
      responses: { 204: { description: 'Deleted' }, ...problems },
      async handler(ctx, { params }) {
        await deleteSavedFilter(emOf(ctx), principalOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
  ];
}
