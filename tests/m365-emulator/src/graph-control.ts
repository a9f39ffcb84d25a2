// The Graph side's state and its test control: limits, faults, holds, seeding, edits "as Outlook would",
// subscriptions' lifecycle. In process as `emulator.graph`, over HTTP under /_emulator/graph/*.
import type { Directory } from './directory.ts';
import { eventWrites, findEvent } from './graph-calendar.ts';
import { GraphError, itemIdOf } from './graph-common.ts';
import { contactWrites, findContact } from './graph-contacts.ts';
import { DeltaTokens } from './graph-delta.ts';
import { type GraphFault, GraphFaults, type GraphHold, type GraphLimits, MailboxLimits } from './graph-limits.ts';
import { type EventItem, type Mailbox, MailboxStore } from './graph-mailbox.ts';
import { findMailFolder, findMessage, type MailInput, messageWrites } from './graph-messages.ts';
import { type LifecycleEvent, type NotificationDelivery, Subscriptions } from './graph-subscriptions.ts';
import { controlRoute, type Router } from './http.ts';
import { CRM_APP_ID } from './seed.ts';

/** Seeding yields to other requests every so many items, so a big seed does not stall the server. */
const SEED_CHUNK = 500;
const breather = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface GraphServicesOptions {
  /** Outlook's limits by default (4 concurrent requests, 10,000 per 10 minutes per app and mailbox). */
  limits?: Partial<GraphLimits>;
  /** Default 10,000 (Graph's 10 seconds). */
  validationTimeoutMs?: number;
}

export class GraphServices {
  readonly store = new MailboxStore();
  readonly delta = new DeltaTokens();
  readonly limits = new MailboxLimits();
  readonly faults = new GraphFaults();
  readonly subscriptions: Subscriptions;
  /**
   * Application access policies (Exchange's New-ApplicationAccessPolicy, RestrictAccess): by
   * `tenantId|appId`, the object ids of the only mailboxes the app may reach with app-only tokens.
   */
  readonly accessPolicies = new Map<string, Set<string>>();

  constructor(options: GraphServicesOptions = {}) {
    this.limits.limits = { ...this.limits.limits, ...options.limits };
    this.subscriptions = new Subscriptions(this.store, { validationTimeoutMs: options.validationTimeoutMs ?? 10_000 });
  }
}

/** A mailbox: its owner's UPN or object id, in `tenantId` (default: any tenant). */
export interface MailboxRef {
  user: string;
  tenantId?: string;
}

/** An item's ids as a client sees them: immutable (`Prefer: IdType="ImmutableId"`) and the default, mutable one. */
export interface ItemIds {
  id: string;
  immutableId: string;
}

