// What a newly set-up organisation starts with (default relation types, later pipelines …):
// modules register a step; identity runs them all when a tenant is set up, in that transaction.
import type { EntityManager } from '@mikro-orm/postgresql';

export type TenantSetupStep = (em: EntityManager, tenantId: string) => Promise<void>;

const steps: TenantSetupStep[] = [];

export function registerTenantSetupStep(step: TenantSetupStep): void {
  steps.push(step);
}

export async function runTenantSetup(em: EntityManager, tenantId: string): Promise<void> {
  for (const step of steps) await step(em, tenantId);
}
