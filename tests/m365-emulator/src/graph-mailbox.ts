// The Outlook side of Graph: one mailbox per user with contact folders, contacts, calendars and events,
// mail folders and messages, and the changes other parts (delta, subscriptions) follow.
import { randomBytes, randomUUID } from 'node:crypto';
import type { SeedUser } from './seed.ts';

export type ItemKind = 'contact' | 'event' | 'message';
export type ChangeType = 'created' | 'updated' | 'deleted';

export interface OutlookFolder {
  id: string;
  displayName: string;
  parentFolderId: string | undefined;
  isDefault: boolean;
}

export interface OutlookItem {
  /** Never shown: ids on the wire are made from it (see itemIdOf). */
  internalId: string;
  folderId: string;
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  /** The resource's own properties, as Graph names them. */
  fields: Record<string, unknown>;
  /** singleValueExtendedProperties by id (lower-cased): answered only when `$expand`ed, as in Graph. */
  extended: Map<string, { id: string; value: string }>;
}

/** A modified occurrence of a series: its own fields over the master's. */
export interface OccurrenceException {
  changeKey: string;
  lastModifiedDateTime: string;
  fields: Record<string, unknown>;
}

export interface EventItem extends OutlookItem {
  /** Keyed by the occurrence's original start (UTC, ISO). */
  exceptions: Map<string, OccurrenceException>;
  /** Original starts (UTC, ISO) of deleted occurrences. */
  cancelled: Set<string>;
  /** A series' attachments are its occurrences' too, as Outlook shows them. */
  attachments: FileAttachment[];
}

/** A mail folder: one of Outlook's well-known folders (inbox, sentitems …) or one a user made. */
export interface MailFolder extends OutlookFolder {
  wellKnownName: string | undefined;
}

/**
 * A file attached to a message or an event, as Graph's fileAttachment names it; an attached Outlook item
 * (itemAttachment: a mail, a contact, an event) has no bytes of its own.
 */
export interface FileAttachment {
  kind: 'file' | 'item';
  id: string;
  name: string;
  contentType: string;
  contentBytes: string;
  isInline: boolean;
  contentId: string | null;
  lastModifiedDateTime: string;
}

export interface MessageItem extends OutlookItem {
  attachments: FileAttachment[];
  /** Answered only when `$select`ed, as in Graph. */
  internetMessageHeaders: Array<{ name: string; value: string }>;
}

/** The folders Exchange makes in every mailbox, by their well-known names. */
export const WELL_KNOWN_MAIL_FOLDERS: ReadonlyArray<{ wellKnownName: string; displayName: string }> = [
  { wellKnownName: 'inbox', displayName: 'Inbox' },
  { wellKnownName: 'sentitems', displayName: 'Sent Items' },
  { wellKnownName: 'drafts', displayName: 'Drafts' },
  { wellKnownName: 'deleteditems', displayName: 'Deleted Items' },
  { wellKnownName: 'archive', displayName: 'Archive' },
];

export interface MailboxChange {
  tenantId: string;
  userId: string;
  kind: ItemKind;
  folderId: string;
  internalId: string;
  changeType: ChangeType;
}

/** The mailbox owner as Outlook writes an organizer: name and SMTP address. */
export interface MailboxOwner {
  name: string;
  address: string;
}

export class Mailbox {
  readonly tenantId: string;
  readonly userId: string;
  readonly owner: MailboxOwner;
  readonly contactFolders = new Map<string, OutlookFolder>();
  readonly contacts = new Map<string, OutlookItem>();
  readonly calendars = new Map<string, OutlookFolder>();
  readonly events = new Map<string, EventItem>();
  readonly mailFolders = new Map<string, MailFolder>();
  readonly messages = new Map<string, MessageItem>();
  readonly defaultContactFolderId: string;
  readonly defaultCalendarId: string;
  /** The root folder (msgfolderroot) the well-known mail folders live in. */
  readonly mailRootId: string;

