// A user's calendar sync settings (stored with their other settings): whether only Outlook events
// with the category "CRM" become activities, and the time zone our events are written in.
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { readSetting } from '../../settings/settings.service.ts';

export const CALENDAR_SYNC_SETTING = 'graph-sync.calendar';

export const CalendarSyncSettingsSchema = z
  .object({
    crmCategoryOnly: z.boolean().meta({
      description: 'Only Outlook events with the category "CRM" become activities (default: any with CRM contacts)',
    }),
    timeZone: z
      .string()
      .min(1)
      .max(64)
      .refine((name) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: name });
          return true;
        } catch {
          return false;
        }
      }, 'an IANA time zone such as Europe/Berlin')
      .optional()
      .meta({ description: 'The time zone events are written in (default Europe/Berlin)' }),
  })
  .strict()
  .meta({ id: 'CalendarSyncSettings' });
export type CalendarSyncSettings = z.infer<typeof CalendarSyncSettingsSchema>;

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
