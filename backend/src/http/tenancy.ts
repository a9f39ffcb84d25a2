// Tenant isolation, twice: a MikroORM filter on every query, and PostgreSQL row-level security
// through the role and setting of the request's transaction. A forgotten filter still returns
// nothing from another tenant.
import { type FilterDef, Routine } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { compileOnly, statementShapes } from '../records/sql.ts';

export const APP_ROLE = 'crm_app';
export const TENANT_SETTING = 'app.tenant_id';
export const TENANT_FILTER = 'tenant';

/** The tenant of the current transaction, which every row-level-security policy compares with. */
export const currentTenantRoutine = new Routine({
  name: 'crm_current_tenant',
  type: 'function',
  language: 'sql',
  params: {},
  returns: { runtimeType: 'string', columnType: 'uuid', nullable: true },
  body: `select nullif(current_setting('${TENANT_SETTING}', true), '')::uuid`,
});

/** Every entity is tenant-owned through `tenant`, except the tenant itself. */
export const tenantFilter: FilterDef = {
  name: TENANT_FILTER,
  cond: (args, _type, _em, _options, entityName) =>
    entityName === 'Tenant' ? { id: args.tenantId } : { tenant: args.tenantId },
  default: true,
  args: true,
};

/**
 * Role and tenant in one statement, prepared: this runs on every request. It also turns off JIT
 * compilation for the transaction: a request's statements run in milliseconds, and at 100,000
 * persons a tenant's duplicate check crossed JIT's cost threshold and spent 26 of its 206 ms
 * compiling itself.
 */
const setTenantContext = statementShapes(['tenantId'], (values: { tenantId: string }) => ({
  compile: () =>
    sql`select set_config(${TENANT_SETTING}, ${values.tenantId}, true), set_config('role', ${APP_ROLE}, true),
      set_config('jit', 'off', true)`.compile(compileOnly),
}));

/**
 * Runs `work` in one transaction as the tenant: the role crm_app and app.tenant_id set for the
 * transaction only (set_config(..., true) is SET LOCAL), and the filter's tenant.
 */
export async function inTenantTransaction<T>(
  em: EntityManager,
  tenantId: string,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const fork = em.fork({ clear: true });
  fork.setFilterParams(TENANT_FILTER, { tenantId });
  return fork.transactional(async (tx) => {
    await setTenantContext(tx as EntityManager, 'set', { tenantId });
    return work(tx as EntityManager);
  });
}

/** Records in the trash are hidden by this filter (declared on each trashable entity) unless a query turns it off. */
export const TRASH_FILTER = 'notTrashed';
