// Demo data for `npm start`: the emulator's organisations that consented to the CRM, set up with
// their users and CRM roles, as their administrators' first sign-in would. Idempotent.
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../http/tenancy.ts';
import { appRolesToRoles, languageOf } from '../modules/identity/identity.service.ts';
import { Tenant } from '../modules/identity/tenant.entity.ts';
import { User } from '../modules/identity/user.entity.ts';
import { runTenantSetup } from '../records/tenant-setup.ts';

export interface DemoTenant {
  id: string;
  displayName: string;
  consentedApps: string[];
  users: {
    id: string;
    displayName: string;
    userPrincipalName: string;
    jobTitle?: string | null | undefined;
    preferredLanguage?: string | null | undefined;
    appRoles: string[];
  }[];
}

export async function seedDemoData(orm: MikroORM, appId: string, tenants: readonly DemoTenant[]): Promise<number> {
  let created = 0;
  for (const demo of tenants.filter((tenant) => tenant.consentedApps.includes(appId))) {
    created += await inTenantTransaction(orm.em as EntityManager, demo.id, async (em) => {
      let count = 0;
      const language = languageOf(demo.users[0]?.preferredLanguage ?? undefined, 'de');
      const known = await em.findOne(Tenant, { id: demo.id });
      const tenant = known ?? em.create(Tenant, { id: demo.id, name: demo.displayName, defaultLanguage: language });
      if (!known) {
        await em.flush();
        await runTenantSetup(em, demo.id);
      }
      const existing = await em.find(User, { entraObjectId: { $in: demo.users.map((user) => user.id) } });
      for (const user of demo.users) {
        if (existing.some((known) => known.entraObjectId === user.id)) continue;
        const roles = appRolesToRoles(user.appRoles);
        em.create(User, {
          tenant,
          entraObjectId: user.id,
          email: user.userPrincipalName.toLowerCase(),
          displayName: user.displayName,
          jobTitle: user.jobTitle ?? null,
          language: languageOf(user.preferredLanguage ?? undefined, language),
          roles: roles.length > 0 ? roles : ['sales_rep'],
        });
        count++;
      }
      await em.flush();
      return count;
    });
  }
  return created;
}
