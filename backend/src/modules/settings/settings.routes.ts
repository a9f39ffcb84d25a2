// The signed-in user's own settings: a list's columns and sort (V6), the favourite lists, the record
// pages' header buttons and sections (C10, V8).

import type { z } from 'zod';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import {
  type CalendarSyncSettings,
  CalendarSyncSettingsSchema,
  FavouriteListsSchema,
  type ListSettings,
  ListSettingsParamsSchema,
  ListSettingsSchema,
  type RecordPageSettings,
  RecordPageSettingsSchema,
  StoredCalendarSyncSettingsSchema,
  StoredFavouriteListsSchema,
  StoredListSettingsSchema,
  StoredRecordPageSettingsSchema,
} from './settings.schemas.ts';
import { CALENDAR_SYNC_SETTING, deleteSetting, readSetting, writeSetting } from './settings.service.ts';

const listKey = (listType: string) => `lists.${listType}`;
const FAVOURITES = 'favourite-lists';
const CALENDAR_SYNC_DEFAULTS: CalendarSyncSettings = { crmCategoryOnly: false };
const RECORD_PAGES = 'record-pages';
/** Every button shown, every section in the page's own order. */
const RECORD_PAGE_DEFAULTS: RecordPageSettings = { hiddenActions: [], sections: {} };

const problems = {
  400: { description: 'Not a valid setting' },
  412: { description: 'Changed meanwhile, e.g. on another device (stale If-Match)' },
};

const tagged = (ctx: Parameters<typeof setVersionTag>[0], version: number | null) => {
  if (version !== null) setVersionTag(ctx, version);
};

export function settingsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/me/settings/lists/{listType}',
      operationId: 'getListSettings',
      summary: 'Your columns, their order and widths, and the sort of a list; value null while you kept none',
      tags: ['Settings'],
      params: ListSettingsParamsSchema,
      responses: { 200: jsonResponse(StoredListSettingsSchema, 'Your settings of the list') },
      async handler(ctx, { params }) {
        const user = requireUser(ctx);
        const stored = await readSetting<ListSettings>(emOf(ctx), user.userId, listKey(params.listType));
        tagged(ctx, stored.version);
        ctx.body = { listType: params.listType, ...stored };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/me/settings/lists/{listType}',
      operationId: 'putListSettings',
      summary: 'Keep your columns and sort of a list; If-Match with the version you changed ("0" for none yet)',
      tags: ['Settings'],
      params: ListSettingsParamsSchema,
      body: ListSettingsSchema,
      responses: { 200: jsonResponse(StoredListSettingsSchema, 'Your settings as kept'), ...problems },
      async handler(ctx, { params, body }) {
        const user = requireUser(ctx);
        const stored = await writeSetting(emOf(ctx), user.userId, listKey(params.listType), body, ifMatchVersion(ctx));
        tagged(ctx, stored.version);
        ctx.body = { listType: params.listType, ...stored };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/me/settings/lists/{listType}',
      operationId: 'deleteListSettings',
      summary: "Back to the list's default columns and sort; If-Match",
      tags: ['Settings'],
      params: ListSettingsParamsSchema,
      responses: { 204: { description: 'Defaults again' }, 412: problems[412] },
      async handler(ctx, { params }) {
        const user = requireUser(ctx);
        await deleteSetting(emOf(ctx), user.userId, listKey(params.listType), ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    ...wholeSettingRoutes({
      path: '/api/v1/me/settings/favourite-lists',
      key: FAVOURITES,
      name: 'FavouriteLists',
      schema: FavouriteListsSchema,
      stored: StoredFavouriteListsSchema,
      defaults: { items: [] },
      what: { en: 'Your favourite lists', get: 'The lists you marked as favourites, as the navigation shows them' },
      putSummary: 'Keep your favourite lists, in their order; If-Match with the version you changed',
    }),
    ...wholeSettingRoutes({
      path: '/api/v1/me/settings/calendar-sync',
      key: CALENDAR_SYNC_SETTING,
      name: 'CalendarSyncSettings',
      schema: CalendarSyncSettingsSchema,
      stored: StoredCalendarSyncSettingsSchema,
      defaults: CALENDAR_SYNC_DEFAULTS,
      what: {
        en: 'Your calendar sync settings',
        get: 'Which Outlook events become activities (all with CRM contacts, or only those with the category "CRM")',
      },
      putSummary: 'Keep your calendar sync settings; If-Match with the version you changed ("0" for none yet)',
    }),
    ...wholeSettingRoutes({
      path: '/api/v1/me/settings/record-pages',
      key: RECORD_PAGES,
      name: 'RecordPageSettings',
      schema: RecordPageSettingsSchema,
      stored: StoredRecordPageSettingsSchema,
      defaults: RECORD_PAGE_DEFAULTS,
      what: {
        en: 'Your record page settings',
        get: "Your record pages: the header buttons you hid, and each record type's sections in your order and width",
      },
      putSummary: 'Keep your record page settings; If-Match with the version you changed ("0" for none yet)',
    }),
  ];
}

/**
 * A setting read and written whole, answered with its defaults while the user kept none: GET
 * `get<name>` and PUT `put<name>` (If-Match with the version changed).
 */
function wholeSettingRoutes<V extends Record<string, unknown>>(setting: {
  path: string;
  key: string;
  name: string;
  schema: z.ZodType<V>;
  stored: z.ZodType;
  defaults: V;
  what: { en: string; get: string };
  putSummary: string;
}): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: setting.path,
      operationId: `get${setting.name}`,
      summary: setting.what.get,
      tags: ['Settings'],
      responses: { 200: jsonResponse(setting.stored, setting.what.en) },
      async handler(ctx) {
        const user = requireUser(ctx);
        const stored = await readSetting<V>(emOf(ctx), user.userId, setting.key);
        tagged(ctx, stored.version);
        ctx.body = { value: stored.value ?? setting.defaults, version: stored.version };
      },
    }),
    defineRoute({
      method: 'put',
      path: setting.path,
      operationId: `put${setting.name}`,
      summary: setting.putSummary,
      tags: ['Settings'],
      body: setting.schema,
      responses: { 200: jsonResponse(setting.stored, `${setting.what.en} as kept`), ...problems },
      async handler(ctx, { body }) {
        const user = requireUser(ctx);
        const stored = await writeSetting(emOf(ctx), user.userId, setting.key, body, ifMatchVersion(ctx));
        tagged(ctx, stored.version);
        ctx.body = { value: stored.value ?? setting.defaults, version: stored.version };
      },
    }),
  ];
}
