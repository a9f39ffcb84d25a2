import { z } from 'zod';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf, requireRole } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { RECORD_TYPES, requireRecord } from '../../records/record-types.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import {
  createRelation,
  createRelationType,
  deleteRelation,
  listRelationTypes,
  relationsOf,
  updateRelationType,
} from './relations.service.ts';

const RelationTypeSchema = z
  .object({ id: z.uuid(), name: z.string(), reverseName: z.string(), active: z.boolean(), version: z.number().int() })
  .meta({ id: 'RelationType' });
const TypeName = z.string().trim().min(1, 'a name is needed').max(80, 'at most 80 characters');
const RecordRefSchema = z.object({ type: z.enum(RECORD_TYPES), id: z.uuid() }).meta({ id: 'RecordRef' });
const RelationSchema = z
  .object({
    id: z.uuid(),
    typeId: z.uuid(),
    label: z.string(),
    direction: z.enum(['outgoing', 'incoming']),
    other: RecordRefSchema.extend({ title: z.string() }),
    note: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Relation' });

export function relationsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/relation-types',
      operationId: 'listRelationTypes',
      summary: 'Relation types with their reverse names',
      tags: ['Relations'],
      responses: {
        200: jsonResponse(
          z.object({ items: z.array(RelationTypeSchema) }).meta({ id: 'RelationTypeList' }),
          'All types',
        ),
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
      body: z.object({ name: TypeName, reverseName: TypeName }).strict().meta({ id: 'CreateRelationType' }),
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
      body: z
        .object({ name: TypeName.optional(), reverseName: TypeName.optional(), active: z.boolean().optional() })
        .strict()
        .meta({ id: 'UpdateRelationType' }),
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
      params: RecordRefSchema,
      responses: {
        200: jsonResponse(z.object({ items: z.array(RelationSchema) }).meta({ id: 'RelationList' }), 'Relations'),
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
      body: z
        .object({
          typeId: z.uuid(),
          from: RecordRefSchema,
          to: RecordRefSchema,
          note: z.string().trim().max(500, 'at most 500 characters').nullable().optional(),
        })
        .strict()
        .meta({ id: 'CreateRelation' }),
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
