// Saved filters (V5): filter trees with a name, a user's own or for the whole company (admins
// keep those). Lists and the board take a saved filter's id; one that names a custom field
// removed since answers a problem naming the field.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, type FieldIssue } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { checkFilter } from '../../http/filter-sql.ts';
import type { FilterField, FilterNode } from '../../http/filters.ts';
import type { Principal } from '../../http/principal.ts';
import { named, problem } from '../../http/problems.ts';
import { currentTenant } from '../../records/current-tenant.ts';
import { ORGANIZATION_FILTER_FIELDS, PERSON_FILTER_FIELDS } from '../contacts/contacts.service.ts';
import { listCustomFields } from '../custom-fields/custom-fields.service.ts';
import { DEAL_FILTER_FIELDS } from '../deals/deals.service.ts';
import { wired } from '../wiring.ts';
import { SavedFilter } from './saved-filter.entity.ts';
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

const toView = (saved: SavedFilter): SavedFilterView => ({
  id: saved.id,
  name: saved.name,
  entityType: saved.entityType,
  scope: saved.ownerId ? 'private' : 'company',
  ownerId: saved.ownerId ?? null,
  filter: saved.filter as FilterNode,
  version: saved.version,
  createdAt: saved.createdAt.toISOString(),
  createdBy: saved.createdBy ?? null,
  updatedAt: saved.updatedAt.toISOString(),
});

/** Saved filters are the caller's own or the company's; anyone else's private ones do not exist for them. */
const visibleTo = (principal: Principal) => ({ $or: [{ ownerId: null }, { ownerId: principal.userId ?? null }] });

async function findVisible(em: EntityManager, principal: Principal, id: string): Promise<SavedFilter | null> {
  return em.findOne(SavedFilter, { $and: [{ id }, visibleTo(principal)] });
}

export async function listSavedFilters(
  em: EntityManager,
  principal: Principal,
  entityType: SavedFilterEntityType | undefined,
): Promise<SavedFilterView[]> {
  const found = await em.find(SavedFilter, { $and: [visibleTo(principal), entityType ? { entityType } : {}] });
  // The company's first, then one's own; by name as people read it.
  const order = (saved: SavedFilter) =>
    [saved.entityType, saved.ownerId ? '1' : '0', saved.name.toLowerCase(), saved.id].join('\u0000');
  return found.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)).map(toView);
}

export async function getSavedFilter(em: EntityManager, principal: Principal, id: string): Promise<SavedFilterView> {
  const saved = await findVisible(em, principal, id);
  if (!saved) throw problem('no_such_saved_filter', { id });
  return toView(saved);
}

/** 400 naming each condition of the tree that does not fit the entity type's fields (as a body). */
async function checkTree(em: EntityManager, entityType: SavedFilterEntityType, filter: FilterNode): Promise<void> {
  const fields = builtInFieldsOf(entityType);
  if (!fields) return;
  try {
    checkFilter(filter, { fields, customFields: await listCustomFields(em, entityType), recordType: entityType });
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
  return problem('duplicate_saved_filter', { name }, { at: { pointer: '#/name' } });
}

async function ensureNameFree(
  em: EntityManager,
  filter: { entityType: SavedFilterEntityType; ownerId: string | null; name: string },
  exceptId?: string,
): Promise<void> {
  const sameScope = await em.find(SavedFilter, {
    entityType: filter.entityType,
    ownerId: filter.ownerId,
    ...(exceptId ? { id: { $ne: exceptId } } : {}),
  });
  if (sameScope.some((saved) => saved.name.toLowerCase() === filter.name.toLowerCase())) throw nameTaken(filter.name);
}

const needsAdmin = () => problem('company_filter_needs_admin');

export async function createSavedFilter(
  em: EntityManager,
  principal: Principal & { userId: string },
  input: CreateSavedFilter,
): Promise<SavedFilterView> {
  if (input.scope === 'company' && !principal.roles.has('admin')) throw needsAdmin();
  const ownerId = input.scope === 'company' ? null : principal.userId;
  await checkTree(em, input.entityType, input.filter);
  await ensureNameFree(em, { entityType: input.entityType, ownerId, name: input.name });
  const saved = em.create(SavedFilter, {
    tenant: currentTenant(em),
    ownerId,
    entityType: input.entityType,
    name: input.name,
    filter: input.filter,
  });
  // The saved filter's history tells (saved-filter.audit.ts).
  await em.flush();
  return toView(saved);
}

/** The caller may change their own filters, and admins the company's. */
async function editable(em: EntityManager, principal: Principal, id: string): Promise<SavedFilter> {
  const saved = await findVisible(em, principal, id);
  if (!saved) throw problem('no_such_saved_filter', { id });
  if (!saved.ownerId && !principal.roles.has('admin')) throw needsAdmin();
  return saved;
}

export async function updateSavedFilter(
  em: EntityManager,
  principal: Principal,
  id: string,
  change: UpdateSavedFilter,
  expectedVersion: number | undefined,
): Promise<SavedFilterView> {
  const saved = await editable(em, principal, id);
  checkVersion(saved, expectedVersion, named('saved_filter', saved.name));
  if (change.filter) await checkTree(em, saved.entityType, change.filter);
  if (change.name !== undefined && change.name.toLowerCase() !== saved.name.toLowerCase()) {
    await ensureNameFree(em, { entityType: saved.entityType, ownerId: saved.ownerId ?? null, name: change.name }, id);
  }
  em.assign(saved, {
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(change.filter ? { filter: change.filter } : {}),
  });
  await em.flush();
  return toView(saved);
}

export async function deleteSavedFilter(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const saved = await editable(em, principal, id);
  checkVersion(saved, expectedVersion, named('saved_filter', saved.name));
  em.remove(saved);
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
  const row = await findVisible(em, principal, query.savedFilterId);
  const at = { at: { in: 'query' as const, pointer: '#/savedFilterId' } };
  if (!row) throw problem('unknown_list_filter', { id: query.savedFilterId }, at);
  if (row.entityType !== entityType) {
    throw problem('list_filter_type_mismatch', { name: row.name, type: row.entityType, wanted: entityType }, at);
  }
  const keys = [...new Set(customFieldKeys(row.filter as FilterNode))];
  if (keys.length > 0) {
    const existing = new Set((await listCustomFields(em, entityType)).map((field) => field.key));
    const removed = keys.filter((key) => !existing.has(key));
    if (removed.length > 0) {
      throw problem(
        'saved_filter_field_removed',
        { name: row.name, keys: removed.map((key) => `"${key}"`), id: row.id },
        at,
      );
    }
  }
  const fields = builtInFieldsOf(entityType);
  const unknown = fields ? [...builtInFields(row.filter as FilterNode)].filter((field) => !(field in fields)) : [];
  if (unknown.length > 0) {
    throw problem(
      'saved_filter_field_unknown',
      { name: row.name, fields: unknown.map((field) => `"${field}"`), type: entityType, id: row.id },
      at,
    );
  }
  return [...filters, row.filter as FilterNode];
}

function builtInFields(node: FilterNode): Set<string> {
  if ('and' in node) return new Set(node.and.flatMap((child) => [...builtInFields(child)]));
  if ('or' in node) return new Set(node.or.flatMap((child) => [...builtInFields(child)]));
  return new Set(node.field === 'tags' || node.field.startsWith('customFields.') ? [] : [node.field]);
}