  constructor(tenantId: string, userId: string, owner: MailboxOwner) {
    this.tenantId = tenantId;
    this.userId = userId;
    this.owner = owner;
    this.defaultContactFolderId = folderId();
    this.contactFolders.set(this.defaultContactFolderId, {
      id: this.defaultContactFolderId,
      displayName: 'Contacts',
      parentFolderId: undefined,
      isDefault: true,
    });
    this.defaultCalendarId = folderId();
    this.calendars.set(this.defaultCalendarId, {
      id: this.defaultCalendarId,
      displayName: 'Calendar',
      parentFolderId: undefined,
      isDefault: true,
    });
    this.mailRootId = folderId();
    for (const known of WELL_KNOWN_MAIL_FOLDERS) {
      const id = folderId();
      this.mailFolders.set(id, {
        id,
        displayName: known.displayName,
        parentFolderId: this.mailRootId,
        isDefault: true,
        wellKnownName: known.wellKnownName,
      });
    }
  }

  /** A mail folder by id or well-known name (case-insensitive, as Graph takes them); undefined when none. */
  mailFolder(idOrName: string): MailFolder | undefined {
    const byId = this.mailFolders.get(idOrName);
    if (byId) return byId;
    const name = idOrName.toLowerCase();
    return [...this.mailFolders.values()].find((folder) => folder.wellKnownName === name);
  }
}

export const folderId = (): string => `AQMkAD${Buffer.from(randomUUID()).toString('base64url')}`;
/** Change keys only have to differ from every earlier one: a counter behind a prefix per emulator run. */
const changeKeyPrefix = randomBytes(4).toString('hex');
let changeKeyCounter = 0;
export const newChangeKey = (): string => {
  changeKeyCounter += 1;
  return Buffer.from(`${changeKeyPrefix}${changeKeyCounter.toString(36).padStart(8, '0')}`).toString('base64');
};
export const nowIso = (): string => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

/** Every mailbox of the emulator, made on first use, and who listens to their changes. */
export class MailboxStore {
  readonly #mailboxes = new Map<string, Mailbox>();
  readonly #listeners = new Set<(change: MailboxChange) => void>();

  mailbox(tenantId: string, user: SeedUser): Mailbox {
    const key = `${tenantId}|${user.id}`;
    let mailbox = this.#mailboxes.get(key);
    if (!mailbox) {
      mailbox = new Mailbox(tenantId, user.id, {
        name: user.displayName,
        address: user.mail ?? user.userPrincipalName,
      });
      this.#mailboxes.set(key, mailbox);
    }
    return mailbox;
  }

  onChange(listener: (change: MailboxChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Records a change of an item: a new changeKey and modification time unless deleted; listeners are told. */
  changed(mailbox: Mailbox, kind: ItemKind, item: OutlookItem, changeType: ChangeType): void {
    if (changeType !== 'deleted') {
      item.changeKey = newChangeKey();
      item.lastModifiedDateTime = nowIso();
    }
    this.notify(mailbox, kind, item.folderId, item.internalId, changeType);
  }

  /** Tells listeners of a change without touching an item (an occurrence of a series changed). */
  notify(mailbox: Mailbox, kind: ItemKind, folder: string, internalId: string, changeType: ChangeType): void {
    const change: MailboxChange = {
      tenantId: mailbox.tenantId,
      userId: mailbox.userId,
      kind,
      folderId: folder,
      internalId,
      changeType,
    };
    for (const listener of this.#listeners) listener(change);
  }
}

export function newItem(folder: string, fields: Record<string, unknown>): OutlookItem {
  const now = nowIso();
  return {
    internalId: randomUUID(),
    folderId: folder,
    changeKey: newChangeKey(),
    createdDateTime: now,
    lastModifiedDateTime: now,
    fields,
    extended: new Map(),
  };
}

/** A request to one mailbox's Outlook resources, after the caller and the mailbox are known. */
export interface OutlookCall {
  readonly method: string;
  readonly query: URLSearchParams;
  readonly body: () => Record<string, unknown>;
  readonly mailbox: Mailbox;
  /** `${emulator}/v1.0/me` or `${emulator}/v1.0/users/{id}`, as the client addressed the mailbox. */
  readonly base: string;
  /** The segments after the mailbox. */
  readonly path: string[];
  readonly preferences: import('./graph-common.ts').Preferences;
  /** The `If-Match` header: a write then needs the item's current etag. */
  readonly ifMatch: string | undefined;
  /** Whether the token may write (…ReadWrite) the resource. */
  readonly canWrite: (kind: ItemKind) => boolean;
  /** The mailbox of a user in the caller's tenant with this SMTP address (mail or UPN); undefined for others. */
  readonly recipientMailbox: (address: string) => Mailbox | undefined;
  readonly store: MailboxStore;
  readonly delta: import('./graph-delta.ts').DeltaTokens;
}
