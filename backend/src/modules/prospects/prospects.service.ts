// Prospect selection (D7): saved selections of organizations by the shared filter tree, and what
// they find now: a count, cursor pages, and a CSV export streamed in keyset batches.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, expressionBuilder, type InferResult, type SqlBool, sql } from 'kysely';
import { AppError, type FieldIssue } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { filterCondition } from '../../http/filter-sql.ts';
import type { FilterNode } from '../../http/filters.ts';
import { textIn } from '../../http/language.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory, type Snapshot, unchanged } from '../../records/history.ts';
import { type Database, db, jsonb } from '../../records/sql.ts';
import { Organization } from '../contacts/contact.entity.ts';
import type { OrganizationView } from '../contacts/contacts.schemas.ts';
import { ORGANIZATION_FILTER_FIELDS, organizationView } from '../contacts/contacts.service.ts';
import type { CustomFieldView } from '../custom-fields/custom-fields.schemas.ts';
import { listCustomFields } from '../custom-fields/custom-fields.service.ts';
import { tagsOf } from '../tags/tags.service.ts';
import type { CreateSelection, SelectionView, UpdateSelection } from './prospects.schemas.ts';

function selectSelections(em: EntityManager) {
  return db(em)
    .selectFrom('prospect_selection')
    .select((eb) => [
      'id',
      'name',
      'description',
      eb.ref('filter').$castTo<FilterNode | null>().as('filter'),
      'saved_filter_id',
      'version',
      'created_at',
      'created_by',
      'updated_at',
      'updated_by',
    ]);
}

type Row = InferResult<ReturnType<typeof selectSelections>>[number];

// Stands for no one (no user, no selection): no row has it.
const NO_ONE = '00000000-0000-0000-0000-000000000000';

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
  const row = await selectSelections(em).where('id', '=', id).executeTakeFirst();
  if (!row) throw problem('not_found', { noSuch: noSuch('prospect_selection'), id });
  return toView(row);
}

export async function listSelections(
  em: EntityManager,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: SelectionView[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor, 2);
  const rows = await selectSelections(em)
    .$if(after !== undefined, (query) =>
      query.where((eb) =>
        eb(eb.refTuple(eb.fn('lower', ['name']), 'id'), '>', eb.tuple(String(after?.[0]), String(after?.[1]))),
      ),
    )
    .orderBy((eb) => eb.fn('lower', ['name']))
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  return {
    items: shown.map(toView),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.name.toLowerCase(), last.id]) : null,
  };
}

const organization = expressionBuilder<{ r: Database['organization'] }, 'r'>();

function compileOrganizations(filter: FilterNode, customFields: readonly CustomFieldView[]) {
  return filterCondition(filter, {
    fields: ORGANIZATION_FILTER_FIELDS,
    customFields,
    customFieldsColumn: organization.ref('r.custom_fields'),
    recordType: 'organization',
    idColumn: organization.ref('r.id'),
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
  const row = await db(em)
    .selectFrom('saved_filter')
    .select(['entity_type', 'name'])
    .where('id', '=', id)
    .where((eb) => eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', principal.userId ?? NO_ONE)]))
    .executeTakeFirst();
  if (row?.entity_type !== 'organization') {
    const at = { at: { pointer: '#/savedFilterId' } };
    throw row
      ? problem('saved_filter_type_mismatch', { name: row.name, type: row.entity_type }, at)
      : problem('unknown_saved_filter', { id }, at);
  }
}

async function ensureNameFree(em: EntityManager, name: string, exceptId?: string): Promise<void> {
  const clash = await db(em)
    .selectFrom('prospect_selection')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', eb.fn('lower', [eb.val(name)])))
    .where('id', '<>', exceptId ?? NO_ONE)
    .execute();
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
  await db(em)
    .insertInto('prospect_selection')
    .values({
      id,
      tenant_id: sql<string>`crm_current_tenant()`,
      name: input.name,
      description: input.description ?? null,
      filter: input.filter ? jsonb(input.filter) : null,
      saved_filter_id: input.savedFilterId ?? null,
      created_by: principal.userId ?? null,
      updated_by: principal.userId ?? null,
    })
    .execute();
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
  const locked = await db(em)
    .selectFrom('prospect_selection')
    .select('id')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
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
  await db(em)
    .updateTable('prospect_selection')
    .set((eb) => ({
      name: next.name,
      description: next.description,
      filter: next.filter ? jsonb(next.filter) : null,
      saved_filter_id: next.savedFilterId,
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
      updated_by: principal.userId ?? null,
    }))
    .where('id', '=', id)
    .execute();
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
  await db(em).deleteFrom('prospect_selection').where('id', '=', id).execute();
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
 * The condition (on organization r) a selection stands for now. A saved filter deleted since,
 * or a custom field removed since, answers 422 naming it: the request is fine, the selection is not.
 */
export async function selectionCondition(
  em: EntityManager,
  selection: SelectionView,
  customFields?: readonly CustomFieldView[],
): Promise<Expression<SqlBool>> {
  const trees: FilterNode[] = selection.filter ? [selection.filter] : [];
  if (selection.savedFilterId) {
    const saved = await db(em)
      .selectFrom('saved_filter')
      .select((eb) => [eb.ref('filter').$castTo<FilterNode>().as('filter'), 'entity_type'])
      .where('id', '=', selection.savedFilterId)
      .executeTakeFirst();
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
  return organization.and(compiled);
}

/** The organizations (not in the trash) a selection's condition finds. */
function organizationsWhere(em: EntityManager, where: Expression<SqlBool>) {
  return db(em)
    .selectFrom('organization as r')
    .where('r.tenant_id', '=', sql<string>`crm_current_tenant()`)
    .where('r.deleted_at', 'is', null)
    .where(() => where);
}

export async function countSelection(em: EntityManager, id: string): Promise<{ id: string; count: number }> {
  const selection = await getSelection(em, id);
  const where = await selectionCondition(em, selection);
  const row = await organizationsWhere(em, where)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst();
  return { id, count: Number(row?.n ?? 0) };
}

/** One keyset batch of the organizations a condition finds, by name. */
export function organizationRows(
  em: EntityManager,
  where: Expression<SqlBool>,
  limit: number,
  after: readonly unknown[] | undefined,
): Promise<Record<string, unknown>[]> {
  return organizationsWhere(em, where)
    .selectAll('r')
    .$if(after !== undefined, (query) =>
      query.where((eb) =>
        eb(eb.refTuple(eb.fn('lower', ['r.name']), 'r.id'), '>', eb.tuple(String(after?.[0]), String(after?.[1]))),
      ),
    )
    .orderBy((eb) => eb.fn('lower', ['r.name']))
    .orderBy('r.id')
    .limit(limit)
    .execute();
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
