import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf, requireRole } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { requireRecord } from '../../records/record-types.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import {
  CreateRelationSchema,
  CreateRelationTypeSchema,
  RelatedRecordSchema,
  RelationListSchema,
  RelationSchema,
  RelationTypeListSchema,
  RelationTypeSchema,
  UpdateRelationTypeSchema,
} from './relations.schemas.ts';
import {
  createRelation,
  createRelationType,
  deleteRelation,
  listRelationTypes,
  relationsOf,
  updateRelationType,
} from './relations.service.ts';

export function relationsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/relation-types',
      operationId: 'listRelationTypes',
      summary: 'Relation types with their reverse names',
      tags: ['Relations'],
      responses: {
        200: jsonResponse(RelationTypeListSchema, 'All types'),
      },
      async handler(ctx) {
        ctx.body = { items: await listRelationTypes(emOf(ctx)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/relation-types',
      operationId: 'createRelationType',
      summary: 'Add a relation type (admin)',
      tags: ['Relations'],
      body: CreateRelationTypeSchema,
      responses: {
        201: jsonResponse(RelationTypeSchema, 'The new type'),
        403: { description: 'Admins only' },
        409: { description: 'Name taken' },
      },
      async handler(ctx, { body }) {
        requireRole(ctx, 'admin');
        const type = await createRelationType(emOf(ctx), body);
        ctx.status = 201;
        setVersionTag(ctx, type.version);
        ctx.body = type;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/relation-types/{id}',
      operationId: 'updateRelationType',
      summary: 'Rename or retire a relation type (admin); If-Match with its ETag',
      tags: ['Relations'],
      params: IdParamsSchema,
      body: UpdateRelationTypeSchema,
      responses: {
        200: jsonResponse(RelationTypeSchema, 'The type'),
        404: { description: 'Not found' },
        412: { description: 'Changed meanwhile' },
      },
      async handler(ctx, { params, body }) {
        requireRole(ctx, 'admin');
        const type = await updateRelationType(emOf(ctx), params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, type.version);
        ctx.body = type;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/records/{type}/{id}/relations',
      operationId: 'listRelations',
      summary: "A record's relations in both directions, labelled from its side",
      tags: ['Relations'],
      params: RelatedRecordSchema,
      responses: {
        200: jsonResponse(RelationListSchema, 'Relations'),
        404: { description: 'Not found' },
      },
      async handler(ctx, { params }) {
        await requireRecord(emOf(ctx), params.type, params.id, principalOf(ctx));
        ctx.body = { items: await relationsOf(emOf(ctx), params.type, params.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/relations',
      operationId: 'createRelation',
      summary: 'Relate two records with a relation type',
      tags: ['Relations'],
      body: CreateRelationSchema,
      responses: {
        201: jsonResponse(RelationSchema, 'The relation, seen from the from-record'),
        409: { description: 'Exists already, or to itself' },
        422: { description: 'Unknown type or record' },
      },
      async handler(ctx, { body }) {
        const relation = await createRelation(emOf(ctx), principalOf(ctx), body);
        ctx.status = 201;
        ctx.body = relation;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/relations/{id}',
      operationId: 'deleteRelation',
      summary: 'Remove a relation',
      tags: ['Relations'],
      params: IdParamsSchema,
      responses: { 204: { description: 'Removed' }, 404: { description: 'Not found' } },
      async handler(ctx, { params }) {
        await deleteRelation(emOf(ctx), principalOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
  ];
}
