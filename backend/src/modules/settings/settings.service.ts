// Per-user settings: one JSON value per user and key, written through the unit of work with an
// optimistic version. Only the user's own settings exist for them; nobody else reads or writes them.
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkVersion } from '../../http/etag.ts';
import { currentTenant } from '../../records/current-tenant.ts';
import { UserSetting } from './user-setting.entity.ts';

export interface Stored<T> {
  value: T | null;
  version: number | null;
}

/** The calendar sync's settings (CalendarSyncSettings), read by graph-sync/calendar. */
export const CALENDAR_SYNC_SETTING = 'graph-sync.calendar';

const WHAT = { en: 'Your setting', de: 'Ihre Einstellung' };

const find = (em: EntityManager, userId: string, key: string) => em.findOne(UserSetting, { userId, key });

export async function readSetting<T>(em: EntityManager, userId: string, key: string): Promise<Stored<T>> {
  const setting = await find(em, userId, key);
  return setting ? { value: setting.value as T, version: setting.version } : { value: null, version: null };
}

/** Creates or replaces the value; If-Match names the version replaced (0 while none is stored). */
export async function writeSetting<T extends Record<string, unknown>>(
  em: EntityManager,
  userId: string,
  key: string,
  value: T,
  expectedVersion: number | undefined,
): Promise<Stored<T>> {
  const setting = await find(em, userId, key);
  if (!setting) {
    checkVersion({ version: 0 }, expectedVersion, WHAT);
    const created = em.create(UserSetting, { tenant: currentTenant(em), userId, key, value });
    await em.flush();
    return { value, version: created.version };
  }
  checkVersion(setting, expectedVersion, WHAT);
  setting.value = value;
  setting.updatedAt = new Date();
  await em.flush();
  return { value, version: setting.version };
}

/** Back to the defaults; deleting what is not stored is done already. */
export async function deleteSetting(
  em: EntityManager,
  userId: string,
  key: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const setting = await find(em, userId, key);
  if (!setting) return;
  checkVersion(setting, expectedVersion, WHAT);
  em.remove(setting);
  await em.flush();
}
