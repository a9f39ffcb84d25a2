// The one filter format of the API: a tree of AND/OR groups over built-in and custom fields.
// Lists, saved filters, the kanban board and prospect selections all take it; it always runs
// in SQL, compiled here with every value as a bound parameter.
import { z } from 'zod';
import { type FieldError, validationFailed } from './errors.ts';

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

const MAX_DEPTH = 5;
const MAX_CONDITIONS = 50;

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
  /** SQL expression of the column, e.g. `p.last_name`. */
  sql: string;
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
  /** SQL of the custom field JSONB column, e.g. `p.custom_fields`. */
  customFieldsColumn: string;
  /** For hasTag: the record type and the SQL of its id. */
  recordType: string;
  idColumn: string;
}

const CAST: Record<FieldType, string> = {
  text: 'text',
  number: 'numeric',
  date: 'date',
  datetime: 'timestamptz',
  boolean: 'boolean',
  uuid: 'uuid',
};

function customFieldType(type: CustomFieldRef['type']): FieldType {
  return type === 'select' ? 'text' : type;
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Compiles a tree to a SQL condition with `?` placeholders; 400 naming the node for anything wrong. */
export function compileFilter(node: FilterNode, target: FilterTarget): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const errors: FieldError[] = [];
  let conditions = 0;

  const fail = (path: string, detail: string) => {
    errors.push({ in: 'query', pointer: `#/filter${path}`, detail });
    return 'false';
  };

  const checked = (path: string, type: FieldType, value: unknown): unknown => {
    const ok =
      (type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
      (type === 'boolean' && typeof value === 'boolean') ||
      ((type === 'text' || type === 'uuid') && typeof value === 'string') ||
      ((type === 'date' || type === 'datetime') && typeof value === 'string' && !Number.isNaN(Date.parse(value)));
    if (!ok) fail(`${path}/value`, `must be a ${type}`);
    return value;
  };

  const walk = (current: FilterNode, path: string, depth: number): string => {
    if (depth > MAX_DEPTH) return fail(path, `at most ${MAX_DEPTH} levels of groups`);
    if ('and' in current || 'or' in current) {
      const [joiner, children] = 'and' in current ? [' and ', current.and] : [' or ', current.or];
      const key = 'and' in current ? 'and' : 'or';
      return `(${children.map((child, index) => walk(child, `${path}/${key}/${index}`, depth + 1)).join(joiner)})`;
    }
    conditions += 1;
    if (conditions > MAX_CONDITIONS) return fail(path, `at most ${MAX_CONDITIONS} conditions`);
    const { field, op, value } = current;
    if (field === 'tags') {
      if (op !== 'hasTag') return fail(`${path}/op`, 'tags take the operator hasTag');
      if (typeof value !== 'string' || !/^[0-9a-f-]{36}$/i.test(value))
        return fail(`${path}/value`, 'must be a tag id');
      params.push(target.recordType, value);
      return `exists (select 1 from record_tag rt where rt.record_type = ? and rt.record_id = ${target.idColumn} and rt.tag_id = ?::uuid)`;
    }
    let column: string;
    let type: FieldType;
    if (field.startsWith('customFields.')) {
      const key = field.slice('customFields.'.length);
      const definition = target.customFields.find((candidate) => candidate.key === key);
      if (!definition) {
        return fail(
          `${path}/field`,
          `the custom field "${key}" does not exist (any more); remove this condition or define the field again`,
        );
      }
      type = customFieldType(definition.type);
      // Keys are validated against the definitions, so interpolating one is safe.
      column = `(${target.customFieldsColumn}->>'${definition.key}')::${CAST[type]}`;
    } else {
      const builtIn = target.fields[field];
      if (!builtIn) {
        return fail(
          `${path}/field`,
          `unknown field "${field}"; filter by ${[...Object.keys(target.fields), 'customFields.<key>', 'tags'].join(', ')}`,
        );
      }
      ({ sql: column, type } = builtIn);
    }
    const cast = CAST[type];
    switch (op) {
      case 'eq':
      case 'ne':
        params.push(checked(path, type, value));
        return type === 'text'
          ? `${op === 'ne' ? 'not ' : ''}(lower(${column}) = lower(?::text))`
          : `${column} ${op === 'eq' ? '=' : 'is distinct from'} ?::${cast}`;
      case 'contains':
      case 'starts':
        if (type !== 'text') return fail(`${path}/op`, `${op} works on text fields only`);
        params.push(`${op === 'contains' ? '%' : ''}${likeEscape(String(checked(path, type, value)))}%`);
        return `${column} ilike ?`;
      case 'gt':
      case 'lt':
        if (type === 'boolean') return fail(`${path}/op`, `${op} does not work on true/false fields`);
        params.push(checked(path, type, value));
        return `${column} ${op === 'gt' ? '>' : '<'} ?::${cast}`;
      case 'between': {
        if (!Array.isArray(value) || value.length !== 2) return fail(`${path}/value`, 'must be [from, to]');
        params.push(checked(path, type, value[0]), checked(path, type, value[1]));
        return `${column} between ?::${cast} and ?::${cast}`;
      }
      case 'in': {
        if (!Array.isArray(value) || value.length === 0 || value.length > 500) {
          return fail(`${path}/value`, 'must be a list of 1 to 500 values');
        }
        for (const item of value) params.push(checked(path, type, item));
        return `${column} in (${value.map(() => `?::${cast}`).join(', ')})`;
      }
      case 'isEmpty': {
        const empty = value === undefined || value === true;
        const test = type === 'text' ? `coalesce(${column}, '') = ''` : `${column} is null`;
        return empty ? test : `not (${test})`;
      }
      case 'hasTag':
        return fail(`${path}/op`, 'hasTag works on the field tags');
    }
  };

  const sql = walk(node, '', 0);
  if (errors.length > 0) throw validationFailed(errors);
  return { sql, params };
}
