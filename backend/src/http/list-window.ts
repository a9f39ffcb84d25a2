// What every list adds to its cursor pages for a virtualised table: a sort by any field of the
// list, an offset window (the page the user scrolled to, without the pages before it) and a total
// counted in SQL up to a cap, so that a count over a huge list stays fast. The statements' side is
// http/list-sql.ts; this side is the schema the browser-safe contract carries.
import { z } from 'zod';
import { decodeCursor, encodeCursor } from './pagination.ts';
import { cursorScope, problem } from './problems.ts';

/** Totals count at most this many items; a list that holds more says so (`totalCapped`). */
export const LIST_TOTAL_CAP = 1_000_000;

export const ListWindowQuerySchema = z.object({
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(LIST_TOTAL_CAP)
    .optional()
    .meta({ description: 'Skip this many items instead of passing a cursor: the page a virtualised list scrolled to' }),
  count: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: `true adds total, the matching items counted up to ${LIST_TOTAL_CAP}` }),
});
export type ListWindowQuery = z.output<typeof ListWindowQuerySchema>;

/** A sort by a field the list filters by: `field` ascending, `-field` descending (nulls last). */
export const FieldSortParam = z
  .string()
  .regex(/^-?[a-zA-Z][a-zA-Z0-9_.]{0,79}$/, 'a field of the list, - in front for descending');

const OFFSET_KEY = 'offset';

/** A field sort pages by position: its cursor is opaque like every other and names the next offset. */
export const offsetCursor = (offset: number): string => encodeCursor([OFFSET_KEY, offset]);

/** Where a window starts: the offset asked for, else the one an offset cursor names, else 0. */
export function windowStart(query: { offset?: number | undefined; cursor?: string | undefined }): number {
  if (query.offset !== undefined) return query.offset;
  const key = decodeCursor(query.cursor, 2);
  if (!key) return 0;
  const [kind, offset] = key;
  if (kind !== OFFSET_KEY || typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw problem('invalid_cursor', { list: cursorScope.listAndOrder }, { at: { in: 'query', pointer: '#/cursor' } });
  }
  return offset as number;
}
