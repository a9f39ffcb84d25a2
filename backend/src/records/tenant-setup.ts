// What a newly set-up organisation starts with (default relation types, later pipelines …):
// modules contribute steps (CrmModule.tenantSetupSteps); identity runs them all when a tenant is set up, in that transaction.
import type { EntityManager } from '@mikro-orm/postgresql';
import { wired } from '../modules/wiring.ts';

export type TenantSetupStep = (em: EntityManager, tenantId: string) => Promise<void>;

export async function runTenantSetup(em: EntityManager, tenantId: string): Promise<void> {
  for (const step of wired().tenantSetupSteps) await step(em, tenantId);
}
