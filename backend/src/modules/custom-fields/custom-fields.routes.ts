import { z } from 'zod';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, requireRole } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import {
  CreateCustomFieldSchema,
  CUSTOM_FIELD_ENTITY_TYPES,
  CustomFieldListSchema,
  CustomFieldSchema,
  RequiredFieldsSchema,
  UpdateCustomFieldSchema,
} from './custom-fields.schemas.ts';
import {
  createCustomField,
  deleteCustomField,
  getCustomField,
  listCustomFields,
  updateCustomField,
} from './custom-fields.service.ts';
import { requiredFields, setRequiredFields } from './required-fields.service.ts';

export function customFieldsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/custom-fields',
      operationId: 'listCustomFields',
      summary: 'Custom field definitions, of one entity type or all, in their order',
      tags: ['Custom fields'],
      query: z.object({ entityType: z.enum(CUSTOM_FIELD_ENTITY_TYPES).optional() }),
      responses: {
        200: jsonResponse(CustomFieldListSchema, 'Definitions'),
      },
      async handler(ctx, { query }) {
        ctx.body = { items: await listCustomFields(emOf(ctx), query.entityType) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/required-fields',
      operationId: 'getRequiredFields',
      summary: 'Built-in fields your organisation requires, by entity type (admin)',
      tags: ['Custom fields'],
      responses: { 200: jsonResponse(RequiredFieldsSchema, 'Required built-in fields') },
      async handler(ctx) {
        requireRole(ctx, 'admin');
        ctx.body = await requiredFields(emOf(ctx));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/admin/required-fields',
      operationId: 'setRequiredFields',
      summary: 'Make built-in fields required, by entity type (admin); none by default',
      tags: ['Custom fields'],
      body: RequiredFieldsSchema,
      responses: { 200: jsonResponse(RequiredFieldsSchema, 'Required built-in fields') },
      async handler(ctx, { body }) {
        requireRole(ctx, 'admin');
        ctx.body = await setRequiredFields(emOf(ctx), body);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/custom-fields',
      operationId: 'createCustomField',
      summary: 'Define a custom field (admin)',
      tags: ['Custom fields'],
      body: CreateCustomFieldSchema,
      responses: {
        201: jsonResponse(CustomFieldSchema, 'The new definition'),
        403: { description: 'Admins only' },
        409: { description: 'Key taken' },
      },
      async handler(ctx, { body }) {
        requireRole(ctx, 'admin');
        const field = await createCustomField(emOf(ctx), body);
        ctx.status = 201;
        setVersionTag(ctx, field.version);
        ctx.body = field;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/custom-fields/{id}',
      operationId: 'getCustomField',
      summary: 'One custom field definition (admin)',
      tags: ['Custom fields'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(CustomFieldSchema, 'The definition'), 404: { description: 'Not found' } },
      async handler(ctx, { params }) {
        requireRole(ctx, 'admin');
        const field = await getCustomField(emOf(ctx), params.id);
        setVersionTag(ctx, field.version);
        ctx.body = field;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/admin/custom-fields/{id}',
      operationId: 'updateCustomField',
      summary: 'Change labels, options, required or order of a custom field (admin); key and type stay',
      tags: ['Custom fields'],
      params: IdParamsSchema,
      body: UpdateCustomFieldSchema,
      responses: {
        200: jsonResponse(CustomFieldSchema, 'The definition'),
        404: { description: 'Not found' },
        412: { description: 'Changed meanwhile' },
      },
      async handler(ctx, { params, body }) {
        requireRole(ctx, 'admin');
        const field = await updateCustomField(emOf(ctx), params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, field.version);
        ctx.body = field;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/admin/custom-fields/{id}',
      operationId: 'deleteCustomField',
      summary: 'Remove a custom field (admin); records keep no value for it',
      tags: ['Custom fields'],
      params: IdParamsSchema,
      responses: { 204: { description: 'Removed' }, 404: { description: 'Not found' } },
      async handler(ctx, { params }) {
        requireRole(ctx, 'admin');
        await deleteCustomField(emOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
  ];
}
