// Tenant isolation, twice: a MikroORM filter on every query, and PostgreSQL row-level security
// through the role and setting of the request's transaction. A forgotten filter still returns
// nothing from another tenant.
import type { FilterDef } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

export const APP_ROLE = 'crm_app';
export const TENANT_SETTING = 'app.tenant_id';
export const TENANT_FILTER = 'tenant';

/** Every entity is tenant-owned through `tenant`, except the tenant itself. */
export const tenantFilter: FilterDef = {
  name: TENANT_FILTER,
  cond: (args, _type, _em, _options, entityName) =>
    entityName === 'Tenant' ? { id: args.tenantId } : { tenant: args.tenantId },
  default: true,
  args: true,
};

/** Runs `work` in one transaction as the tenant: SET LOCAL ROLE crm_app, app.tenant_id, filter params. */
export async function inTenantTransaction<T>(
  em: EntityManager,
  tenantId: string,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const fork = em.fork({ clear: true });
  fork.setSessionContext({ role: APP_ROLE, variables: { [TENANT_SETTING]: tenantId } });
  fork.setFilterParams(TENANT_FILTER, { tenantId });
  return fork.transactional((tx) => work(tx as EntityManager));
}
