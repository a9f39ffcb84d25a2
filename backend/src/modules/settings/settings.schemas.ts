// The per-user settings API contract: a list's columns, widths, order and sort (V6), and the
// favourite lists the navigation shows. Values are validated here before they are stored.
import { z } from 'zod';

/** The lists the web app shows, each with its own settings. */
export const SETTINGS_LIST_TYPES = ['person', 'organization', 'deal', 'lead', 'task', 'activity'] as const;
export type SettingsListType = (typeof SETTINGS_LIST_TYPES)[number];

const FieldName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_.]{0,79}$/, 'a column or field name such as lastName or customFields.branche');

export const ListColumnSettingSchema = z
  .object({
    key: FieldName,
    width: z.number().int().min(48, 'at least 48 pixels').max(1200, 'at most 1200 pixels').optional(),
    hidden: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'ListColumnSetting' });
export type ListColumnSetting = z.infer<typeof ListColumnSettingSchema>;

export const ListSettingsSchema = z
  .object({
    columns: z
      .array(ListColumnSettingSchema)
      .max(60, 'at most 60 columns')
      .refine((columns) => new Set(columns.map((column) => column.key)).size === columns.length, 'a column twice')
      .meta({ description: 'The columns in the order shown; hidden ones stay in their place' }),
    sort: z
      .string()
      .regex(/^-?[a-zA-Z][a-zA-Z0-9_.]{0,79}$/, 'a field name, - in front for descending')
      .optional(),
    quickFilters: z
      .array(z.string().regex(/^[a-z][a-zA-Z]{0,39}$/))
      .max(20)
      .optional(),
  })
  .strict()
  .meta({ id: 'ListSettings' });
export type ListSettings = z.infer<typeof ListSettingsSchema>;

export const FavouriteListSchema = z
  .object({
    listType: z.enum(SETTINGS_LIST_TYPES),
    savedFilterId: z.uuid().nullable().meta({ description: 'The saved filter the list opens with, or none' }),
    label: z.string().trim().min(1, 'a favourite needs a label').max(120, 'at most 120 characters'),
  })
  .strict()
  .meta({ id: 'FavouriteList' });
export type FavouriteList = z.infer<typeof FavouriteListSchema>;

export const FavouriteListsSchema = z
  .object({ items: z.array(FavouriteListSchema).max(30, 'at most 30 favourites') })
  .strict()
  .meta({ id: 'FavouriteLists' });
export type FavouriteLists = z.infer<typeof FavouriteListsSchema>;

export const ListSettingsParamsSchema = z.object({ listType: z.enum(SETTINGS_LIST_TYPES) });

const Version = z
  .number()
  .int()
  .nullable()
  .meta({ description: 'The stored version (also the ETag); null while nothing is stored' });

export const StoredListSettingsSchema = z
  .object({ listType: z.enum(SETTINGS_LIST_TYPES), value: ListSettingsSchema.nullable(), version: Version })
  .meta({ id: 'StoredListSettings' });
export type StoredListSettings = z.infer<typeof StoredListSettingsSchema>;

export const StoredFavouriteListsSchema = z
  .object({ value: FavouriteListsSchema, version: Version })
  .meta({ id: 'StoredFavouriteLists' });
export type StoredFavouriteLists = z.infer<typeof StoredFavouriteListsSchema>;

/** Whether a name is a time zone the platform knows (IANA, e.g. Europe/Berlin). */
const knownTimeZone = (name: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name.includes('/') || name === 'UTC';
  } catch {
    return false;
  }
};

/** The calendar sync (X6): which Outlook events become activities, and the zone our events are written in. */
export const CalendarSyncSettingsSchema = z
  .object({
    crmCategoryOnly: z.boolean().meta({
      description: 'Only Outlook events with the category "CRM" become activities (default: any with CRM contacts)',
    }),
    timeZone: z
      .string()
      .max(64)
      .refine(knownTimeZone, 'an IANA time zone such as Europe/Berlin')
      .optional()
      .meta({ description: 'The time zone your CRM appointments are written in in Outlook (default Europe/Berlin)' }),
  })
  .strict()
  .meta({ id: 'CalendarSyncSettings' });
export type CalendarSyncSettings = z.infer<typeof CalendarSyncSettingsSchema>;

export const StoredCalendarSyncSettingsSchema = z
  .object({ value: CalendarSyncSettingsSchema, version: Version })
  .meta({ id: 'StoredCalendarSyncSettings' });
export type StoredCalendarSyncSettings = z.infer<typeof StoredCalendarSyncSettingsSchema>;

/** The buttons in a record page's header (C10): call by phone, call in Teams, write a mail, plan the route. */
export const RECORD_ACTIONS = ['call', 'teamsCall', 'mail', 'route'] as const;
export type RecordAction = (typeof RECORD_ACTIONS)[number];

/** The record types whose 360° page a user lays out. */
export const RECORD_PAGE_TYPES = ['person', 'organization', 'business_contact', 'deal', 'lead'] as const;

export const RecordSectionSettingSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-zA-Z_]{0,39}$/, 'a section name such as deals or businessContacts'),
    hidden: z.boolean().optional(),
    wide: z.boolean().optional().meta({ description: "The section takes the page's whole width" }),
  })
  .strict()
  .meta({ id: 'RecordSectionSetting' });
export type RecordSectionSetting = z.infer<typeof RecordSectionSettingSchema>;

const SectionLayout = z
  .array(RecordSectionSettingSchema)
  .max(40, 'at most 40 sections')
  .refine((sections) => new Set(sections.map((section) => section.name)).size === sections.length, 'a section twice')
  .meta({ description: 'The sections in the order shown; hidden ones keep their place' });

/** A user's record pages (C10, V8): which header buttons they hide, and per record type the sections' order, width and visibility. */
export const RecordPageSettingsSchema = z
  .object({
    hiddenActions: z
      .array(z.enum(RECORD_ACTIONS))
      .max(RECORD_ACTIONS.length)
      .refine((actions) => new Set(actions).size === actions.length, 'an action twice'),
    sections: z.partialRecord(z.enum(RECORD_PAGE_TYPES), SectionLayout),
  })
  .strict()
  .meta({ id: 'RecordPageSettings' });
export type RecordPageSettings = z.infer<typeof RecordPageSettingsSchema>;

export const StoredRecordPageSettingsSchema = z
  .object({ value: RecordPageSettingsSchema, version: Version })
  .meta({ id: 'StoredRecordPageSettings' });
export type StoredRecordPageSettings = z.infer<typeof StoredRecordPageSettingsSchema>;
