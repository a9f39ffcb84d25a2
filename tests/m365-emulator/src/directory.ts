// The emulator's mutable directory: tenants, their users and consents, and the registered apps.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  BOT_FRAMEWORK_TENANT_ID,
  CRM_APP_ID,
  type Seed,
  type SeedApp,
  type SeedTenant,
  type SeedUser,
} from './seed.ts';

/**
 * Entra's botframework.com tenant: it exists for token requests (MultiTenant bots get their Bot Connector
 * tokens there) but holds no users and no consents, and is not one of the seed's tenants.
 */
const BOT_FRAMEWORK_TENANT: SeedTenant = Object.freeze({
  id: BOT_FRAMEWORK_TENANT_ID,
  displayName: 'Bot Framework',
  domain: 'botframework.com',
  consentedApps: Object.freeze([]) as unknown as string[],
  users: Object.freeze([]) as unknown as SeedUser[],
});

export interface CreateTenantInput {
  /** The tenant id, when it must be a known one (a bench reusing a database's tenants); else a new one. */
  id?: string;
  displayName: string;
  domain?: string;
  country?: string;
  consentedApps?: string[];
  users: Array<{
    /** The user's object id, when it must be a known one; else a new one. */
    id?: string;
    displayName: string;
    userPrincipalName?: string;
    givenName?: string;
    surname?: string;
    jobTitle?: string;
    directoryRoles?: string[];
    appRoles?: string[];
    preferredLanguage?: string;
    password?: string;
  }>;
}

/** A tenant path segment resolved: one tenant, or one of the multi-tenant aliases. */
export type TenantScope = { kind: 'tenant'; tenant: SeedTenant } | { kind: 'multi'; alias: 'common' | 'organizations' };

export class Directory {
  readonly seed: Seed;

  constructor(seed: Seed) {
    this.seed = seed;
  }

  /** Resolves a tenant id, verified domain, `common` or `organizations`; undefined when there is no such tenant. */
  scope(ref: string): TenantScope | undefined {
    const lower = ref.toLowerCase();
    if (lower === 'common' || lower === 'organizations') return { kind: 'multi', alias: lower };
    const tenant = this.tenant(lower);
    return tenant ? { kind: 'tenant', tenant } : undefined;
  }

  tenant(idOrDomain: string): SeedTenant | undefined {
    const lower = idOrDomain.toLowerCase();
    const matches = (tenant: SeedTenant): boolean => tenant.id === lower || tenant.domain.toLowerCase() === lower;
    return this.seed.tenants.find(matches) ?? (matches(BOT_FRAMEWORK_TENANT) ? BOT_FRAMEWORK_TENANT : undefined);
  }

  app(appId: string): SeedApp | undefined {
    return this.seed.apps.find((app) => app.appId === appId.toLowerCase());
  }

  tenantsIn(scope: TenantScope): SeedTenant[] {
    return scope.kind === 'tenant' ? [scope.tenant] : this.seed.tenants;
  }

  /** Finds a user by UPN (case-insensitive) or object id within the scope. */
  user(scope: TenantScope, upnOrId: string): { tenant: SeedTenant; user: SeedUser } | undefined {
    const lower = upnOrId.toLowerCase();
    for (const tenant of this.tenantsIn(scope)) {
      const user = tenant.users.find((u) => u.id === lower || u.userPrincipalName.toLowerCase() === lower);
      if (user) return { tenant, user };
    }
    return undefined;
  }

  password(user: SeedUser): string {
    return user.password ?? this.seed.defaultPassword;
  }

  isConsented(tenant: SeedTenant, appId: string): boolean {
    return tenant.consentedApps.includes(appId);
  }

  grantConsent(tenant: SeedTenant, appId: string): void {
    if (!tenant.consentedApps.includes(appId)) tenant.consentedApps.push(appId);
  }

  createTenant(input: CreateTenantInput): SeedTenant {
    const id = input.id ?? randomUUID();
    const domain = (
      input.domain ?? `${slug(input.displayName)}-${randomBytes(3).toString('hex')}.example`
    ).toLowerCase();
    if (this.tenant(domain)) throw new Error(`A tenant with the domain ${domain} exists already.`);
    const tenant: SeedTenant = {
      id,
      displayName: input.displayName,
      domain,
      country: input.country ?? 'DE',
      consentedApps: [...(input.consentedApps ?? [CRM_APP_ID])],
      users: input.users.map((user) => {
        const [givenName, ...rest] = user.displayName.split(' ');
        return {
          id: user.id ?? randomUUID(),
          displayName: user.displayName,
          givenName: user.givenName ?? givenName,
          surname: user.surname ?? (rest.length > 0 ? rest.join(' ') : undefined),
          userPrincipalName: (user.userPrincipalName ?? `${slug(user.displayName, '.')}@${domain}`).toLowerCase(),
          ...(user.jobTitle ? { jobTitle: user.jobTitle } : {}),
          ...(user.preferredLanguage ? { preferredLanguage: user.preferredLanguage } : {}),
          ...(user.password ? { password: user.password } : {}),
          directoryRoles: [...(user.directoryRoles ?? [])],
          appRoles: [...(user.appRoles ?? [])],
        };
      }),
    };
    this.seed.tenants.push(tenant);
    return tenant;
  }
}

/** ASCII slug the way German addresses are spelled: ä → ae, ß → ss. */
export function slug(text: string, separator = '-'): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^\\${separator}+|\\${separator}+$`, 'g'), '');
}

/** A GUID derived from a name, for ids that must stay the same across restarts (service principals). */
export function stableGuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
