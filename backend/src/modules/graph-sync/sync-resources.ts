// The kinds of Outlook data a run syncs, in this order. The calendar adds its resource here.
import { calendarResource } from './calendar/calendar.resource.ts';
import { contactsResource } from './contacts/contacts.resource.ts';
import type { SyncResource } from './resource.ts';

export const SYNC_RESOURCES: readonly SyncResource[] = [contactsResource, calendarResource];
