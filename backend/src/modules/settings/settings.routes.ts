// The signed-in user's own settings: a list's columns and sort (V6), the favourite lists, the record
// pages' header buttons and sections (C10, V8).
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import {
  type CalendarSyncSettings,
  CalendarSyncSettingsSchema,
  type FavouriteLists,
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
    defineRoute({
      method: 'get',
      path: '/api/v1/me/settings/favourite-lists',
      operationId: 'getFavouriteLists',
      summary: 'The lists you marked as favourites, as the navigation shows them',
      tags: ['Settings'],
      responses: { 200: jsonResponse(StoredFavouriteListsSchema, 'Your favourite lists') },
      async handler(ctx) {
        const user = requireUser(ctx);
        const stored = await readSetting<FavouriteLists>(emOf(ctx), user.userId, FAVOURITES);
        tagged(ctx, stored.version);
        ctx.body = { value: stored.value ?? { items: [] }, version: stored.version };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/me/settings/favourite-lists',
      operationId: 'putFavouriteLists',
      summary: 'Keep your favourite lists, in their order; If-Match with the version you changed',
      tags: ['Settings'],
      body: FavouriteListsSchema,
      responses: { 200: jsonResponse(StoredFavouriteListsSchema, 'Your favourite lists as kept'), ...problems },
      async handler(ctx, { body }) {
        const user = requireUser(ctx);
        const stored = await writeSetting(emOf(ctx), user.userId, FAVOURITES, body, ifMatchVersion(ctx));
        tagged(ctx, stored.version);
        ctx.body = { value: stored.value ?? { items: [] }, version: stored.version };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/me/settings/calendar-sync',
      operationId: 'getCalendarSyncSettings',
      summary: 'Which Outlook events become activities (all with CRM contacts, or only those with the category "CRM")',
      tags: ['Settings'],
      responses: { 200: jsonResponse(StoredCalendarSyncSettingsSchema, 'Your calendar sync settings') },
      async handler(ctx) {
        const user = requireUser(ctx);
        const stored = await readSetting<CalendarSyncSettings>(emOf(ctx), user.userId, CALENDAR_SYNC_SETTING);
        tagged(ctx, stored.version);
        ctx.body = { value: stored.value ?? CALENDAR_SYNC_DEFAULTS, version: stored.version };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/me/settings/calendar-sync',
      operationId: 'putCalendarSyncSettings',
      summary: 'Keep your calendar sync settings; If-Match with the version you changed ("0" for none yet)',
      tags: ['Settings'],
      body: CalendarSyncSettingsSchema,
      responses: {
        200: jsonResponse(StoredCalendarSyncSettingsSchema, 'Your calendar sync settings as kept'),
        ...problems,
      },
      async handler(ctx, { body }) {
        const user = requireUser(ctx);
        const stored = await writeSetting(emOf(ctx), user.userId, CALENDAR_SYNC_SETTING, body, ifMatchVersion(ctx));
        tagged(ctx, stored.version);
        ctx.body = { value: stored.value ?? CALENDAR_SYNC_DEFAULTS, version: stored.version };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/me/settings/record-pages',
      operationId: 'getRecordPageSettings',
      summary: "Your record pages: the header buttons you hid, and each record type's sections in your order and width",
      tags: ['Settings'],
      responses: { 200: jsonResponse(StoredRecordPageSettingsSchema, 'Your record page settings') },
      async handler(ctx) {
        const user = requireUser(ctx);
        const stored = await readSetting<RecordPageSettings>(emOf(ctx), user.userId, RECORD_PAGES);
        tagged(ctx, stored.version);
        ctx.body = { value: stored.value ?? RECORD_PAGE_DEFAULTS, version: stored.version };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/me/settings/record-pages',
      operationId: 'putRecordPageSettings',
      summary: 'Keep your record page settings; If-Match with the version you changed ("0" for none yet)',
      tags: ['Settings'],
      body: RecordPageSettingsSchema,
      responses: {
        200: jsonResponse(StoredRecordPageSettingsSchema, 'Your record page settings as kept'),
        ...problems,
      },
      async handler(ctx, { body }) {
        const user = requireUser(ctx);
        const stored = await writeSetting(emOf(ctx), user.userId, RECORD_PAGES, body, ifMatchVersion(ctx));
        tagged(ctx, stored.version);
        ctx.body = { value: stored.value ?? RECORD_PAGE_DEFAULTS, version: stored.version };
      },
    }),
  ];
}
