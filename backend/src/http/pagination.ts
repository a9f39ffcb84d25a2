// Cursor pagination: the cursor is the sort key of the last item, opaque to clients.
import { z } from 'zod';
import { cursorScope, problem } from './problems.ts';

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Items per page, 1 to 200' }),
  cursor: z.string().max(512).optional().meta({ description: 'nextCursor of the previous page' }),
});

export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .meta({ description: 'Pass as cursor for the next page; null on the last page' }),
      total: z.number().int().optional().meta({ description: 'With count=true: the matching items (up to a cap)' }),
      totalCapped: z.boolean().optional().meta({ description: 'With count=true: more items match than total says' }),
    })
    .meta({ id });

export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, length: number): unknown[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === length) return key;
  } catch {
    // answered below
  }
  throw problem('invalid_cursor', { list: cursorScope.list }, { at: { in: 'query', pointer: '#/cursor' } });
}
