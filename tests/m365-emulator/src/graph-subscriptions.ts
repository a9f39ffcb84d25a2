// Change notifications (/subscriptions): the validation handshake on create, notifications when a mailbox
// changes, lifecycle notifications on demand, Outlook's maximum lifetime and expiry.
import { randomUUID } from 'node:crypto';
import {
  appIdOf,
  badMethod,
  denied,
  GraphError,
  type GraphPrincipal,
  type GraphReply,
  itemIdOf,
  readPreferences,
} from './graph-common.ts';
import type { ChangeType, ItemKind, MailboxChange, MailboxStore } from './graph-mailbox.ts';
import type { EmulatorRequest } from './http.ts';

/** Outlook resources (contacts, events, messages) live at most 10,080 minutes (7 days). */
export const MAX_OUTLOOK_SUBSCRIPTION_MINUTES = 10_080;
const NOTIFICATION_TIMEOUT_MS = 3_000;

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

interface Subscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationDateTime: string;
  applicationId: string;
  creatorId: string;
  tenantId: string;
  userId: string;
  kind: ItemKind;
  /** Only items of this folder (contact folder or calendar); undefined: the resource's default. */
  folderId: string | undefined;
  changeTypes: Set<ChangeType>;
  immutableIds: boolean;
}

/** A POST the emulator made as Graph: handshakes, notifications and lifecycle notifications. */
export interface NotificationDelivery {
  subscriptionId: string;
  /** `lost`: a notification the emulator dropped on purpose (see loseNotifications). */
  kind: 'validation' | 'notification' | 'lifecycle' | 'lost';
  url: string;
  body: unknown;
  /** The receiver's status; undefined when it could not be reached or timed out. */
  status: number | undefined;
  error?: string;
}

export interface SubscriptionOptions {
  /** How long the receiver has to echo the validation token; Graph allows 10 seconds. */
  validationTimeoutMs: number;
}

const RESOURCE_PATTERNS: Array<{ pattern: RegExp; kind: ItemKind; folder: boolean }> = [
  { pattern: /^\/?(?:me|users\/([^/]+))\/contacts$/i, kind: 'contact', folder: false },
  { pattern: /^\/?(?:me|users\/([^/]+))\/contactFolders\/([^/]+)\/contacts$/i, kind: 'contact', folder: true },
  { pattern: /^\/?(?:me|users\/([^/]+))\/events$/i, kind: 'event', folder: false },
  { pattern: /^\/?(?:me|users\/([^/]+))\/calendars\/([^/]+)\/events$/i, kind: 'event', folder: true },
  { pattern: /^\/?(?:me|users\/([^/]+))\/messages$/i, kind: 'message', folder: false },
  {
    pattern: /^\/?(?:me|users\/([^/]+))\/mailFolders(?:\/([^/()]+)|\('([^']+)'\))\/messages$/i,
    kind: 'message',
    folder: true,
  },
];

export class Subscriptions {
  readonly #store: MailboxStore;
  readonly #options: SubscriptionOptions;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #deliveries: NotificationDelivery[] = [];
  readonly #pending = new Set<Promise<void>>();
  #toLose: { times: number; subscriptionId: string | undefined; sendMissed: boolean } | undefined;