export interface GraphApi {
  /** Changes the limits (e.g. a small budget for a test); answers the limits now in force. */
  setLimits(limits: Partial<GraphLimits>): GraphLimits;
  /** Forgets the requests counted so far. */
  resetUsage(): void;
  /**
   * Restricts an app's (default the CRM app's) app-only access in a tenant to the named mailboxes
   * (UPNs or object ids), as New-ApplicationAccessPolicy -AccessRight RestrictAccess does; `mailboxes:
   * null` removes the policy. Requests to other mailboxes answer 403 ErrorAccessDenied.
   */
  setAccessPolicy(input: { tenantId: string; appId?: string; mailboxes: string[] | null }): void;
  /** Requests counted against the budget of an app (default the CRM app) and mailbox in the current period. */
  usage(input: MailboxRef & { appId?: string }): number;
  /** The next `times` requests (matching `path`, `method`) answer `status`; answers the fault's id. */
  addFault(fault: GraphFault): string;
  removeFault(id: string): void;
  /** Removes every fault and releases every hold. */
  clearFaults(): void;
  /** Matching requests wait (holding their concurrency slot) until released; answers the hold's id. */
  hold(hold: GraphHold): string;
  /** Resolves once `count` requests are being held. */
  held(id: string, count: number): Promise<void>;
  release(id: string): void;
  /** Every delta and next link answers 410 SyncStateNotFound from now on; answers how many were dropped. */
  expireDeltaTokens(): number;
  /** Adds contacts straight into a mailbox (no notifications): for benches. Answers the folder's id. */
  seedContacts(
    input: MailboxRef & { count: number; folderId?: string; prefix?: string },
  ): Promise<{ folderId: string }>;
  /** Adds one-hour events on consecutive days (several a day when count is large) from `start` (default today). */
  /** `attendees`: every `every`-th event invites the next of `addresses` (for benches of the calendar sync). */
  seedEvents(
    input: MailboxRef & {
      count: number;
      start?: string;
      timeZone?: string;
      prefix?: string;
      attendees?: { addresses: string[]; every: number };
    },
  ): Promise<{
    calendarId: string;
  }>;
  /** Ids of the default contact folder and the default calendar. */
  mailbox(input: MailboxRef): { contactFolderId: string; calendarId: string };
  createContactFolder(input: MailboxRef & { displayName: string }): { id: string };
  /** Edits "as Outlook would": notifications and delta see them like any change. */
  createContact(input: MailboxRef & { folderId?: string; fields: Record<string, unknown> }): ItemIds;
  updateContact(input: MailboxRef & { id: string; changes: Record<string, unknown> }): ItemIds;
  deleteContact(input: MailboxRef & { id: string }): void;
  moveContact(input: MailboxRef & { id: string; folderId: string }): ItemIds;
  createCalendar(input: MailboxRef & { name: string }): { id: string };
  createEvent(input: MailboxRef & { calendarId?: string; fields: Record<string, unknown> }): ItemIds;
  /** `id` may name an occurrence: the change makes it an exception. */
  updateEvent(input: MailboxRef & { id: string; changes: Record<string, unknown> }): ItemIds;
  /** `id` may name an occurrence: it is cancelled. */
  deleteEvent(input: MailboxRef & { id: string }): void;
  moveEvent(input: MailboxRef & { id: string; calendarId: string }): ItemIds;
  /**
   * A mail arrives in (or, into sentitems, is sent from) a mailbox: notifications and delta see it.
   * `folder` is a well-known name (default inbox) or a folder id. Answers its ids and internetMessageId.
   */
  deliverMail(input: MailboxRef & { folder?: string; message: MailInput }): ItemIds & { internetMessageId: string };
  /** The user deletes a message (for good). */
  deleteMessage(input: MailboxRef & { id: string }): void;
  /** The user drags a message to another folder (well-known name or id). */
  moveMessage(input: MailboxRef & { id: string; folder: string }): ItemIds;
  /** Ids of the mailbox's well-known mail folders, by name (inbox, sentitems, drafts, deleteditems, archive). */
  mailFolders(input: MailboxRef): Record<string, string>;
  subscriptions(): Array<Record<string, unknown>>;
  /** Sends a lifecycle notification to the subscription's lifecycleNotificationUrl. */
  lifecycle(input: { subscriptionId: string; event: LifecycleEvent }): Promise<NotificationDelivery>;
  /** The next `times` (1) notifications are dropped; `sendMissed` posts a `missed` lifecycle notification instead. */
  loseNotifications(input: { times?: number; subscriptionId?: string; sendMissed?: boolean }): void;
  /** The subscription runs out now. */
  expireSubscription(id: string): void;
  /** Validation requests, notifications and lifecycle notifications sent, oldest first. */
  deliveries(): NotificationDelivery[];
  /** Resolves once every notification on its way was answered. */
  settleNotifications(): Promise<void>;
}

