// What each list shows and filters by: its columns (the API's sort for each direction), the fields
// of the filter builder with their types, and its quick filters as filter trees.
import type { Activity, Deal, FilterNode, Lead, Organization, Person, Task } from '@crm/backend/contract';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { ListType } from './lists.ts';
import { activityWhen, recordPath, titleOf } from './records.ts';

export type Row = Record<string, unknown> & { id: string };

export interface Column {
  key: string;
  /** The column's label when it is not `columns.<key>` (custom fields: their own label). */
  label?: string;
  /** The API's sort by this column, each way; none when the column does not sort. */
  sort?: { asc: string; desc: string };
  /** Pixels until the user sizes it. */
  width: number;
  /** Shown until the user chooses otherwise. */
  shown: boolean;
  cell(row: Row, language: string): ReactNode;
}

export type FieldType = 'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'tags';

export interface FilterFieldChoice {
  key: string;
  label?: string;
  type: FieldType;
  /** Values to pick from (status, priority, a select custom field). */
  options?: readonly { value: string; label?: string }[];
}

const date = (value: unknown, language: string) =>
  typeof value === 'string' && value !== ''
    ? new Date(value.length === 10 ? `${value}T12:00:00` : value).toLocaleDateString(language)
    : '';

const money = (row: Row, language: string) => {
  const { value, currency } = row as unknown as { value: string | null; currency: string | null };
  if (value === null || value === undefined || !currency) return '';
  return new Intl.NumberFormat(language, { style: 'currency', currency }).format(Number(value));
};

const text = (key: string) => (row: Row) => {
  const value = row[key];
  return value === null || value === undefined ? '' : String(value);
};

function nameCell(type: string) {
  return (row: Row) => {
    const path = recordPath(type, row.id);
    const title = titleOf(type, row) || '—';
    return path ? <Link to={path}>{title}</Link> : title;
  };
}

function linkedTitle(key: string) {
  return (row: Row) => {
    const link = (row as unknown as Task).links?.[0];
    const path = link ? recordPath(link.type, link.id) : null;
    const title = String(row[key] ?? '');
    return path ? <Link to={path}>{title}</Link> : title;
  };
}

const both = (field: string) => ({ asc: field, desc: `-${field}` });
const changed = (shown = true): Column => ({
  key: 'updatedAt',
  sort: { asc: 'updatedAt', desc: '-updatedAt' },
  width: 130,
  shown,
  cell: (row, language) => date(row.updatedAt, language),
});
const created = (shown = false): Column => ({
  key: 'createdAt',
  sort: both('createdAt'),
  width: 130,
  shown,
  cell: (row, language) => date(row.createdAt, language),
});
const tagsColumn: Column = {
  key: 'tags',
  width: 160,
  shown: false,
  cell: (row) => ((row.tags as { name: string }[] | undefined) ?? []).map((tag) => tag.name).join(', '),
};

export interface ListDefinition {
  path: string;
  /** The entity type of custom fields and tags; activities have neither. */
  entityType: 'person' | 'organization' | 'deal' | 'lead' | 'task' | null;
  /** The entity type the list's filters are saved under. */
  savedFilterType: 'person' | 'organization' | 'deal' | 'lead' | 'task' | 'activity';
  defaultSort: string;
  columns: Column[];
  fields: FilterFieldChoice[];
  /** Quick filters by name: the tree each adds, given the signed-in user's id and now. */
  quickFilters: Record<string, (me: string, now: Date) => FilterNode>;
}

const today = (now: Date) => now.toISOString().slice(0, 10);
const mine = (field: string) => (me: string) => ({ field, op: 'eq' as const, value: me });

const status = (values: readonly string[]) => values.map((value) => ({ value }));

