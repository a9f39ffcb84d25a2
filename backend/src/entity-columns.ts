// What every entity shares: the tenant, its row-level-security policy, optimistic-lock version,
// creation/update/deletion stamps and the trash filter.
import { p } from '@mikro-orm/core';
import { APP_ROLE, TRASH_FILTER } from './http/tenancy.ts';
import { Tenant } from './modules/identity/tenant.entity.ts';
import { User } from './modules/identity/user.entity.ts';

/**
 * A reference to a user as its id: a real foreign key to app_user (`on delete set null` unless
 * said otherwise), read and written as the id, as the services pass user ids around.
 */
// The column name stays a literal type: Kysely names the column by it (a `string` would make every
// column of the table `string`-keyed and untyped).
export function userRef<const Column extends string>(column: Column) {
  return p.manyToOne(User).fieldName(column).mapToPk().deleteRule('set null').nullable();
}

// Function declarations, not arrow constants: user.entity.ts imports this file while this file
// imports it, and only hoisted functions are ready in the middle of that cycle.
/** When the row was made and last changed. */
export function timestampColumns() {
  return {
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  };
}

export function versionedColumns() {
  return {
    version: p.integer().version().default(1),
    ...timestampColumns(),
  };
}

/** Who created and last changed the record. */
export function authorColumns() {
  return {
    createdBy: () => userRef('created_by'),
    updatedBy: () => userRef('updated_by'),
  };
}

/** Versioned columns plus who created and changed the record, and its trash state. */
export function recordColumns() {
  return {
    ...versionedColumns(),
    ...authorColumns(),
    deletedAt: p.datetime().nullable(),
    deletedBy: () => userRef('deleted_by'),
  };
}

/** Hides records in the trash; queries that want them pass `filters: { [TRASH_FILTER]: false }`. */
export function trashable() {
  return { [TRASH_FILTER]: { name: TRASH_FILTER, cond: { deletedAt: null }, default: true } };
}

/** The row-level-security policy of every tenant table (see http/tenancy.ts): the app role sees its tenant's rows only. */
export function tenantIsolation() {
  return [
    {
      name: 'tenant_isolation',
      roles: [APP_ROLE],
      using: 'tenant_id = crm_current_tenant()',
      check: 'tenant_id = crm_current_tenant()',
    },
  ];
}

/** The tenant table of an entity: `tenant_id`, its row removed with the tenant. */
export function tenantColumn() {
  return p.manyToOne(Tenant).fieldName('tenant_id').deleteRule('cascade');
}
