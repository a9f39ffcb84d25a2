// History (G3) and trash (G4) of every record type.
import { sql } from 'kysely';
import { z } from 'zod';
import { decodeCursor, encodeCursor, PageQuerySchema } from '../../http/pagination.ts';
import { emOf, principalOf } from '../../http/principal.ts';
import { defineRoute, type RouteSpec } from '../../http/route.ts';
import { historyOf } from '../../records/history.ts';
import { type OverviewSection, overviewOf } from '../../records/overview.ts';
import { RECORD_TYPES, requireVisible } from '../../records/record-types.ts';
import { db } from '../../records/sql.ts';
import { trashSources } from '../../records/trash.ts';
import { listTrash } from '../contacts/contacts.service.ts';
import { HistoryPageSchema, OverviewSchema, TrashPageSchema } from './records.schemas.ts';

export const historyOverview: OverviewSection = async (em, _principal, { type, id }) => {
  const [newest, [counted]] = await Promise.all([
    historyOf(em, type, id, { limit: 5 }),
    db(em)
      .selectFrom('history')
      .select(sql<number>`count(distinct change_id)::int`.as('n'))
      .where('record_type', '=', type)
      .where('record_id', '=', id)
      .execute(),
  ]);
  return { changes: counted?.n ?? 0, newest };
};

export function recordsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/history',
      operationId: 'getHistory',
      summary: 'Every change of a record, newest first, with before, after and who',
      tags: ['History'],
      query: PageQuerySchema.extend({ type: z.enum(RECORD_TYPES), id: z.uuid() }),
      responses: {
        200: {
          description: 'A page of changes',
          content: { 'application/json': { schema: HistoryPageSchema } },
        },
      },
      async handler(ctx, { query }) {
        await requireVisible(emOf(ctx), principalOf(ctx), query.type, query.id);
        const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
        const items = await historyOf(emOf(ctx), query.type, query.id, { limit: query.limit + 1, before });
        const hasMore = items.length > query.limit;
        const shown = hasMore ? items.slice(0, query.limit) : items;
        const last = shown.at(-1);
        ctx.body = { items: shown, nextCursor: hasMore && last ? encodeCursor([last.changedAt, last.id]) : null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/records/{type}/{id}/overview',
      operationId: 'getOverview',
      summary:
        '360° view: the record, its business contacts, tags, newest history and counts, in a bounded number of queries',
      tags: ['Records'],
      params: z.object({ type: z.enum(RECORD_TYPES), id: z.uuid() }),
      responses: {
        200: {
          description: 'The record and what surrounds it',
          content: { 'application/json': { schema: OverviewSchema } },
        },
        404: { description: 'Not found in your organisation' },
      },
      async handler(ctx, { params }) {
        ctx.body = await overviewOf(emOf(ctx), principalOf(ctx), params);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/trash',
      operationId: 'listTrash',
      summary: 'Records in the trash, most recently deleted first',
      tags: ['Trash'],
      query: PageQuerySchema,
      responses: {
        200: {
          description: 'A page of the trash',
          content: { 'application/json': { schema: TrashPageSchema } },
        },
      },
      async handler(ctx, { query }) {
        ctx.body = await listTrash(emOf(ctx), query, await trashSources(emOf(ctx), principalOf(ctx)));
      },
    }),
  ];
}
