import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf, requireRole } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import { CreateTagSchema, RecordTagParamsSchema, TagListSchema, TagSchema, UpdateTagSchema } from './tags.schemas.ts';
import { createTag, deleteTag, getTag, listTags, tagRecord, untagRecord, updateTag } from './tags.service.ts';

export function tagsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/tags',
      operationId: 'listTags',
      summary: 'Tags of the organisation with how often each is used',
      tags: ['Tags'],
      responses: { 200: jsonResponse(TagListSchema, 'All tags') },
      async handler(ctx) {
        ctx.body = { items: await listTags(emOf(ctx)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tags',
      operationId: 'createTag',
      summary: 'Create a tag (admin, sales manager)',
      tags: ['Tags'],
      body: CreateTagSchema,
      responses: {
        201: jsonResponse(TagSchema, 'The new tag'),
        403: { description: 'Not allowed' },
        409: { description: 'Name taken' },
      },
      async handler(ctx, { body }) {
        requireRole(ctx, 'admin', 'sales_manager');
        const tag = await createTag(emOf(ctx), body);
        ctx.status = 201;
        ctx.set('Location', `/api/v1/tags/${tag.id}`);
        setVersionTag(ctx, tag.version);
        ctx.body = tag;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/tags/{id}',
      operationId: 'getTag',
      summary: 'One tag',
      tags: ['Tags'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(TagSchema, 'The tag'), 404: { description: 'Not found' } },
      async handler(ctx, { params }) {
        const tag = await getTag(emOf(ctx), params.id);
        setVersionTag(ctx, tag.version);
        ctx.body = tag;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/tags/{id}',
      operationId: 'updateTag',
      summary: 'Rename or recolor a tag (admin, sales manager); If-Match with its ETag',
      tags: ['Tags'],
      params: IdParamsSchema,
      body: UpdateTagSchema,
      responses: {
        200: jsonResponse(TagSchema, 'The tag'),
        404: { description: 'Not found' },
        409: { description: 'Name taken' },
        412: { description: 'Changed meanwhile' },
      },
      async handler(ctx, { params, body }) {
        requireRole(ctx, 'admin', 'sales_manager');
        const tag = await updateTag(emOf(ctx), params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, tag.version);
        ctx.body = tag;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/tags/{id}',
      operationId: 'deleteTag',
      summary: 'Delete a tag and take it off every record (admin, sales manager)',
      tags: ['Tags'],
      params: IdParamsSchema,
      responses: {
        204: { description: 'Deleted' },
        404: { description: 'Not found' },
        412: { description: 'Changed meanwhile' },
      },
      async handler(ctx, { params }) {
        requireRole(ctx, 'admin', 'sales_manager');
        await deleteTag(emOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/records/{type}/{id}/tags/{tagId}',
      operationId: 'tagRecord',
      summary: 'Tag a record (idempotent)',
      tags: ['Tags'],
      params: RecordTagParamsSchema,
      responses: { 204: { description: 'Tagged' }, 404: { description: 'No such record or tag' } },
      async handler(ctx, { params }) {
        await tagRecord(emOf(ctx), principalOf(ctx), params.type, params.id, params.tagId);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/records/{type}/{id}/tags/{tagId}',
      operationId: 'untagRecord',
      summary: 'Take a tag off a record (idempotent)',
      tags: ['Tags'],
      params: RecordTagParamsSchema,
      responses: { 204: { description: 'Untagged' }, 404: { description: 'No such record or tag' } },
      async handler(ctx, { params }) {
        await untagRecord(emOf(ctx), principalOf(ctx), params.type, params.id, params.tagId);
        ctx.status = 204;
      },
    }),
  ];
}
