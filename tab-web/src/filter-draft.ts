// The filter builder's model: groups of conditions joined by AND or OR, as the user edits them,
// and its translation to and from the API's filter tree (which saved filters store).
import type { FilterCondition, FilterNode } from '@crm/backend/contract';
import type { FieldType, FilterFieldChoice } from './list-columns.tsx';

/** What the builder offers; `empty` and `notEmpty` are the API's isEmpty true and false. */
export type BuilderOp =
  | 'eq'
  | 'ne'
  | 'contains'
  | 'starts'
  | 'in'
  | 'gt'
  | 'lt'
  | 'between'
  | 'empty'
  | 'notEmpty'
  | 'hasTag';

export const OPS_BY_TYPE: Record<FieldType, readonly BuilderOp[]> = {
  text: ['contains', 'eq', 'ne', 'starts', 'in', 'empty', 'notEmpty'],
  number: ['eq', 'ne', 'gt', 'lt', 'between', 'empty', 'notEmpty'],
  date: ['eq', 'lt', 'gt', 'between', 'empty', 'notEmpty'],
  datetime: ['lt', 'gt', 'between', 'empty', 'notEmpty'],
  boolean: ['eq'],
  tags: ['hasTag'],
};

export const needsValue = (op: BuilderOp) => op !== 'empty' && op !== 'notEmpty';

export interface DraftCondition {
  id: string;
  field: string;
  op: BuilderOp;
  value: string;
  /** The upper end of between. */
  value2: string;
}

export interface DraftGroup {
  id: string;
  join: 'and' | 'or';
  conditions: DraftCondition[];
}

export interface Draft {
  join: 'and' | 'or';
  groups: DraftGroup[];
}

let counter = 0;
export const nextId = () => `c${++counter}`;

export const emptyDraft = (): Draft => ({ join: 'and', groups: [] });

export function newCondition(field: FilterFieldChoice): DraftCondition {
  const op = OPS_BY_TYPE[field.type][0] as BuilderOp;
  return { id: nextId(), field: field.key, op, value: field.type === 'boolean' ? 'true' : '', value2: '' };
}

/** A day typed in the builder as the API compares datetimes: its start, in the user's time zone. */
const dayStart = (day: string) => new Date(`${day}T00:00:00`).toISOString();

function typed(type: FieldType, value: string): unknown {
  if (type === 'number') return Number(value.replace(',', '.'));
  if (type === 'boolean') return value === 'true';
  if (type === 'datetime') return dayStart(value);
  return value;
}

/** One condition as the API takes it; null while it lacks its value. */
function conditionNode(condition: DraftCondition, fields: readonly FilterFieldChoice[]): FilterCondition | null {
  const field = fields.find((candidate) => candidate.key === condition.field);
  if (!field) return null;
  const { op } = condition;
  if (op === 'empty' || op === 'notEmpty') return { field: field.key, op: 'isEmpty', value: op === 'empty' };
  if (condition.value.trim() === '') return null;
  if (op === 'between') {
    if (condition.value2.trim() === '') return null;
    return { field: field.key, op, value: [typed(field.type, condition.value), typed(field.type, condition.value2)] };
  }
  if (op === 'in') {
    const values = condition.value
      .split(/[;,]/)
      .map((item) => item.trim())
      .filter(Boolean);
    return { field: field.key, op, value: values.map((item) => typed(field.type, item)) };
  }
  return { field: field.key, op, value: typed(field.type, condition.value) };
}

/** The draft as a filter tree, leaving out conditions not filled in; undefined when nothing is left. */
export function toTree(draft: Draft, fields: readonly FilterFieldChoice[]): FilterNode | undefined {
  const groups = draft.groups
    .map((group): FilterNode | null => {
      const nodes = group.conditions
        .map((condition) => conditionNode(condition, fields))
        .filter((node): node is FilterCondition => node !== null);
      if (nodes.length === 0) return null;
      return group.join === 'and' ? { and: nodes } : { or: nodes };
    })
    .filter((node): node is FilterNode => node !== null);
  if (groups.length === 0) return undefined;
  return draft.join === 'and' ? { and: groups } : { or: groups };
}

function untyped(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const day = new Date(value);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
  }
  return value === undefined || value === null ? '' : String(value);
}

function draftCondition(node: FilterCondition): DraftCondition {
  const base = { id: nextId(), field: node.field, value: '', value2: '' };
  if (node.op === 'isEmpty') return { ...base, op: node.value === false ? 'notEmpty' : 'empty' };
  if (node.op === 'between' && Array.isArray(node.value)) {
    return { ...base, op: 'between', value: untyped(node.value[0]), value2: untyped(node.value[1]) };
  }
  if (node.op === 'in' && Array.isArray(node.value)) {
    return { ...base, op: 'in', value: node.value.map(untyped).join(', ') };
  }
  return { ...base, op: node.op as BuilderOp, value: untyped(node.value) };
}

function groupOf(node: FilterNode): DraftGroup {
  if ('and' in node || 'or' in node) {
    const join = 'and' in node ? 'and' : 'or';
    const children = 'and' in node ? node.and : node.or;
    // Deeper nesting than the builder shows is flattened into the group.
    const conditions = children.flatMap((child) =>
      'field' in child ? [draftCondition(child)] : groupOf(child).conditions,
    );
    return { id: nextId(), join, conditions };
  }
  return { id: nextId(), join: 'and', conditions: [draftCondition(node)] };
}

/** A stored tree in the builder: the top level's children are its groups. */
export function fromTree(tree: FilterNode | undefined): Draft {
  if (!tree) return emptyDraft();
  if ('field' in tree) return { join: 'and', groups: [groupOf(tree)] };
  const join = 'and' in tree ? 'and' : 'or';
  const children = 'and' in tree ? tree.and : tree.or;
  if (children.every((child) => 'field' in child)) return { join: 'and', groups: [groupOf(tree)] };
  return { join, groups: children.map(groupOf) };
}

/** All the trees that apply at once (quick filters and the builder's), as one. */
export function allOf(nodes: readonly (FilterNode | undefined)[]): FilterNode | undefined {
  const present = nodes.filter((node): node is FilterNode => node !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return { and: present };
}
