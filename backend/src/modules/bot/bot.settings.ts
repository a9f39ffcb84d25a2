// The bot's registration (Azure Bot Service / the emulator's seed) and how the Agents SDK is pointed at it.

import { CRM_TEAMS_APP_ID } from '@crm/teams-app/cards';
import type { AuthConfiguration } from '@microsoft/agents-hosting';
import type { Config } from '../../config.ts';

export interface BotSettings {
  /** The bot's app id (Entra app registration of the Azure Bot resource). */
  appId: string;
  appSecret: string;
  /** The bot's home tenant (SingleTenant bots): its tokens come from there. */
  tenantId: string;
  /** The identity platform's origin: login.microsoftonline.com, or the local emulator. */
  authorityHost: string;
  /** The Teams app's id (manifest `id`), which deep links into the tab name. */
  teamsAppId: string;
  /**
   * BOT_PLAYGROUND: also take activities without a channel token from the Microsoft 365 Agents
   * Playground on this machine (loopback caller, loopback serviceUrl); never in production.
   */
  playground: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The bot's settings from BOT_APP_ID, BOT_APP_SECRET, BOT_TENANT_ID (TEAMS_APP_ID); undefined when no bot is configured. */
export function botSettingsFrom(config: Config, env: NodeJS.ProcessEnv = process.env): BotSettings | undefined {
  const appId = env.BOT_APP_ID;
  const appSecret = env.BOT_APP_SECRET;
  const tenantId = env.BOT_TENANT_ID;
  if (!appId || !appSecret || !tenantId) return undefined;
  if (!GUID.test(appId) || !GUID.test(tenantId)) {
    throw new Error('BOT_APP_ID and BOT_TENANT_ID must be GUIDs: the bot registration’s app id and its home tenant.');
  }
  const playground = env.BOT_PLAYGROUND === 'true' || env.BOT_PLAYGROUND === '1';
  if (playground && env.NODE_ENV === 'production') {
    throw new Error(
      'BOT_PLAYGROUND lets the Agents Playground talk to the bot without a channel token: it is for a developer machine, never with NODE_ENV=production.',
    );
  }
  return {
    appId: appId.toLowerCase(),
    appSecret,
    tenantId,
    authorityHost: config.entra.authorityHost,
    teamsAppId: env.TEAMS_APP_ID ?? CRM_TEAMS_APP_ID,
    playground,
  };
}

/**
 * The Agents SDK's configuration for one connection: client credentials for outgoing calls, and the
 * checks of incoming channel tokens (audience = the app id, keys of the configured authority).
 */
export function agentsAuthConfiguration(settings: BotSettings): AuthConfiguration {
  const connection: AuthConfiguration = {
    clientId: settings.appId,
    clientSecret: settings.appSecret,
    tenantId: settings.tenantId,
    authorityEndpoint: settings.authorityHost,
  };
  return {
    ...connection,
    connections: new Map([['serviceConnection', connection]]),
    connectionsMap: [{ serviceUrl: '*', connection: 'serviceConnection' }],
  };
}