export function graphApi(graph: GraphServices, directory: Directory): GraphApi {
  const mailboxOf = (ref: MailboxRef): Mailbox => {
    const scope = ref.tenantId ? directory.scope(ref.tenantId) : directory.scope('common');
    const found = scope ? directory.user(scope, ref.user) : undefined;
    if (!found) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${ref.user}' is invalid.`);
    return graph.store.mailbox(found.tenant.id, found.user);
  };
  const ids = (internalId: string, folderId: string): ItemIds => ({
    id: itemIdOf(internalId, folderId, false),
    immutableId: itemIdOf(internalId, folderId, true),
  });
  const { store } = graph;
  return {
    setLimits: (limits) => {
      graph.limits.limits = { ...graph.limits.limits, ...limits };
      return { ...graph.limits.limits };
    },
    resetUsage: () => graph.limits.reset(),
    setAccessPolicy: ({ tenantId, appId, mailboxes }) => {
      const key = `${tenantId.toLowerCase()}|${appId ?? CRM_APP_ID}`;
      if (mailboxes === null) {
        graph.accessPolicies.delete(key);
        return;
      }
      const scope = directory.scope(tenantId);
      const allowed = new Set<string>();
      for (const mailbox of mailboxes) {
        const found = scope ? directory.user(scope, mailbox) : undefined;
        if (!found) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${mailbox}' is invalid.`);
        allowed.add(found.user.id);
      }
      graph.accessPolicies.set(key, allowed);
    },
    usage: (input) => {
      const mailbox = mailboxOf(input);
      return graph.limits.used(input.appId ?? CRM_APP_ID, `${mailbox.tenantId}|${mailbox.userId}`);
    },
    addFault: (fault) => graph.faults.add(fault),
    removeFault: (id) => graph.faults.remove(id),
    clearFaults: () => graph.faults.clear(),
    hold: (hold) => graph.faults.hold(hold),
    held: (id, count) => graph.faults.held(id, count),
    release: (id) => graph.faults.release(id),
    expireDeltaTokens: () => graph.delta.expireAll(),
    seedContacts: async ({ count, folderId, prefix = 'Seed', ...ref }) => {
      const mailbox = mailboxOf(ref);
      const folder = folderId ?? mailbox.defaultContactFolderId;
      if (!mailbox.contactFolders.has(folder))
        throw new GraphError(404, 'ErrorItemNotFound', 'No such contact folder.');
      for (let index = 1; index <= count; index += 1) {
        if (index % SEED_CHUNK === 0) await breather();
        const fields = {
          givenName: `${prefix}${index}`,
          surname: 'Kontakt',
          displayName: `${prefix}${index} Kontakt`,
          companyName: `Firma ${index % 97}`,
          emailAddresses: [
            { name: `${prefix}${index} Kontakt`, address: `${prefix.toLowerCase()}${index}@example.com` },
          ],
          businessPhones: [`+49 30 ${String(100000 + index)}`],
        };
        // Straight into the store: a bench seeds thousands, and seeding is not an edit anyone is told of.
        const item = contactWrites.build(folder, fields);
        mailbox.contacts.set(item.internalId, item);
      }
      return { folderId: folder };
    },
    seedEvents: async ({ count, start, timeZone = 'W. Europe Standard Time', prefix = 'Seed', attendees, ...ref }) => {
      const mailbox = mailboxOf(ref);
      const first = Date.parse(`${(start ?? new Date().toISOString()).slice(0, 10)}T00:00:00Z`);
      const perDay = Math.max(1, Math.ceil(count / 365));
      const pad = (value: number): string => String(value).padStart(2, '0');
      for (let index = 0; index < count; index += 1) {
        if (index % SEED_CHUNK === 0) await breather();
        // Wall-clock times in the zone, written without a date library: seeding 20,000 events stays fast.
        const day = new Date(first + Math.floor(index / perDay) * 24 * 3600 * 1000).toISOString().slice(0, 10);
        const hour = 8 + ((index % perDay) % 10);
        const fields = {
          subject: `${prefix} ${index + 1}`,
          start: { dateTime: `${day}T${pad(hour)}:00:00`, timeZone },
          end: { dateTime: `${day}T${pad(hour + 1)}:00:00`, timeZone },
          ...(attendees && attendees.addresses.length > 0 && index % attendees.every === 0
            ? {
                attendees: [
                  {
                    emailAddress: {
                      address: attendees.addresses[(index / attendees.every) % attendees.addresses.length],
                    },
                    type: 'required',
                  },
                ],
              }
            : {}),
        };
        const item = eventWrites.build(mailbox, mailbox.defaultCalendarId, fields);
        mailbox.events.set(item.internalId, item);
      }
      return { calendarId: mailbox.defaultCalendarId };
    },
    mailbox: (ref) => {
      const mailbox = mailboxOf(ref);
      return { contactFolderId: mailbox.defaultContactFolderId, calendarId: mailbox.defaultCalendarId };
    },
    createContactFolder: ({ displayName, ...ref }) => ({
      id: contactWrites.createFolder(mailboxOf(ref), displayName).id,
    }),
    createContact: ({ folderId, fields, ...ref }) => {
      const mailbox = mailboxOf(ref);
      const item = contactWrites.create(store, mailbox, folderId ?? mailbox.defaultContactFolderId, fields);
      return ids(item.internalId, item.folderId);
    },
    updateContact: ({ id, changes, ...ref }) => {
      const mailbox = mailboxOf(ref);
      const item = contactWrites.update(store, mailbox, findContact(mailbox, id), changes);
      return ids(item.internalId, item.folderId);
    },
    deleteContact: ({ id, ...ref }) => {
      const mailbox = mailboxOf(ref);
      contactWrites.remove(store, mailbox, findContact(mailbox, id));
    },
    moveContact: ({ id, folderId, ...ref }) => {
      const mailbox = mailboxOf(ref);
      const item = contactWrites.move(store, mailbox, findContact(mailbox, id), folderId);
      return ids(item.internalId, item.folderId);
    },
    createCalendar: ({ name, ...ref }) => ({ id: eventWrites.createCalendar(mailboxOf(ref), name).id }),
    createEvent: ({ calendarId, fields, ...ref }) => {
      const mailbox = mailboxOf(ref);
      const item = eventWrites.create(store, mailbox, calendarId ?? mailbox.defaultCalendarId, fields);
      return ids(item.internalId, item.folderId);
    },
    updateEvent: ({ id, changes, ...ref }) => {
      const mailbox = mailboxOf(ref);
      const { item, key } = findEvent(mailbox, id);
      if (key === undefined) eventWrites.update(store, mailbox, item, changes);
      else eventWrites.updateOccurrence(store, mailbox, item, key, changes);
      return ids(key === undefined ? item.internalId : `${item.internalId}~${key}`, item.folderId);
    },
    deleteEvent: ({ id, ...ref }) => {
      const mailbox = mailboxOf(ref);
      const { item, key } = findEvent(mailbox, id);
      if (key === undefined) eventWrites.remove(store, mailbox, item);
      else eventWrites.removeOccurrence(store, mailbox, item, key);
    },
    moveEvent: ({ id, calendarId, ...ref }) => {
      const mailbox = mailboxOf(ref);
      const { item } = findEvent(mailbox, id);
      const moved: EventItem = eventWrites.move(store, mailbox, item, calendarId);
      return ids(moved.internalId, moved.folderId);
    },
    deliverMail: ({ folder, message, ...ref }) => {
      const mailbox = mailboxOf(ref);
      const item = messageWrites.deliver(store, mailbox, findMailFolder(mailbox, folder ?? 'inbox'), message);
      return { ...ids(item.internalId, item.folderId), internetMessageId: String(item.fields.internetMessageId) };
    },
    deleteMessage: ({ id, ...ref }) => {
      const mailbox = mailboxOf(ref);
      messageWrites.remove(store, mailbox, findMessage(mailbox, id));
    },
    moveMessage: ({ id, folder, ...ref }) => {
      const mailbox = mailboxOf(ref);
      const item = messageWrites.move(store, mailbox, findMessage(mailbox, id), findMailFolder(mailbox, folder));
      return ids(item.internalId, item.folderId);
    },
    mailFolders: (ref) => {
      const mailbox = mailboxOf(ref);
      return Object.fromEntries(
        [...mailbox.mailFolders.values()]
          .filter((folder) => folder.wellKnownName !== undefined)
          .map((folder) => [folder.wellKnownName, folder.id]),
      );
    },
    subscriptions: () => graph.subscriptions.list(),
    lifecycle: ({ subscriptionId, event }) => graph.subscriptions.lifecycle(subscriptionId, event),
    loseNotifications: (input) => graph.subscriptions.loseNotifications(input),
    expireSubscription: (id) => graph.subscriptions.expire(id),
    deliveries: () => graph.subscriptions.deliveries(),
    settleNotifications: () => graph.subscriptions.settled(),
  };
}

