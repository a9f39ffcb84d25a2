// The tenant of an entity manager's tenant transaction (http/tenancy.ts sets it), for new entities.
import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_FILTER } from '../http/tenancy.ts';
import { Tenant } from '../modules/identity/tenant.entity.ts';

export function currentTenant(em: EntityManager): Tenant {
  const { tenantId } = em.getFilterParams<{ tenantId?: string }>(TENANT_FILTER);
  if (!tenantId) throw new Error('No tenant: run inside inTenantTransaction.');
  return em.getReference(Tenant, tenantId);
}