  constructor(store: MailboxStore, options: SubscriptionOptions) {
    this.#store = store;
    this.#options = options;
    store.onChange((change) => this.#notify(change));
  }

  /** What the emulator posted, oldest first. */
  deliveries(): NotificationDelivery[] {
    return [...this.#deliveries];
  }

  /** Resolves once every notification on its way has been answered (or failed). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /**
   * The next `times` notifications (of one subscription, or any) are never posted, as when Graph gives up on an
   * endpoint; with `sendMissed`, a `missed` lifecycle notification follows each, as Graph sends for Outlook resources.
   */
  loseNotifications(input: { times?: number; subscriptionId?: string; sendMissed?: boolean }): void {
    this.#toLose = {
      times: input.times ?? 1,
      subscriptionId: input.subscriptionId,
      sendMissed: input.sendMissed ?? false,
    };
  }

  list(): Array<Record<string, unknown>> {
    this.#dropExpired();
    return [...this.#subscriptions.values()].map(resourceOf);
  }

  /** Lets a subscription run out now, as when its expirationDateTime passed. */
  expire(id: string): void {
    const subscription = this.#subscriptions.get(id);
    if (!subscription) throw new GraphError(404, 'ResourceNotFound', `Subscription '${id}' does not exist.`);
    subscription.expirationDateTime = new Date(Date.now() - 1000).toISOString();
    this.#dropExpired();
  }

  /** Sends a lifecycle notification; subscriptionRemoved also removes the subscription, as Graph does. */
  async lifecycle(id: string, event: LifecycleEvent): Promise<NotificationDelivery> {
    const subscription = this.#subscriptions.get(id);
    if (!subscription) throw new GraphError(404, 'ResourceNotFound', `Subscription '${id}' does not exist.`);
    if (!subscription.lifecycleNotificationUrl) {
      throw new GraphError(400, 'InvalidRequest', `Subscription '${id}' has no lifecycleNotificationUrl.`);
    }
    if (event === 'subscriptionRemoved') this.#subscriptions.delete(id);
    return this.#post(subscription, 'lifecycle', subscription.lifecycleNotificationUrl, {
      value: [
        {
          subscriptionId: subscription.id,
          subscriptionExpirationDateTime: subscription.expirationDateTime,
          tenantId: subscription.tenantId,
          clientState: subscription.clientState,
          lifecycleEvent: event,
        },
      ],
    });
  }

  async route(request: EmulatorRequest, principal: GraphPrincipal, segments: string[]): Promise<GraphReply> {
    this.#dropExpired();
    const [id, more] = segments;
    if (more !== undefined)
      throw new GraphError(404, 'ResourceNotFound', `Resource not found for the segment '${more}'.`);
    const appId = appIdOf(principal);
    if (id === undefined) {
      if (request.method === 'GET') {
        const mine = [...this.#subscriptions.values()].filter(
          (subscription) => subscription.tenantId === principal.tenant.id && subscription.applicationId === appId,
        );
        return { status: 200, json: { '@odata.context': `$metadata#subscriptions`, value: mine.map(resourceOf) } };
      }
      if (request.method === 'POST') return this.#create(request, principal);
      throw badMethod();
    }
    const subscription = this.#subscriptions.get(id);
    if (!subscription || subscription.tenantId !== principal.tenant.id || subscription.applicationId !== appId) {
      throw new GraphError(404, 'ResourceNotFound', `The object was not found.`);
    }
    if (request.method === 'GET') return { status: 200, json: resourceOf(subscription) };
    if (request.method === 'DELETE') {
      this.#subscriptions.delete(id);
      return { status: 204 };
    }
    if (request.method === 'PATCH') {
      const body = bodyOf(request);
      if (body.expirationDateTime !== undefined)
        subscription.expirationDateTime = checkExpiration(body.expirationDateTime);
      if (typeof body.notificationUrl === 'string') {
        await this.#validate(subscription, body.notificationUrl);
        subscription.notificationUrl = body.notificationUrl;
      }
      return { status: 200, json: resourceOf(subscription) };
    }
    throw badMethod();
  }

