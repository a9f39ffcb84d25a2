// Prospect selection (D7): saved selections of organizations by the shared filter tree, and what
// they find now: a count, cursor pages, and a CSV export streamed in keyset batches.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, type FieldIssue } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { compileFilter } from '../../http/filter-sql.ts';
import type { FilterNode } from '../../http/filters.ts';
import { textIn } from '../../http/language.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory, type Snapshot, unchanged } from '../../records/history.ts';
import { sqlIn } from '../../records/sql.ts';
import { Organization } from '../contacts/contact.entity.ts';
import type { OrganizationView } from '../contacts/contacts.schemas.ts';
import { ORGANIZATION_FILTER_FIELDS, organizationView } from '../contacts/contacts.service.ts';
import type { CustomFieldView } from '../custom-fields/custom-fields.schemas.ts';
import { listCustomFields } from '../custom-fields/custom-fields.service.ts';
import { tagsOf } from '../tags/tags.service.ts';
import type { CreateSelection, SelectionView, UpdateSelection } from './prospects.schemas.ts';

interface Row {
  id: string;
  name: string;
  description: string | null;
  filter: FilterNode | null;
  saved_filter_id: string | null;
  version: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

const toView = (row: Row): SelectionView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  filter: row.filter,
  savedFilterId: row.saved_filter_id,
  version: row.version,
  createdAt: new Date(row.created_at).toISOString(),
  createdBy: row.created_by,
  updatedAt: new Date(row.updated_at).toISOString(),
  updatedBy: row.updated_by,
});

const snapshot = (selection: SelectionView): Snapshot => ({
  name: selection.name,
  description: selection.description,
  filter: selection.filter,
  savedFilterId: selection.savedFilterId,
});

/** What only prospectors may do, as the subject of "needs the CRM role". */
const prospectorActions = {
  keep: { en: 'Keeping prospect selections', de: 'Das Anlegen von Zielkundenauswahlen' },
  change: { en: 'Changing prospect selections', de: 'Das Ändern von Zielkundenauswahlen' },
  delete: { en: 'Deleting prospect selections', de: 'Das Löschen von Zielkundenauswahlen' },
  export: { en: 'Exporting organizations', de: 'Der Export von Organisationen' },
} as const;

/** Who keeps selections and exports them: admins, sales managers and inside sales; everyone runs them. */
export function requireProspector(principal: Principal, what: keyof typeof prospectorActions): void {
  if (!['admin', 'sales_manager', 'inside_sales'].some((role) => principal.roles.has(role as 'admin'))) {
    throw problem('prospector_needed', { what: prospectorActions[what] });
  }
}

export async function getSelection(em: EntityManager, id: string): Promise<SelectionView> {
  const [row] = await sqlIn<Row>(em, 'select * from prospect_selection where id = ?', [id]);
  if (!row) throw problem('not_found', { noSuch: noSuch('prospect_selection'), id });
  return toView(row);
}

export async function listSelections(
  em: EntityManager,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: SelectionView[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor, 2);
  const rows = await sqlIn<Row>(
    em,
    `select * from prospect_selection ${after ? 'where (lower(name), id) > (?, ?)' : ''}
      order by lower(name), id limit ?`,
    [...(after ?? []), query.limit + 1],
  );
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  return {
    items: shown.map(toView),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.name.toLowerCase(), last.id]) : null,
  };
}

function compileOrganizations(filter: FilterNode, customFields: readonly CustomFieldView[]) {
  return compileFilter(filter, {
    fields: ORGANIZATION_FILTER_FIELDS,
    customFields,
    customFieldsColumn: 'r.custom_fields',
    recordType: 'organization',
    idColumn: 'r.id',
  });
}

/** 400 naming each condition of the tree (in the body) that organizations do not have. */
async function checkFilter(em: EntityManager, filter: FilterNode): Promise<void> {
  try {
    compileOrganizations(filter, await listCustomFields(em, 'organization'));
  } catch (error) {
    if (error instanceof AppError && error.errors) {
      throw new AppError({
        status: 400,
        code: error.code,
        title: error.titles,
        detail: error.details,
        errors: error.errors.map((item): FieldIssue => ({ ...item, in: 'body' })),
      });
    }
    throw error;
  }
}

