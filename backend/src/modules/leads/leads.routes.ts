import type { RouterContext } from '@koa/router';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf, requireRole } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { MoveSchema } from '../board/board.schemas.ts';
import { filtersOf } from '../saved-filters/saved-filters.service.ts';
import { convertLead } from './lead-conversion.service.ts';
import { getFieldMapping, saveFieldMapping } from './lead-field-mapping.service.ts';
import {
  ConversionSchema,
  ConvertLeadSchema,
  CreateLeadSchema,
  FieldMappingSchema,
  LeadListQuerySchema,
  LeadParamsSchema,
  LeadSchema,
  LeadsPageSchema,
  type LeadView,
  UpdateFieldMappingSchema,
  UpdateLeadSchema,
} from './leads.schemas.ts';
import {
  createLead,
  getLead,
  listLeads,
  moveLead,
  purgeLead,
  restoreLead,
  trashLead,
  updateLead,
} from './leads.service.ts';

const answer = (ctx: RouterContext, lead: LeadView, status = 200) => {
  ctx.status = status;
  setVersionTag(ctx, lead.version);
  ctx.body = lead;
};

const problems = {
  403: { description: 'Not allowed to give the lead to that owner' },
  404: { description: 'No such lead you may see' },
  409: { description: 'The lead is converted (read-only)' },
  412: { description: 'Changed meanwhile (stale If-Match)' },
  422: { description: 'Refers to something that does not exist or does not fit (stage, lost reason, owner)' },
};

export function leadsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/leads',
      operationId: 'listLeads',
      summary: 'Leads you may see, with the filter tree and/or a saved filter',
      tags: ['Leads'],
      query: LeadListQuerySchema,
      responses: { 200: jsonResponse(LeadsPageSchema, 'A page of leads'), 422: problems[422] },
      async handler(ctx, { query }) {
        const { filter, savedFilterId, ...rest } = query;
        const filters = await filtersOf(emOf(ctx), principalOf(ctx), 'lead', { filter, savedFilterId });
        ctx.body = await listLeads(emOf(ctx), principalOf(ctx), rest, filters);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/leads',
      operationId: 'createLead',
      summary: 'Create a lead: its person and company, source, owner, value, in a stage of a lead pipeline',
      tags: ['Leads'],
      body: CreateLeadSchema,
      responses: { 201: jsonResponse(LeadSchema, 'The new lead'), ...problems },
      async handler(ctx, { body }) {
        const lead = await createLead(emOf(ctx), principalOf(ctx), body);
        ctx.set('Location', `/api/v1/leads/${lead.id}`);
        answer(ctx, lead, 201);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/leads/{id}',
      operationId: 'getLead',
      summary: 'One lead, with what it became when converted',
      tags: ['Leads'],
      params: LeadParamsSchema,
      responses: { 200: jsonResponse(LeadSchema, 'The lead'), 404: problems[404] },
      async handler(ctx, { params }) {
        answer(ctx, await getLead(emOf(ctx), principalOf(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/leads/{id}',
      operationId: 'updateLead',
      summary: 'Change a lead (fields sent replace, null clears); converted leads are read-only; If-Match',
      tags: ['Leads'],
      params: LeadParamsSchema,
      body: UpdateLeadSchema,
      responses: { 200: jsonResponse(LeadSchema, 'The changed lead'), ...problems },
      async handler(ctx, { params, body }) {
        answer(ctx, await updateLead(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/leads/{id}',
      operationId: 'deleteLead',
      summary: 'Move a lead to the trash (restorable); If-Match with its ETag',
      tags: ['Leads'],
      params: LeadParamsSchema,
      responses: { 204: { description: 'In the trash' }, 404: problems[404], 412: problems[412] },
      async handler(ctx, { params }) {
        await trashLead(emOf(ctx), principalOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/leads/{id}/restore',
      operationId: 'restoreLead',
      summary: 'Bring a lead back from the trash (an open one at the top of its column)',
      tags: ['Leads'],
      params: LeadParamsSchema,
      responses: { 200: jsonResponse(LeadSchema, 'The restored lead'), 404: { description: 'Not in the trash' } },
      async handler(ctx, { params }) {
        answer(ctx, await restoreLead(emOf(ctx), principalOf(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/trash/leads/{id}',
      operationId: 'purgeLead',
      summary: 'Delete a lead in the trash for good (admin)',
      tags: ['Trash'],
      params: LeadParamsSchema,
      responses: {
        204: { description: 'Gone' },
        403: { description: 'Admins only' },
        404: { description: 'Not in the trash' },
      },
      async handler(ctx, { params }) {
        await purgeLead(emOf(ctx), principalOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/leads/{id}/move',
      operationId: 'moveLead',
      summary:
        "Move a lead's card to a stage of its pipeline and a place in that column (afterId, beforeId or position); If-Match",
      tags: ['Leads'],
      params: LeadParamsSchema,
      body: MoveSchema,
      responses: { 200: jsonResponse(LeadSchema, 'The moved lead'), ...problems },
      async handler(ctx, { params, body }) {
        answer(ctx, await moveLead(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/leads/{id}/convert',
      operationId: 'convertLead',
      summary:
        'Convert a lead: create or link its person and organization (duplicate check), their business contact and optionally a deal, through the field mapping; all or nothing',
      tags: ['Leads'],
      params: LeadParamsSchema,
      body: ConvertLeadSchema,
      responses: {
        200: jsonResponse(ConversionSchema, 'What the lead became'),
        403: problems[403],
        404: problems[404],
        409: { description: 'Converted already, lost, or likely duplicates (candidates; confirm with "duplicate")' },
        422: { description: 'The lead does not make a valid person, organization or deal; the mapping is outdated' },
      },
      async handler(ctx, { params, body }) {
        const conversion = await convertLead(emOf(ctx), principalOf(ctx), params.id, body);
        setVersionTag(ctx, conversion.lead.version);
        ctx.body = conversion;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/lead-field-mapping',
      operationId: 'getLeadFieldMapping',
      summary: "Which lead field fills which field of a conversion's person, organization, business contact and deal",
      tags: ['Leads'],
      responses: { 200: jsonResponse(FieldMappingSchema, 'The mapping, with the fields it may use') },
      async handler(ctx) {
        const mapping = await getFieldMapping(emOf(ctx));
        setVersionTag(ctx, mapping.version);
        ctx.body = mapping;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/lead-field-mapping',
      operationId: 'updateLeadFieldMapping',
      summary: 'Replace the lead field mapping (admin), checked against both sides’ fields; If-Match',
      tags: ['Leads'],
      body: UpdateFieldMappingSchema,
      responses: {
        200: jsonResponse(FieldMappingSchema, 'The saved mapping'),
        403: { description: 'Admins only' },
        412: problems[412],
        422: { description: 'A mapping names a field that is not there, or types that do not fit' },
      },
      async handler(ctx, { body }) {
        const principal = requireRole(ctx, 'admin');
        const mapping = await saveFieldMapping(emOf(ctx), principal, body.mappings, ifMatchVersion(ctx));
        setVersionTag(ctx, mapping.version);
        ctx.body = mapping;
      },
    }),
  ];
}