  async #create(request: EmulatorRequest, principal: GraphPrincipal): Promise<GraphReply> {
    const body = bodyOf(request);
    for (const name of ['changeType', 'notificationUrl', 'resource', 'expirationDateTime']) {
      if (typeof body[name] !== 'string' || body[name] === '') {
        throw new GraphError(400, 'InvalidRequest', `The property '${name}' is required.`);
      }
    }
    const changeTypes = String(body.changeType)
      .split(',')
      .map((type) => type.trim());
    if (changeTypes.some((type) => !['created', 'updated', 'deleted'].includes(type))) {
      throw new GraphError(400, 'InvalidRequest', `Invalid changeType '${body.changeType}'.`);
    }
    const resource = String(body.resource);
    const known = RESOURCE_PATTERNS.map((entry) => ({ entry, match: entry.pattern.exec(resource) })).find(
      (m) => m.match,
    );
    if (!known?.match) {
      throw new GraphError(
        400,
        'ExtensionError',
        `Operation: Create; Exception: [Status Code: BadRequest; Reason: The resource '${resource}' is not supported.]`,
      );
    }
    const userRef = known.match[1];
    const user = userRef
      ? principal.tenant.users.find(
          (u) => u.id === userRef.toLowerCase() || u.userPrincipalName.toLowerCase() === userRef.toLowerCase(),
        )
      : principal.user;
    if (!user) {
      throw new GraphError(
        userRef ? 404 : 400,
        userRef ? 'ExtensionError' : 'BadRequest',
        userRef
          ? `The requested user '${userRef}' is invalid.`
          : '/me request is only valid with delegated authentication flow.',
      );
    }
    if (principal.user && principal.user.id !== user.id) throw denied();
    const area = known.entry.kind === 'contact' ? 'Contacts' : known.entry.kind === 'message' ? 'Mail' : 'Calendars';
    const granted = principal.user ? principal.scopes : principal.roles;
    if (!granted.includes(`${area}.Read`) && !granted.includes(`${area}.ReadWrite`)) {
      throw new GraphError(
        403,
        'ExtensionError',
        'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied.]',
      );
    }
    for (const name of ['notificationUrl', 'lifecycleNotificationUrl']) {
      const value = body[name];
      if (value === undefined || value === null) continue;
      let url: URL;
      try {
        url = new URL(String(value));
      } catch {
        throw new GraphError(400, 'InvalidRequest', `The ${name} is not a valid URL.`);
      }
      // Graph demands https; the emulator also takes http on the local machine, where the CRM runs in tests.
      const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
      if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
        throw new GraphError(400, 'InvalidRequest', `The ${name} must be an https URL.`);
      }
    }
    const mailbox = this.#store.mailbox(principal.tenant.id, user);
    // A mail folder may be named by its well-known name (inbox, sentitems); the subscription keeps its id.
    const folderRef = known.match[2] ?? known.match[3];
    const folderId = known.entry.folder
      ? known.entry.kind === 'message'
        ? folderRef && mailbox.mailFolder(folderRef)?.id
        : folderRef
      : known.entry.kind === 'contact'
        ? mailbox.defaultContactFolderId
        : undefined;
    if (known.entry.folder) {
      const folders =
        known.entry.kind === 'contact'
          ? mailbox.contactFolders
          : known.entry.kind === 'message'
            ? mailbox.mailFolders
            : mailbox.calendars;
      if (!folderId || !folders.has(folderId)) {
        throw new GraphError(
          404,
          'ExtensionError',
          'Operation: Create; Exception: [Status Code: NotFound; Reason: The folder does not exist.]',
        );
      }
    }
    const subscription: Subscription = {
      id: randomUUID(),
      resource,
      changeType: changeTypes.join(','),
      notificationUrl: String(body.notificationUrl),
      lifecycleNotificationUrl:
        typeof body.lifecycleNotificationUrl === 'string' ? body.lifecycleNotificationUrl : null,
      clientState: typeof body.clientState === 'string' ? body.clientState : null,
      expirationDateTime: checkExpiration(body.expirationDateTime),
      applicationId: appIdOf(principal),
      creatorId: principal.user?.id ?? String(principal.claims.oid ?? ''),
      tenantId: principal.tenant.id,
      userId: user.id,
      kind: known.entry.kind,
      folderId,
      changeTypes: new Set(changeTypes as ChangeType[]),
      immutableIds: readPreferences(request).immutableIds,
    };
    await this.#validate(subscription, subscription.notificationUrl);
    if (subscription.lifecycleNotificationUrl)
      await this.#validate(subscription, subscription.lifecycleNotificationUrl);
    this.#subscriptions.set(subscription.id, subscription);
    return { status: 201, json: resourceOf(subscription) };
  }

  /** Graph's handshake: POST ?validationToken=…, expect 200 with the token as plain text in time. */
  async #validate(subscription: Subscription, notificationUrl: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const url = new URL(notificationUrl);
    url.searchParams.set('validationToken', token);
    const delivery: NotificationDelivery = {
      subscriptionId: subscription.id,
      kind: 'validation',
      url: url.toString(),
      body: '',
      status: undefined,
    };
    this.#deliveries.push(delivery);
    let echoed = false;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
        signal: AbortSignal.timeout(this.#options.validationTimeoutMs),
      });
      delivery.status = response.status;
      echoed = response.status === 200 && (await response.text()) === token;
    } catch (error) {
      delivery.error = (error as Error).message;
    }
    if (!echoed) {
      throw new GraphError(
        400,
        'ValidationError',
        'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
      );
    }
  }

  #dropExpired(): void {
    const now = Date.now();
    for (const [id, subscription] of this.#subscriptions) {
      if (Date.parse(subscription.expirationDateTime) <= now) this.#subscriptions.delete(id);
    }
  }

  #notify(change: MailboxChange): void {
    this.#dropExpired();
    for (const subscription of this.#subscriptions.values()) {
      if (
        subscription.tenantId !== change.tenantId ||
        subscription.userId !== change.userId ||
        subscription.kind !== change.kind ||
        (subscription.folderId !== undefined && subscription.folderId !== change.folderId) ||
        !subscription.changeTypes.has(change.changeType)
      ) {
        continue;
      }
      const id = itemIdOf(change.internalId, change.folderId, subscription.immutableIds);
      const type = change.kind === 'contact' ? 'Contact' : change.kind === 'message' ? 'Message' : 'Event';
      const resource = `Users/${change.userId}/${type}s/${id}`;
      const notification = {
        value: [
          {
            subscriptionId: subscription.id,
            subscriptionExpirationDateTime: subscription.expirationDateTime,
            changeType: change.changeType,
            resource,
            resourceData: { '@odata.type': `#Microsoft.Graph.${type}`, '@odata.id': resource, id },
            clientState: subscription.clientState,
            tenantId: subscription.tenantId,
          },
        ],
      };
      const lose = this.#toLose;
      if (lose && lose.times > 0 && (lose.subscriptionId === undefined || lose.subscriptionId === subscription.id)) {
        lose.times -= 1;
        this.#deliveries.push({
          subscriptionId: subscription.id,
          kind: 'lost',
          url: subscription.notificationUrl,
          body: notification,
          status: undefined,
        });
        if (lose.sendMissed && subscription.lifecycleNotificationUrl)
          this.#track(this.lifecycle(subscription.id, 'missed'));
        continue;
      }
      // The notification leaves after the change is answered, as Graph's do.
      this.#track(this.#post(subscription, 'notification', subscription.notificationUrl, notification));
    }
  }

  #track(sending: Promise<unknown>): void {
    const settled = sending.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.finally(() => this.#pending.delete(settled));
  }

  async #post(
    subscription: Subscription,
    kind: NotificationDelivery['kind'],
    url: string,
    body: unknown,
  ): Promise<NotificationDelivery> {
    const delivery: NotificationDelivery = { subscriptionId: subscription.id, kind, url, body, status: undefined };
    this.#deliveries.push(delivery);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(NOTIFICATION_TIMEOUT_MS),
      });
      delivery.status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      delivery.error = (error as Error).message;
    }
    return delivery;
  }
}