export const LISTS: Record<ListType, ListDefinition> = {
  person: {
    path: '/v1/persons',
    entityType: 'person',
    savedFilterType: 'person',
    defaultSort: 'name',
    columns: [
      { key: 'name', sort: { asc: 'name', desc: '-lastName' }, width: 220, shown: true, cell: nameCell('person') },
      {
        key: 'email',
        sort: both('email'),
        width: 240,
        shown: true,
        cell: (row) => (row as unknown as Person).emails[0]?.address ?? '',
      },
      {
        key: 'phone',
        sort: both('phone'),
        width: 170,
        shown: true,
        cell: (row) => (row as unknown as Person).phones[0]?.number ?? '',
      },
      {
        key: 'city',
        sort: both('city'),
        width: 150,
        shown: false,
        cell: (row) => (row as unknown as Person).addresses?.[0]?.city ?? '',
      },
      tagsColumn,
      created(),
      changed(),
    ],
    fields: [
      { key: 'firstName', type: 'text' },
      { key: 'lastName', type: 'text' },
      { key: 'email', type: 'text' },
      { key: 'phone', type: 'text' },
      { key: 'city', type: 'text' },
      { key: 'postalCode', type: 'text' },
      { key: 'birthday', type: 'date' },
      { key: 'createdAt', type: 'datetime' },
      { key: 'updatedAt', type: 'datetime' },
      { key: 'tags', type: 'tags' },
    ],
    quickFilters: {
      mine: mine('ownerId'),
      withEmail: () => ({ field: 'email', op: 'isEmpty', value: false }),
    },
  },
  organization: {
    path: '/v1/organizations',
    entityType: 'organization',
    savedFilterType: 'organization',
    defaultSort: 'name',
    columns: [
      { key: 'name', sort: both('name'), width: 260, shown: true, cell: nameCell('organization') },
      {
        key: 'city',
        sort: both('city'),
        width: 150,
        shown: true,
        cell: (row) => (row as unknown as Organization).addresses?.[0]?.city ?? '',
      },
      { key: 'industry', sort: both('industry'), width: 150, shown: true, cell: text('industry') },
      { key: 'employeeCount', sort: both('employeeCount'), width: 110, shown: false, cell: text('employeeCount') },
      {
        key: 'email',
        sort: both('email'),
        width: 220,
        shown: false,
        cell: (row) => (row as unknown as Organization).emails?.[0]?.address ?? '',
      },
      { key: 'website', sort: both('website'), width: 200, shown: false, cell: text('website') },
      tagsColumn,
      changed(),
    ],
    fields: [
      { key: 'name', type: 'text' },
      { key: 'industry', type: 'text' },
      { key: 'city', type: 'text' },
      { key: 'postalCode', type: 'text' },
      { key: 'country', type: 'text' },
      { key: 'email', type: 'text' },
      { key: 'employeeCount', type: 'number' },
      { key: 'revenue', type: 'number' },
      { key: 'createdAt', type: 'datetime' },
      { key: 'updatedAt', type: 'datetime' },
      { key: 'tags', type: 'tags' },
    ],
    quickFilters: {
      mine: mine('ownerId'),
      withEmail: () => ({ field: 'email', op: 'isEmpty', value: false }),
    },
  },
  deal: {
    path: '/v1/deals',
    entityType: 'deal',
    savedFilterType: 'deal',
    defaultSort: '-updatedAt',
    columns: [
      { key: 'title', sort: both('title'), width: 240, shown: true, cell: nameCell('deal') },
      {
        key: 'organizationName',
        sort: both('organizationName'),
        width: 200,
        shown: true,
        cell: text('organizationName'),
      },
      { key: 'stage', width: 150, shown: true, cell: (row) => (row as unknown as Deal).stageName },
      { key: 'value', sort: both('value'), width: 130, shown: true, cell: money },
      { key: 'status', sort: both('status'), width: 100, shown: false, cell: text('status') },
      {
        key: 'expectedCloseDate',
        sort: both('expectedCloseDate'),
        width: 130,
        shown: true,
        cell: (row, language) => date(row.expectedCloseDate, language),
      },
      tagsColumn,
      created(),
      changed(),
    ],
    fields: [
      { key: 'title', type: 'text' },
      { key: 'organizationName', type: 'text' },
      { key: 'status', type: 'text', options: status(['open', 'won', 'lost']) },
      { key: 'value', type: 'number' },
      { key: 'currency', type: 'text' },
      { key: 'expectedCloseDate', type: 'date' },
      { key: 'closedAt', type: 'datetime' },
      { key: 'createdAt', type: 'datetime' },
      { key: 'updatedAt', type: 'datetime' },
      { key: 'tags', type: 'tags' },
    ],
    quickFilters: {
      mine: mine('ownerId'),
      open: () => ({ field: 'status', op: 'eq', value: 'open' }),
      overdue: (_me, now) => ({
        and: [
          { field: 'status', op: 'eq', value: 'open' },
          { field: 'expectedCloseDate', op: 'lt', value: today(now) },
        ],
      }),
    },
  },
  lead: {
    path: '/v1/leads',
    entityType: 'lead',
    savedFilterType: 'lead',
    defaultSort: '-updatedAt',
    columns: [
      { key: 'title', sort: both('title'), width: 240, shown: true, cell: nameCell('lead') },
      { key: 'companyName', sort: both('companyName'), width: 200, shown: true, cell: text('companyName') },
      {
        key: 'status',
        sort: both('status'),
        width: 110,
        shown: true,
        cell: (row) => String((row as unknown as Lead).status),
      },
      { key: 'email', sort: both('email'), width: 220, shown: false, cell: text('email') },
      { key: 'city', sort: both('city'), width: 140, shown: false, cell: text('city') },
      { key: 'source', sort: both('source'), width: 130, shown: false, cell: text('source') },
      { key: 'value', sort: both('value'), width: 130, shown: false, cell: money },
      created(true),
      changed(),
    ],
    fields: [
      { key: 'title', type: 'text' },
      { key: 'companyName', type: 'text' },
      { key: 'status', type: 'text', options: status(['open', 'converted', 'lost']) },
      { key: 'email', type: 'text' },
      { key: 'city', type: 'text' },
      { key: 'source', type: 'text' },
      { key: 'value', type: 'number' },
      { key: 'createdAt', type: 'datetime' },
      { key: 'updatedAt', type: 'datetime' },
      { key: 'tags', type: 'tags' },
    ],
    quickFilters: {
      mine: mine('ownerId'),
      open: () => ({ field: 'status', op: 'eq', value: 'open' }),
      withEmail: () => ({ field: 'email', op: 'isEmpty', value: false }),
    },
  },
  task: {
    path: '/v1/tasks',
    entityType: 'task',
    savedFilterType: 'task',
    defaultSort: 'dueAt',
    columns: [
      // A task has no 360° page: its title opens the task to edit.
      {
        key: 'title',
        sort: both('title'),
        width: 280,
        shown: true,
        cell: (row) => <Link to={`/records/task/${encodeURIComponent(row.id)}/edit`}>{String(row.title ?? '')}</Link>,
      },
      {
        key: 'dueAt',
        sort: { asc: 'dueAt', desc: '-dueAt' },
        width: 130,
        shown: true,
        cell: (row, language) => date(row.dueAt, language),
      },
      {
        key: 'priority',
        sort: { asc: 'priority', desc: '-priority' },
        width: 110,
        shown: true,
        cell: text('priority'),
      },
      { key: 'status', sort: both('status'), width: 120, shown: true, cell: text('status') },
      created(),
      changed(),
    ],
    fields: [
      { key: 'title', type: 'text' },
      { key: 'description', type: 'text' },
      {
        key: 'status',
        type: 'text',
        options: status(['open', 'in_progress', 'waiting', 'done', 'cancelled']),
      },
      { key: 'priority', type: 'text', options: status(['low', 'normal', 'high', 'urgent']) },
      { key: 'dueAt', type: 'datetime' },
      { key: 'completedAt', type: 'datetime' },
      { key: 'createdAt', type: 'datetime' },
      { key: 'updatedAt', type: 'datetime' },
    ],
    quickFilters: {
      mine: mine('assigneeId'),
      open: () => ({ field: 'status', op: 'in', value: ['open', 'in_progress', 'waiting'] }),
      overdue: (_me, now) => ({
        and: [
          { field: 'status', op: 'in', value: ['open', 'in_progress', 'waiting'] },
          { field: 'dueAt', op: 'lt', value: now.toISOString() },
        ],
      }),
    },
  },
  activity: {
    path: '/v1/activities',
    entityType: null,
    savedFilterType: 'activity',
    defaultSort: '-startsAt',
    columns: [
      { key: 'subject', sort: both('subject'), width: 280, shown: true, cell: linkedTitle('subject') },
      {
        key: 'activityType',
        sort: both('typeKey'),
        width: 130,
        shown: true,
        cell: (row) => (row as unknown as Activity).type?.name ?? '',
      },
      {
        key: 'startsAt',
        sort: { asc: 'startsAt', desc: '-startsAt' },
        width: 170,
        shown: true,
        // An all-day activity by its date, any other by date and time.
        cell: (row, language) => activityWhen(row, language),
      },
      { key: 'location', width: 160, shown: true, cell: text('location') },
      {
        key: 'durationMinutes',
        sort: both('durationMinutes'),
        width: 110,
        shown: false,
        cell: text('durationMinutes'),
      },
      { key: 'done', sort: both('done'), width: 90, shown: true, cell: (row) => (row.done ? '✓' : '') },
      { key: 'outcome', sort: both('outcome'), width: 180, shown: false, cell: text('outcome') },
      changed(false),
    ],
    fields: [
      { key: 'subject', type: 'text' },
      { key: 'outcome', type: 'text' },
      { key: 'typeKey', type: 'text', options: status(['call', 'email', 'meeting', 'visit']) },
      { key: 'done', type: 'boolean' },
      { key: 'startsAt', type: 'datetime' },
      { key: 'durationMinutes', type: 'number' },
      { key: 'direction', type: 'text', options: status(['inbound', 'outbound']) },
    ],
    quickFilters: {
      mine: mine('ownerId'),
      open: () => ({ field: 'done', op: 'eq', value: false }),
      overdue: (_me, now) => ({
        and: [
          { field: 'done', op: 'eq', value: false },
          { field: 'startsAt', op: 'lt', value: now.toISOString() },
        ],
      }),
    },
  },
};

/** A custom field as a column, hidden until the user shows it. */
export function customFieldColumn(field: { key: string; label: string; type: string }): Column {
  const key = `customFields.${field.key}`;
  return {
    key,
    label: field.label,
    sort: both(key),
    width: 150,
    shown: false,
    cell: (row) => {
      const value = (row.customFields as Record<string, unknown> | undefined)?.[field.key];
      return value === null || value === undefined ? '' : String(value);
    },
  };
}

/** The API's built-in types of custom fields, as the filter builder treats them. */
export function customFieldChoice(field: {
  key: string;
  label: string;
  type: 'text' | 'number' | 'boolean' | 'date' | 'select';
  options: { value: string; label: string }[];
}): FilterFieldChoice {
  return {
    key: `customFields.${field.key}`,
    label: field.label,
    type: field.type === 'select' ? 'text' : field.type,
    ...(field.type === 'select' ? { options: field.options } : {}),
  };
}
