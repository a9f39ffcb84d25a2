// Who writes to the bot: the CRM user behind a Teams account, in the activity's tenant only.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../http/principal.ts';
import { resolvePrincipal } from '../identity/identity.service.ts';
import { User } from '../identity/user.entity.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isGuid = (value: unknown): value is string => typeof value === 'string' && GUID.test(value);

export interface BotUser {
  user: User;
  principal: Principal & { userId: string };
  language: 'de' | 'en';
}

/**
 * The active CRM user with this Entra object id in the tenant whose transaction `em` is, with the
 * principal the task services need; undefined for anyone the CRM does not know (no user is created:
 * only a sign-in to the CRM makes one).
 */
export async function botUser(em: EntityManager, tenantId: string, aadObjectId: unknown): Promise<BotUser | undefined> {
  if (!isGuid(aadObjectId)) return undefined;
  const user = await em.findOne(User, { entraObjectId: aadObjectId.toLowerCase(), active: true });
  if (!user) return undefined;
  // The stored profile stands in for a token, so resolving changes nothing about the user.
  const principal = await resolvePrincipal(em, {
    kind: 'user',
    tenantId,
    objectId: user.entraObjectId,
    appRoles: [],
    expiresAt: new Date(Date.now() + 60_000),
    name: user.displayName,
    username: user.email,
    directoryRoles: [],
    language: user.language,
    clientAppId: undefined,
  });
  const language = user.language === 'en' ? 'en' : 'de';
  return { user, principal: principal as Principal & { userId: string }, language };
}
