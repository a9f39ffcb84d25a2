import { z } from 'zod';
import { emOf, principalOf } from '../../http/principal.ts';
import { defineRoute, type RouteSpec } from '../../http/route.ts';
import { RECORD_TYPES, requireRecord } from '../../records/record-types.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import { AddRecordPersonSchema, RecordPeopleSchema, RecordPersonSchema } from './record-people.schemas.ts';
import { addPerson, peopleOf, removePerson } from './record-people.service.ts';

const RecordParams = z.object({ type: z.enum(RECORD_TYPES), id: z.uuid() });

export function recordPeopleRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/records/{type}/{id}/people',
      operationId: 'listRecordPeople',
      summary: 'Further contacts and responsible colleagues on a record',
      tags: ['Records'],
      params: RecordParams,
      responses: {
        200: {
          description: 'Colleagues first',
          content: {
            'application/json': {
              schema: RecordPeopleSchema,
            },
          },
        },
        404: { description: 'Not found' },
      },
      async handler(ctx, { params }) {
        await requireRecord(emOf(ctx), params.type, params.id, principalOf(ctx));
        ctx.body = { items: await peopleOf(emOf(ctx), params.type, params.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/records/{type}/{id}/people',
      operationId: 'addRecordPerson',
      summary: 'Put a further contact (personId) or a responsible colleague (userId) on a record, with a role',
      tags: ['Records'],
      params: RecordParams,
      body: AddRecordPersonSchema,
      responses: {
        201: { description: 'Added', content: { 'application/json': { schema: RecordPersonSchema } } },
        404: { description: 'No such record' },
        409: { description: 'Already on the record' },
        422: { description: 'No such person or user' },
      },
      async handler(ctx, { params, body }) {
        ctx.status = 201;
        ctx.body = await addPerson(emOf(ctx), principalOf(ctx), params, body);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/record-people/{id}',
      operationId: 'removeRecordPerson',
      summary: 'Take a person or colleague off a record',
      tags: ['Records'],
      params: IdParamsSchema,
      responses: { 204: { description: 'Removed' }, 404: { description: 'Not found' } },
      async handler(ctx, { params }) {
        await removePerson(emOf(ctx), principalOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
  ];
}
