// The kinds of Outlook data a run syncs, in this order. The calendar and mail capture add their resources here.
import { inboxResource, sentItemsResource } from '../mail-capture/messages.resource.ts';
import { calendarResource } from './calendar/calendar.resource.ts';
import { contactsResource } from './contacts/contacts.resource.ts';
import type { SyncResource } from './resource.ts';

export const SYNC_RESOURCES: readonly SyncResource[] = [
  contactsResource,
  calendarResource,
  inboxResource,
  sentItemsResource,
];
