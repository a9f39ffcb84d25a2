// Saved filters (V5): filter trees with a name, a user's own or for the whole company (admins
// keep those). Lists and the board take a saved filter's id; one that names a custom field
// removed since answers a problem naming the field.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, type FieldIssue, notFound } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { compileFilter, type FilterField, type FilterNode } from '../../http/filters.ts';
import { forbidden, type Principal } from '../../http/principal.ts';
import { named } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory } from '../../records/history.ts';
import { sqlIn } from '../../records/sql.ts';
import { ORGANIZATION_FILTER_FIELDS, PERSON_FILTER_FIELDS } from '../contacts/contacts.service.ts';
import { listCustomFields } from '../custom-fields/custom-fields.service.ts';
import { DEAL_FILTER_FIELDS } from '../deals/deals.service.ts';
import { wired } from '../wiring.ts';
import type {
  CreateSavedFilter,
  SavedFilterEntityType,
  SavedFilterView,
  UpdateSavedFilter,
} from './saved-filters.schemas.ts';

/** Built-in fields by entity type, for the entity types that have a filtered list. */
const BUILT_IN_FIELDS: Readonly<Partial<Record<SavedFilterEntityType, Record<string, FilterField>>>> = {
  person: PERSON_FILTER_FIELDS,
  organization: ORGANIZATION_FILTER_FIELDS,
  deal: DEAL_FILTER_FIELDS,
};

/** Those, and the fields other modules' lists filter by (leads: CrmModule.filterFields). */
const builtInFieldsOf = (entityType: SavedFilterEntityType): Record<string, FilterField> | undefined =>
  BUILT_IN_FIELDS[entityType] ?? wired().filterFields.get(entityType);

interface Row {
  id: string;
  owner_id: string | null;
  entity_type: SavedFilterEntityType;
  name: string;
  filter: FilterNode;
  version: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
}

const toView = (row: Row): SavedFilterView => ({
  id: row.id,
  name: row.name,
  entityType: row.entity_type,
  scope: row.owner_id ? 'private' : 'company',
  ownerId: row.owner_id,
  filter: row.filter,
  version: row.version,
  createdAt: new Date(row.created_at).toISOString(),
  createdBy: row.created_by,
  updatedAt: new Date(row.updated_at).toISOString(),
});

/** Saved filters are the caller's own or the company's; anyone else's private ones do not exist for them. */
const VISIBLE = '(owner_id is null or owner_id = ?)';

export async function listSavedFilters(
  em: EntityManager,
  principal: Principal,
  entityType: SavedFilterEntityType | undefined,
): Promise<SavedFilterView[]> {
  const rows = await sqlIn<Row>(
    em,
    `select * from saved_filter where ${VISIBLE} ${entityType ? 'and entity_type = ?' : ''}
      order by entity_type, owner_id is not null, lower(name), id`,
    [principal.userId ?? null, ...(entityType ? [entityType] : [])],
  );
  return rows.map(toView);
}

export async function getSavedFilter(em: EntityManager, principal: Principal, id: string): Promise<SavedFilterView> {
  const [row] = await sqlIn<Row>(em, `select * from saved_filter where id = ? and ${VISIBLE}`, [
    id,
    principal.userId ?? null,
  ]);
  if (!row) throw notFound(`There is no saved filter ${id} of yours or your company's.`);
  return toView(row);
}