/** The saved filter must be one of organizations the caller sees (their own or the company's). */
async function checkSavedFilter(em: EntityManager, principal: Principal, id: string): Promise<void> {
  const [row] = await sqlIn<{ entity_type: string; name: string }>(
    em,
    'select entity_type, name from saved_filter where id = ? and (owner_id is null or owner_id = ?)',
    [id, principal.userId ?? null],
  );
  if (row?.entity_type !== 'organization') {
    const at = { at: { pointer: '#/savedFilterId' } };
    throw row
      ? problem('saved_filter_type_mismatch', { name: row.name, type: row.entity_type }, at)
      : problem('unknown_saved_filter', { id }, at);
  }
}

async function ensureNameFree(em: EntityManager, name: string, exceptId?: string): Promise<void> {
  const clash = await sqlIn(em, 'select 1 from prospect_selection where lower(name) = lower(?) and id <> ?', [
    name,
    exceptId ?? '00000000-0000-0000-0000-000000000000',
  ]);
  if (clash.length > 0) {
    throw problem('duplicate_prospect_selection', { name }, { at: { pointer: '#/name' } });
  }
}

export async function createSelection(
  em: EntityManager,
  principal: Principal,
  input: CreateSelection,
): Promise<SelectionView> {
  requireProspector(principal, 'keep');
  if (input.filter) await checkFilter(em, input.filter);
  if (input.savedFilterId) await checkSavedFilter(em, principal, input.savedFilterId);
  await ensureNameFree(em, input.name);
  const id = newId();
  await sqlIn(
    em,
    `insert into prospect_selection (id, tenant_id, name, description, filter, saved_filter_id, created_by, updated_by)
     values (?, crm_current_tenant(), ?, ?, ?::jsonb, ?, ?, ?)`,
    [
      id,
      input.name,
      input.description ?? null,
      input.filter ? JSON.stringify(input.filter) : null,
      input.savedFilterId ?? null,
      principal.userId ?? null,
      principal.userId ?? null,
    ],
  );
  const selection = await getSelection(em, id);
  recordHistory(em, principal, { type: 'prospect_selection', id, action: 'create', after: snapshot(selection) });
  await em.flush();
  return selection;
}

export async function updateSelection(
  em: EntityManager,
  principal: Principal,
  id: string,
  change: UpdateSelection,
  expectedVersion: number | undefined,
): Promise<SelectionView> {
  requireProspector(principal, 'change');
  const [locked] = await sqlIn(em, 'select 1 from prospect_selection where id = ? for update', [id]);
  if (!locked) throw problem('not_found', { noSuch: noSuch('prospect_selection'), id });
  const before = await getSelection(em, id);
  checkVersion(before, expectedVersion, named('prospect_selection', before.name));
  const next: SelectionView = {
    ...before,
    name: change.name ?? before.name,
    description: change.description === undefined ? before.description : change.description,
    filter: change.filter === undefined ? before.filter : change.filter,
    savedFilterId: change.savedFilterId === undefined ? before.savedFilterId : change.savedFilterId,
  };
  if (unchanged(snapshot(before), snapshot(next))) return before;
  if (change.filter) await checkFilter(em, change.filter);
  if (change.savedFilterId && change.savedFilterId !== before.savedFilterId) {
    await checkSavedFilter(em, principal, change.savedFilterId);
  }
  if (next.name.toLowerCase() !== before.name.toLowerCase()) await ensureNameFree(em, next.name, id);
  await sqlIn(
    em,
    `update prospect_selection set name = ?, description = ?, filter = ?::jsonb, saved_filter_id = ?,
            version = version + 1, updated_at = now(), updated_by = ?
      where id = ?`,
    [
      next.name,
      next.description,
      next.filter ? JSON.stringify(next.filter) : null,
      next.savedFilterId,
      principal.userId ?? null,
      id,
    ],
  );
  const after = await getSelection(em, id);
  recordHistory(em, principal, {
    type: 'prospect_selection',
    id,
    action: 'update',
    before: snapshot(before),
    after: snapshot(after),
  });
  await em.flush();
  return after;
}

