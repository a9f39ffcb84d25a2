import { z } from 'zod';
import { emOf, principalOf } from '../../http/principal.ts';
import { defineRoute, type RouteSpec } from '../../http/route.ts';
import { SEARCHABLE, SearchResultSchema } from './search.schemas.ts';
import { ownedScopes, search } from './search.service.ts';

/** Types whose search documents carry their owner: the caller sees those of owners visible to them. Notes follow their records. */

export function searchRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/search',
      operationId: 'search',
      summary:
        'Find records by name, email, phone, city, and notes by the words in their text; tolerant of spelling (Mueller = Müller) and sound',
      tags: ['Search'],
      query: z.object({
        q: z.string().trim().min(1, 'say what to look for').max(200, 'at most 200 characters'),
        type: z
          .union([z.enum(SEARCHABLE), z.array(z.enum(SEARCHABLE))])
          .optional()
          .transform((value) => (value === undefined ? undefined : Array.isArray(value) ? value : [value])),
        limit: z.coerce.number().int().min(1).max(100).default(20),
      }),
      responses: {
        200: { description: 'Best matches first', content: { 'application/json': { schema: SearchResultSchema } } },
      },
      async handler(ctx, { query }) {
        // Records of owned types (deals, leads) show up for those who may see their owner's records.
        const owned = await ownedScopes(principalOf(ctx), query.type);
        ctx.body = { items: await search(emOf(ctx), { q: query.q, types: query.type, limit: query.limit, owned }) };
      },
    }),
  ];
}