/** 400 naming each condition of the tree that does not fit the entity type's fields (as a body). */
async function checkTree(em: EntityManager, entityType: SavedFilterEntityType, filter: FilterNode): Promise<void> {
  const fields = builtInFieldsOf(entityType);
  if (!fields) return;
  try {
    compileFilter(filter, {
      fields,
      customFields: await listCustomFields(em, entityType),
      customFieldsColumn: 'r.custom_fields',
      recordType: entityType,
      idColumn: 'r.id',
    });
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

function nameTaken(name: string): AppError {
  return new AppError({
    status: 409,
    code: 'duplicate_saved_filter',
    title: 'A saved filter with this name exists',
    detail: `There is already a saved filter "${name}" here; choose another name.`,
    errors: [{ in: 'body', pointer: '#/name', detail: 'already taken' }],
  });
}

async function ensureNameFree(
  em: EntityManager,
  filter: { entityType: SavedFilterEntityType; ownerId: string | null; name: string },
  exceptId?: string,
): Promise<void> {
  const clash = await sqlIn(
    em,
    `select 1 from saved_filter where entity_type = ? and owner_id is not distinct from ?::uuid
        and lower(name) = lower(?) and id <> ?`,
    [filter.entityType, filter.ownerId, filter.name, exceptId ?? '00000000-0000-0000-0000-000000000000'],
  );
  if (clash.length > 0) throw nameTaken(filter.name);
}

const needsAdmin = () =>
  forbidden("Only a CRM administrator keeps the company's saved filters; save it for yourself (scope private).");

export async function createSavedFilter(
  em: EntityManager,
  principal: Principal & { userId: string },
  input: CreateSavedFilter,
): Promise<SavedFilterView> {
  if (input.scope === 'company' && !principal.roles.has('admin')) throw needsAdmin();
  const ownerId = input.scope === 'company' ? null : principal.userId;
  await checkTree(em, input.entityType, input.filter);
  await ensureNameFree(em, { entityType: input.entityType, ownerId, name: input.name });
  const id = newId();
  await sqlIn(
    em,
    `insert into saved_filter (id, tenant_id, owner_id, entity_type, name, filter, created_by, updated_by)
     values (?, crm_current_tenant(), ?, ?, ?, ?::jsonb, ?, ?)`,
    [id, ownerId, input.entityType, input.name, JSON.stringify(input.filter), principal.userId, principal.userId],
  );
  const saved = await getSavedFilter(em, principal, id);
  recordHistory(em, principal, {
    type: 'saved_filter',
    id,
    action: 'create',
    after: { name: saved.name, entityType: saved.entityType, scope: saved.scope, filter: saved.filter },
  });
  await em.flush();
  return saved;
}

/** The caller may change their own filters, and admins the company's. */
async function editable(em: EntityManager, principal: Principal, id: string): Promise<SavedFilterView> {
  const saved = await getSavedFilter(em, principal, id);
  if (saved.scope === 'company' && !principal.roles.has('admin')) throw needsAdmin();
  return saved;
}

export async function updateSavedFilter(
  em: EntityManager,
  principal: Principal,
  id: string,
  change: UpdateSavedFilter,
  expectedVersion: number | undefined,
): Promise<SavedFilterView> {
  const before = await editable(em, principal, id);
  checkVersion(before, expectedVersion, named('saved_filter', before.name));
  if (change.filter) await checkTree(em, before.entityType, change.filter);
  if (change.name !== undefined && change.name.toLowerCase() !== before.name.toLowerCase()) {
    await ensureNameFree(em, { entityType: before.entityType, ownerId: before.ownerId, name: change.name }, id);
  }
  await sqlIn(
    em,
    `update saved_filter set name = ?, filter = ?::jsonb, version = version + 1, updated_at = now(), updated_by = ?
      where id = ?`,
    [change.name ?? before.name, JSON.stringify(change.filter ?? before.filter), principal.userId ?? null, id],
  );
  const after = await getSavedFilter(em, principal, id);
  recordHistory(em, principal, {
    type: 'saved_filter',
    id,
    action: 'update',
    before: { name: before.name, filter: before.filter },
    after: { name: after.name, filter: after.filter },
  });
  await em.flush();
  return after;
}

export async function deleteSavedFilter(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const saved = await editable(em, principal, id);
  checkVersion(saved, expectedVersion, named('saved_filter', saved.name));
  await sqlIn(em, 'delete from saved_filter where id = ?', [id]);
  recordHistory(em, principal, { type: 'saved_filter', id, action: 'delete', before: { name: saved.name } });
  await em.flush();
}

/** The custom field keys a tree names. */
function customFieldKeys(node: FilterNode): string[] {
  if ('and' in node) return node.and.flatMap(customFieldKeys);
  if ('or' in node) return node.or.flatMap(customFieldKeys);
  return node.field.startsWith('customFields.') ? [node.field.slice('customFields.'.length)] : [];
}

/**
 * The filter trees a list or the board applies: the request's own and the saved filter's. A saved
 * filter of another entity type, or one that names fields removed since, answers 422 saying which.
 */
export async function filtersOf(
  em: EntityManager,
  principal: Principal,
  entityType: SavedFilterEntityType,
  query: { filter?: FilterNode | undefined; savedFilterId?: string | undefined },
): Promise<FilterNode[]> {
  const filters = query.filter ? [query.filter] : [];
  if (!query.savedFilterId) return filters;
  const [row] = await sqlIn<Row>(em, `select * from saved_filter where id = ? and ${VISIBLE}`, [
    query.savedFilterId,
    principal.userId ?? null,
  ]);
  const problem = (code: string, title: string, detail: string) =>
    new AppError({
      status: 422,
      code,
      title,
      detail,
      errors: [{ in: 'query', pointer: '#/savedFilterId', detail: title }],
    });
  if (!row) {
    throw problem(
      'unknown_saved_filter',
      'Unknown saved filter',
      `There is no saved filter ${query.savedFilterId} of yours or your company's; GET /api/v1/saved-filters lists them.`,
    );
  }
  if (row.entity_type !== entityType) {
    throw problem(
      'saved_filter_type_mismatch',
      'The saved filter is for another list',
      `Saved filter "${row.name}" filters ${row.entity_type} records, not ${entityType} records.`,
    );
  }
  const keys = [...new Set(customFieldKeys(row.filter))];
  if (keys.length > 0) {
    const existing = new Set((await listCustomFields(em, entityType)).map((field) => field.key));
    const removed = keys.filter((key) => !existing.has(key));
    if (removed.length > 0) {
      throw problem(
        'saved_filter_outdated',
        'The saved filter names a removed custom field',
        `Saved filter "${row.name}" filters by the custom field${removed.length > 1 ? 's' : ''} ${removed.map((key) => `"${key}"`).join(', ')}, which no longer exist${removed.length > 1 ? '' : 's'}. Edit the filter (PATCH /api/v1/saved-filters/${row.id}) or define the field again.`,
      );
    }
  }
  const fields = builtInFieldsOf(entityType);
  const unknown = fields ? [...builtInFields(row.filter)].filter((field) => !(field in fields)) : [];
  if (unknown.length > 0) {
    throw problem(
      'saved_filter_outdated',
      'The saved filter names an unknown field',
      `Saved filter "${row.name}" filters by ${unknown.map((field) => `"${field}"`).join(', ')}, which ${entityType} records do not have (any more). Edit the filter (PATCH /api/v1/saved-filters/${row.id}).`,
    );
  }
  return [...filters, row.filter];
}

function builtInFields(node: FilterNode): Set<string> {
  if ('and' in node) return new Set(node.and.flatMap((child) => [...builtInFields(child)]));
  if ('or' in node) return new Set(node.or.flatMap((child) => [...builtInFields(child)]));
  return new Set(node.field === 'tags' || node.field.startsWith('customFields.') ? [] : [node.field]);
}