/** `/_emulator/graph/*`: the GraphApi for processes other than the one that started the emulator. */
export function graphControlRoutes(router: Router, api: GraphApi): void {
  const handle = controlRoute((error) =>
    error instanceof GraphError
      ? { status: error.status, json: { error: error.code, error_description: error.message } }
      : undefined,
  );
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are the GraphApi's typed arguments, sent as JSON by emulatorClient
  type Json = any;
  const post = (name: string, run: (body: Json) => unknown): void => {
    router.on('POST', `/_emulator/graph/${name}`, handle(run));
  };
  post('limits', (body) => api.setLimits(body));
  post('usage/reset', () => api.resetUsage());
  post('access-policy', (body) => api.setAccessPolicy(body));
  post('usage', (body) => ({ requests: api.usage(body) }));
  post('faults', (body) => ({ id: api.addFault(body) }));
  router.on(
    'DELETE',
    '/_emulator/graph/faults',
    handle(() => api.clearFaults()),
  );
  router.on(
    'DELETE',
    '/_emulator/graph/faults/:id',
    handle((_body, request) => api.removeFault(String(request.params.id))),
  );
  post('holds', (body) => ({ id: api.hold(body) }));
  router.on(
    'POST',
    '/_emulator/graph/holds/:id/wait',
    handle(async (body: Json, request) => {
      await api.held(String(request.params.id), Number(body.count ?? 1));
    }),
  );
  router.on(
    'DELETE',
    '/_emulator/graph/holds/:id',
    handle((_body, request) => api.release(String(request.params.id))),
  );
  post('delta/expire', () => ({ expired: api.expireDeltaTokens() }));
  post('seed/contacts', (body) => api.seedContacts(body));
  post('seed/events', (body) => api.seedEvents(body));
  post('mailbox', (body) => api.mailbox(body));
  post('outlook/contact-folders', (body) => api.createContactFolder(body));
  post('outlook/contacts', (body) => api.createContact(body));
  post('outlook/contacts/update', (body) => api.updateContact(body));
  post('outlook/contacts/delete', (body) => api.deleteContact(body));
  post('outlook/contacts/move', (body) => api.moveContact(body));
  post('outlook/calendars', (body) => api.createCalendar(body));
  post('outlook/events', (body) => api.createEvent(body));
  post('outlook/events/update', (body) => api.updateEvent(body));
  post('outlook/events/delete', (body) => api.deleteEvent(body));
  post('outlook/events/move', (body) => api.moveEvent(body));
  post('outlook/messages', (body) => api.deliverMail(body));
  post('outlook/messages/delete', (body) => api.deleteMessage(body));
  post('outlook/messages/move', (body) => api.moveMessage(body));
  post('outlook/mail-folders', (body) => api.mailFolders(body));
  router.on(
    'GET',
    '/_emulator/graph/subscriptions',
    handle(() => api.subscriptions()),
  );
  post('subscriptions/lifecycle', (body) => api.lifecycle(body));
  post('subscriptions/lose', (body) => api.loseNotifications(body));
  post('subscriptions/expire', (body) => api.expireSubscription(String(body.id)));
  router.on(
    'GET',
    '/_emulator/graph/deliveries',
    handle(() => api.deliveries()),
  );
  post('deliveries/settle', () => api.settleNotifications());
}