export async function deleteSelection(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  requireProspector(principal, 'delete');
  const selection = await getSelection(em, id);
  checkVersion(selection, expectedVersion, named('prospect_selection', selection.name));
  await sqlIn(em, 'delete from prospect_selection where id = ?', [id]);
  recordHistory(em, principal, {
    type: 'prospect_selection',
    id,
    action: 'delete',
    before: snapshot(selection),
  });
  await em.flush();
}

// ---- running a selection ----------------------------------------------------------------------

/**
 * The SQL condition (on organization r) a selection stands for now. A saved filter deleted since,
 * or a custom field removed since, answers 422 naming it: the request is fine, the selection is not.
 */
export async function selectionCondition(
  em: EntityManager,
  selection: SelectionView,
  customFields?: readonly CustomFieldView[],
): Promise<{ sql: string; params: unknown[] }> {
  const trees: FilterNode[] = selection.filter ? [selection.filter] : [];
  if (selection.savedFilterId) {
    const [saved] = await sqlIn<{ filter: FilterNode; entity_type: string }>(
      em,
      'select filter, entity_type from saved_filter where id = ?',
      [selection.savedFilterId],
    );
    if (saved?.entity_type !== 'organization') {
      throw problem('prospect_filter_deleted', {
        name: selection.name,
        filterId: selection.savedFilterId,
        id: selection.id,
      });
    }
    trees.push(saved.filter);
  }
  const fields = customFields ?? (await listCustomFields(em, 'organization'));
  const compiled = [];
  for (const tree of trees) {
    try {
      compiled.push(compileOrganizations(tree, fields));
    } catch (error) {
      if (error instanceof AppError && error.errors) {
        const issues = error.errors;
        const listed = (language: 'en' | 'de') => issues.map((item) => textIn(item.detail, language)).join('; ');
        throw problem('prospect_fields_gone', {
          name: selection.name,
          problems: { en: listed('en'), de: listed('de') },
          id: selection.id,
        });
      }
      throw error;
    }
  }
  return compiled.length === 0
    ? { sql: 'true', params: [] }
    : { sql: compiled.map((part) => part.sql).join(' and '), params: compiled.flatMap((part) => part.params) };
}

const ORGANIZATIONS = 'from organization r where r.tenant_id = crm_current_tenant() and r.deleted_at is null';

export async function countSelection(em: EntityManager, id: string): Promise<{ id: string; count: number }> {
  const selection = await getSelection(em, id);
  const where = await selectionCondition(em, selection);
  const [row] = await sqlIn<{ n: number }>(em, `select count(*)::int as n ${ORGANIZATIONS} and ${where.sql}`, [
    ...where.params,
  ]);
  return { id, count: row?.n ?? 0 };
}

/** One keyset batch of the organizations a condition finds, by name. */
export async function organizationRows(
  em: EntityManager,
  where: { sql: string; params: unknown[] },
  limit: number,
  after: readonly unknown[] | undefined,
): Promise<Record<string, unknown>[]> {
  return sqlIn<Record<string, unknown>>(
    em,
    `select r.* ${ORGANIZATIONS} and ${where.sql} ${after ? 'and (lower(r.name), r.id) > (?, ?)' : ''}
      order by lower(r.name), r.id limit ?`,
    [...where.params, ...(after ?? []), limit],
  );
}

export const organizationKey = (row: Record<string, unknown>) => [String(row.name).toLowerCase(), String(row.id)];

export async function selectionOrganizations(
  em: EntityManager,
  id: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: OrganizationView[]; nextCursor: string | null }> {
  const selection = await getSelection(em, id);
  const where = await selectionCondition(em, selection);
  const after = decodeCursor(query.cursor, 2);
  const rows = await organizationRows(em, where, query.limit + 1, after);
  const shown = rows.slice(0, query.limit);
  const tags = await tagsOf(
    em,
    'organization',
    shown.map((row) => String(row.id)),
  );
  const last = shown.at(-1);
  return {
    items: shown.map((row) => organizationView(em.map(Organization, row), tags.get(String(row.id)))),
    nextCursor: rows.length > query.limit && last ? encodeCursor(organizationKey(last)) : null,
  };
}
