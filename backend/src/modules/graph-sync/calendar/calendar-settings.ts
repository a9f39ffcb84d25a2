// A user's calendar sync settings (kept by the settings module, GET/PUT /api/v1/me/settings/calendar-sync):
// whether only Outlook events with the category "CRM" become activities, and the zone our events are written in.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CalendarSyncSettings } from '../../settings/settings.schemas.ts';
import { CALENDAR_SYNC_SETTING, readSetting } from '../../settings/settings.service.ts';

export const DEFAULT_TIME_ZONE = 'Europe/Berlin';

export async function readCalendarSyncSettings(
  em: EntityManager,
  userId: string,
): Promise<{ crmCategoryOnly: boolean; timeZone: string }> {
  const stored = await readSetting<CalendarSyncSettings>(em, userId, CALENDAR_SYNC_SETTING);
  return {
    crmCategoryOnly: stored.value?.crmCategoryOnly ?? false,
    timeZone: stored.value?.timeZone ?? DEFAULT_TIME_ZONE,
  };
}
