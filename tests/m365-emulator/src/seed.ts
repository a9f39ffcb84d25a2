// The emulator's directory: apps and tenants as seed.json describes them, and the ids Microsoft uses for Graph.
import { readFileSync } from 'node:fs';

export const CRM_APP_ID = 'ce845856-9ad9-492b-b63b-33f4f6ce7418';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** The CRM's Teams bot: an app of its own with an Azure Bot registration (seed.json `bots`). */
/** The resource bots ask Entra a token for (scope `${BOT_FRAMEWORK_RESOURCE}/.default`) to call the Bot Connector. */
export const BOT_FRAMEWORK_RESOURCE = 'https://api.botframework.com';
/** Entra's `botframework.com` tenant, where MultiTenant bots get their Bot Connector tokens. */
export const BOT_FRAMEWORK_TENANT_ID = 'd6d49420-f39b-4df7-a1dc-d59a935871db';
export const CRM_BOT_APP_ID = 'f1218336-193f-4902-afd7-40ccc7f94e12';

/** Role template ids Entra puts into the `wids` claim, by the role's display name. */
export const DIRECTORY_ROLE_TEMPLATES: Readonly<Record<string, string>> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'Cloud Application Administrator': '158c047a-c907-4556-b7ef-446551a6b5f7',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'Teams Administrator': '69091246-20e8-4a56-aa4d-066075b2a7a8',
};

export interface SeedAppRole {
  value: string;
  displayName: string;
  allowedMemberTypes: Array<'User' | 'Application'>;
}

/** Permissions an app asks for on one resource: delegated scopes and application roles. */
export interface SeedResourceAccess {
  delegated?: string[];
  application?: string[];
}

export interface SeedApp {
  appId: string;
  displayName: string;
  secret?: string;
  identifierUri?: string;
  publicClient?: boolean;
  redirectUris: string[];
  /** Delegated scopes the app exposes as an API. */
  scopes: string[];
  appRoles: SeedAppRole[];
  /** Keyed by `graph` for Microsoft Graph or by the resource app's appId. */
  requiredResourceAccess: Record<string, SeedResourceAccess>;
}

export interface SeedUser {
  id: string;
  displayName: string;
  givenName?: string;
  surname?: string;
  userPrincipalName: string;
  mail?: string;
  jobTitle?: string;
  preferredLanguage?: string;
  mobilePhone?: string;
  officeLocation?: string;
  businessPhones?: string[];
  /** Directory role display names, e.g. `Global Administrator`. */
  directoryRoles: string[];
  /** App role values of the CRM app (any app exposing a role of that value). */
  appRoles: string[];
  password?: string;
}

export interface SeedTenant {
  id: string;
  displayName: string;
  domain: string;
  country?: string;
  /** AppIds that have a service principal (admin consent) in this tenant. */
  consentedApps: string[];
  users: SeedUser[];
}

/**
 * An Azure Bot registration: which app is a bot, by which name Teams shows it, and where it gets its
 * tokens (SingleTenant bots from their home tenant, MultiTenant bots from botframework.com).
 */
export interface SeedBot {
  appId: string;
  name: string;
  appType: 'SingleTenant' | 'MultiTenant';
  /** The home tenant of a SingleTenant bot. */
  tenantId?: string;
  /**
   * Who signs the channel's requests to the bot: 'botframework' (default) as login.botframework.com
   * (issuer https://api.botframework.com), or 'entra' as Entra issues them for Azure Bot Service in the
   * bot's home tenant (issuer https://sts.windows.net/{tenantId}/), which the Agents SDK can verify
   * against the emulator (see README: "The Agents SDK against the emulator").
   */
  channelTokens?: 'botframework' | 'entra';
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3000/api/messages; tests usually set it at run time. */
  endpoint?: string;
}

export interface Seed {
  apps: SeedApp[];
  tenants: SeedTenant[];
  /** Azure Bot registrations (default: none). */
  bots?: SeedBot[];
  defaultPassword: string;
}

export function loadSeed(): Seed {
  return JSON.parse(readFileSync(new URL('../seed.json', import.meta.url), 'utf8')) as Seed;
}