function bodyOf(request: EmulatorRequest): Record<string, unknown> {
  const text = request.body.toString('utf8');
  const body: unknown = text.trim() === '' ? {} : JSON.parse(text);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GraphError(400, 'InvalidRequest', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function checkExpiration(value: unknown): string {
  const at = Date.parse(String(value));
  if (Number.isNaN(at)) throw new GraphError(400, 'InvalidRequest', `Cannot read expirationDateTime '${value}'.`);
  if (at <= Date.now()) {
    throw new GraphError(400, 'InvalidRequest', 'Subscription expiration must be in the future.');
  }
  if (at > Date.now() + MAX_OUTLOOK_SUBSCRIPTION_MINUTES * 60_000) {
    throw new GraphError(
      400,
      'InvalidRequest',
      `Subscription expiration can only be ${MAX_OUTLOOK_SUBSCRIPTION_MINUTES} minutes in the future.`,
    );
  }
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function resourceOf(subscription: Subscription): Record<string, unknown> {
  return {
    id: subscription.id,
    resource: subscription.resource,
    applicationId: subscription.applicationId,
    changeType: subscription.changeType,
    clientState: subscription.clientState,
    notificationUrl: subscription.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
    expirationDateTime: subscription.expirationDateTime,
    creatorId: subscription.creatorId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}
