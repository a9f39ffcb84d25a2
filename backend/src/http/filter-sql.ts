// The filter tree (http/filters.ts) as a condition of a typed statement, every value bound. Kept
// apart from the tree's schema, which the browser-safe contract carries.
import { type ColumnDataType, type Expression, expressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../records/sql.ts';
import { type FieldError, validationFailed } from './errors.ts';
import {
  type CustomFieldRef,
  type FieldType,
  type FilterNode,
  type FilterTarget,
  MAX_CONDITIONS,
  MAX_DEPTH,
} from './filters.ts';

const CAST: Record<FieldType, ColumnDataType> = {
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

const eb = expressionBuilder<Database, never>();

/** A custom field's value, cast to its type: `cast(custom_fields->>'key' as type)`. */
export function customFieldValue(column: Expression<unknown>, definition: CustomFieldRef): Expression<unknown> {
  return eb.cast(sql`${column}->>${definition.key}::text`, CAST[customFieldType(definition.type)]);
}

const FALSE = sql<SqlBool>`false`;

/** Compiles a tree to a condition with every value bound; 400 naming the node for anything wrong. */
export function filterCondition(node: FilterNode, target: FilterTarget): Expression<SqlBool> {
  const errors: FieldError[] = [];
  let conditions = 0;

  const fail = (path: string, detail: string) => {
    errors.push({ in: 'query', pointer: `#/filter${path}`, detail });
    return FALSE;
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

  const walk = (current: FilterNode, path: string, depth: number): Expression<SqlBool> => {
    if (depth > MAX_DEPTH) return fail(path, `at most ${MAX_DEPTH} levels of groups`);
    if ('and' in current || 'or' in current) {
      const [joiner, children] = 'and' in current ? [sql` and `, current.and] : [sql` or `, current.or];
      const key = 'and' in current ? 'and' : 'or';
      return sql<SqlBool>`(${sql.join(
        children.map((child, index) => walk(child, `${path}/${key}/${index}`, depth + 1)),
        joiner,
      )})`;
    }
    conditions += 1;
    if (conditions > MAX_CONDITIONS) return fail(path, `at most ${MAX_CONDITIONS} conditions`);
    const { field, op, value } = current;
    if (field === 'tags') {
      if (op !== 'hasTag') return fail(`${path}/op`, 'tags take the operator hasTag');
      if (typeof value !== 'string' || !/^[0-9a-f-]{36}$/i.test(value))
        return fail(`${path}/value`, 'must be a tag id');
      return eb.exists(
        eb
          .selectFrom('record_tag as rt')
          .select(sql<number>`1`.as('one'))
          .where('rt.record_type', '=', target.recordType)
          .where('rt.record_id', '=', target.idColumn as Expression<string>)
          .where('rt.tag_id', '=', sql<string>`${value}::uuid`),
      );
    }
    let column: Expression<unknown>;
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
      column = customFieldValue(target.customFieldsColumn, definition);
    } else {
      const builtIn = target.fields[field];
      if (!builtIn) {
        return fail(
          `${path}/field`,
          `unknown field "${field}"; filter by ${[...Object.keys(target.fields), 'customFields.<key>', 'tags'].join(', ')}`,
        );
      }
      type = builtIn.type;
      column = builtIn.sql;
    }
    const bound = (item: unknown) => eb.cast(eb.val(checked(path, type, item)), CAST[type]);
    switch (op) {
      case 'eq':
      case 'ne': {
        if (type === 'text') {
          const same = sql<SqlBool>`(lower(${column}) = lower(${bound(value)}))`;
          return op === 'ne' ? sql<SqlBool>`not ${same}` : same;
        }
        return sql<SqlBool>`${column} ${op === 'eq' ? sql`=` : sql`is distinct from`} ${bound(value)}`;
      }
      case 'contains':
      case 'starts':
        if (type !== 'text') return fail(`${path}/op`, `${op} works on text fields only`);
        return sql<SqlBool>`${column} ilike ${`${op === 'contains' ? '%' : ''}${likeEscape(String(checked(path, type, value)))}%`}`;
      case 'gt':
      case 'lt':
        if (type === 'boolean') return fail(`${path}/op`, `${op} does not work on true/false fields`);
        return sql<SqlBool>`${column} ${op === 'gt' ? sql`>` : sql`<`} ${bound(value)}`;
      case 'between': {
        if (!Array.isArray(value) || value.length !== 2) return fail(`${path}/value`, 'must be [from, to]');
        return sql<SqlBool>`${column} between ${bound(value[0])} and ${bound(value[1])}`;
      }
      case 'in': {
        if (!Array.isArray(value) || value.length === 0 || value.length > 500) {
          return fail(`${path}/value`, 'must be a list of 1 to 500 values');
        }
        return sql<SqlBool>`${column} in (${sql.join(value.map(bound))})`;
      }
      case 'isEmpty': {
        const empty = value === undefined || value === true;
        const test = type === 'text' ? sql<SqlBool>`coalesce(${column}, '') = ''` : sql<SqlBool>`${column} is null`;
        return empty ? test : sql<SqlBool>`not (${test})`;
      }
      case 'hasTag':
        return fail(`${path}/op`, 'hasTag works on the field tags');
    }
  };

  const condition = walk(node, '', 0);
  if (errors.length > 0) throw validationFailed(errors);
  return condition;
}

// Any record table's id and custom fields: for compiling a tree only to check it.
const anyRecord = expressionBuilder<{ r: Pick<Database['person'], 'id' | 'custom_fields'> }, 'r'>();

/** 400 naming each condition of the tree that the fields do not have (the tree is compiled, never run). */
export function checkFilter(
  node: FilterNode,
  target: Pick<FilterTarget, 'fields' | 'customFields' | 'recordType'>,
): void {
  filterCondition(node, {
    ...target,
    customFieldsColumn: anyRecord.ref('r.custom_fields'),
    idColumn: anyRecord.ref('r.id'),
  });
}
