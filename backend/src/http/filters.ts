// The one filter format of the API: a tree of AND/OR groups over built-in and custom fields.
// Lists, saved filters, the kanban board and prospect selections all take it; it always runs
// in SQL, compiled here with every value as a bound parameter.
import type { Expression } from 'kysely';
import { z } from 'zod';

export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'contains',
  'starts',
  'gt',
  'lt',
  'between',
  'in',
  'isEmpty',
  'hasTag',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface FilterCondition {
  field: string;
  op: FilterOperator;
  value?: unknown;
}
export type FilterNode = { and: FilterNode[] } | { or: FilterNode[] } | FilterCondition;

export const MAX_DEPTH = 5;
export const MAX_CONDITIONS = 50;

const ConditionSchema = z
  .object({
    field: z.string().min(1).max(80),
    op: z.enum(FILTER_OPERATORS),
    value: z.unknown().optional(),
  })
  .strict();

export const FilterSchema: z.ZodType<FilterNode> = z
  .lazy(() =>
    z.union([
      z.object({ and: z.array(FilterSchema).min(1).max(MAX_CONDITIONS) }).strict(),
      z.object({ or: z.array(FilterSchema).min(1).max(MAX_CONDITIONS) }).strict(),
      ConditionSchema,
    ]),
  )
  .meta({
    id: 'Filter',
    description:
      'A condition {field, op, value} or a group {and: [...]} / {or: [...]}. Fields: the built-in ones of the list, ' +
      'customFields.<key>, tags (op hasTag, value a tag id). Ops: eq, ne, contains, starts, gt, lt, between ([from, to]), ' +
      'in ([...]), isEmpty (value true or false), hasTag.',
  });

/** The `filter` query parameter: the tree as JSON. */
export const FilterQueryParam = z
  .string()
  .max(8000, 'at most 8000 characters')
  .transform((text, ctx) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON; send the filter tree as JSON, URL-encoded' });
      return z.NEVER;
    }
    const result = FilterSchema.safeParse(parsed);
    if (!result.success) {
      for (const issue of result.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      return z.NEVER;
    }
    return result.data;
  })
  .meta({ description: 'A filter tree (see the Filter schema) as JSON' });

export type FieldType = 'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'uuid';

export interface FilterField {
  /**
   * The column or expression a list filters and sorts by, e.g. `r.ref('r.last_name')` from the
   * list's `expressionBuilder`, so a renamed column is a compile error.
   */
  sql: Expression<unknown>;
  type: FieldType;
}

export interface CustomFieldRef {
  key: string;
  type: 'text' | 'number' | 'boolean' | 'date' | 'select';
}

export interface FilterTarget {
  /** Built-in fields by API name. */
  fields: Record<string, FilterField>;
  /** The custom field definitions of the entity type. */
  customFields: readonly CustomFieldRef[];
  /** The custom field JSONB column, e.g. `r.ref('r.custom_fields')`. */
  customFieldsColumn: Expression<unknown>;
  /** For hasTag: the record type and its id column. */
  recordType: string;
  idColumn: Expression<unknown>;
}
