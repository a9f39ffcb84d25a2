// Outlook mail in Graph: /mailFolders (well-known names too), /messages with their attachments, and
// /mailFolders/{id}/messages/delta. A message's sensitivity is MAPI's PidTagSensitivity, read as the
// extended property `Integer 0x36` (Graph v1.0 has no sensitivity property on messages).
import { randomUUID } from 'node:crypto';
import { attachmentResource, attachmentRoutes, fileAttachment } from './graph-attachments.ts';
import {
  badMethod,
  findItem,
  GraphError,
  type GraphReply,
  itemIdOf,
  itemNotFound,
  selectFrom,
  selectionOf,
} from './graph-common.ts';
import { type DeltaItem, syncStateNotFound } from './graph-delta.ts';
import {
  type Mailbox,
  type MailboxStore,
  type MailFolder,
  type MessageItem,
  newItem,
  nowIso,
  type OutlookCall,
} from './graph-mailbox.ts';
import { answer, context, EXTENDED_PROPERTIES, listPage, removedEntry, writable } from './graph-outlook.ts';
import { createDraft, sendDraft, sendMailRoute } from './graph-send.ts';

export const SENSITIVITIES = ['normal', 'personal', 'private', 'confidential'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];
/** PidTagSensitivity (0x0036) as Graph names a MAPI property: `Integer 0x36`. */
export const SENSITIVITY_PROPERTY = 'Integer 0x36';

/** A mail as a test delivers it: who wrote it to whom, and what it carries. */
export interface MailInput {
  subject?: string;
  body?: { contentType?: 'text' | 'html'; content: string };
  from: { address: string; name?: string };
  toRecipients?: Array<{ address: string; name?: string }>;
  ccRecipients?: Array<{ address: string; name?: string }>;
  /** Made up when not given, as every sent mail has one. */
  internetMessageId?: string;
  conversationId?: string;
  /** Default now. */
  receivedDateTime?: string;
  sentDateTime?: string;
  sensitivity?: Sensitivity;
  isRead?: boolean;
  attachments?: Array<{
    name: string;
    contentType?: string;
    contentBytes: string;
    isInline?: boolean;
    contentId?: string;
  }>;
  internetMessageHeaders?: Array<{ name: string; value: string }>;
}

const recipient = (entry: { address: string; name?: string }) => ({
  emailAddress: { name: entry.name ?? entry.address, address: entry.address },
});

/** Normalised extended-property ids: `Integer 0x0036` and `integer 0x36` name the same property. */
const propertyKey = (id: string): string =>
  id
    .trim()
    .toLowerCase()
    .replace(/0x0*([0-9a-f]+)/, '0x$1');

export function messageResource(item: MessageItem, immutable: boolean): Record<string, unknown> {
  return {
    '@odata.etag': `W/"${item.changeKey}"`,
    id: itemIdOf(item.internalId, item.folderId, immutable),
    createdDateTime: item.createdDateTime,
    lastModifiedDateTime: item.lastModifiedDateTime,
    changeKey: item.changeKey,
    categories: [],
    parentFolderId: item.folderId,
    hasAttachments: item.attachments.some((attachment) => !attachment.isInline),
    ...item.fields,
  };
}

/** What `$select`, `$expand` ask of a message (kept with delta tokens, so later rounds answer alike). */
interface Shape {
  select: string[] | undefined;
  expand: string | undefined;
}

const shapeOf = (query: URLSearchParams): Shape => ({
  select: selectionOf(query),
  expand: query.get('$expand') ?? undefined,
});

/** A message as asked for: selected properties, headers when selected, attachments and extended properties when expanded. */
function render(item: MessageItem, immutable: boolean, shape: Shape): Record<string, unknown> {
  let resource = selectFrom(messageResource(item, immutable), shape.select);
  if (shape.select?.includes('internetMessageHeaders')) {
    resource = { ...resource, internetMessageHeaders: item.internetMessageHeaders };
  }
  for (const part of (shape.expand ?? '').split(/,(?![^(]*\))/)) {
    const expand = part.trim();
    if (expand === '') continue;
    if (expand === 'attachments') {
      resource = { ...resource, attachments: item.attachments.map(attachmentResource) };
    } else if (expand.startsWith(EXTENDED_PROPERTIES)) {
      const wanted = /\$filter=\s*id\s+eq\s+'((?:[^']|'')*)'/i.exec(expand)?.[1]?.replace(/''/g, "'");
      const values = [...item.extended.entries()]
        .filter(([id]) => wanted === undefined || id === propertyKey(wanted))
        .map(([, property]) => property);
      resource = { ...resource, [EXTENDED_PROPERTIES]: values };
    } else {
      throw new GraphError(
        400,
        'BadRequest',
        `Could not find a property named '${expand}' on type 'microsoft.graph.message'.`,
      );
    }
  }
  return resource;
}

/** `$filter=receivedDateTime ge|gt <date>`, the one filter Graph takes on a message delta; undefined without. */
function receivedSince(filter: string | null): { op: 'ge' | 'gt'; at: number } | undefined {
  if (filter === null || filter.trim() === '') return undefined;
  const match = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i.exec(filter);
  const at = match?.[2] ? Date.parse(match[2]) : Number.NaN;
  if (!match || Number.isNaN(at)) {
    throw new GraphError(
      400,
      'ErrorInvalidUrlQueryFilter',
      `The $filter '${filter}' is not supported on a message delta: only receivedDateTime ge|gt a date.`,
    );
  }
  return { op: match[1]?.toLowerCase() === 'gt' ? 'gt' : 'ge', at };
}

/** Writes used by Graph's routes and by the control API ("a mail arrives"). */
export const messageWrites = {
  deliver(store: MailboxStore, mailbox: Mailbox, folder: MailFolder, input: MailInput): MessageItem {
    if (!input.from?.address) throw new GraphError(400, 'ErrorInvalidRecipients', 'A message needs a sender.');
    const received = input.receivedDateTime ? new Date(input.receivedDateTime).toISOString() : nowIso();
    const body = input.body ?? { contentType: 'text', content: '' };
    const text = body.contentType === 'html' ? body.content.replace(/<[^>]*>/g, ' ') : body.content;
    const from = recipient(input.from);
    const item: MessageItem = {
      ...newItem(folder.id, {
        receivedDateTime: received,
        sentDateTime: input.sentDateTime ? new Date(input.sentDateTime).toISOString() : received,
        internetMessageId: input.internetMessageId ?? `<${randomUUID()}@emulator.example>`,
        subject: input.subject ?? '',
        bodyPreview: text.replace(/\s+/g, ' ').trim().slice(0, 255),
        importance: 'normal',
        conversationId: input.conversationId ?? `AAQk${Buffer.from(randomUUID()).toString('base64url')}`,
        isDeliveryReceiptRequested: false,
        isReadReceiptRequested: false,
        isRead: input.isRead ?? folder.wellKnownName === 'sentitems',
        isDraft: false,
        inferenceClassification: 'focused',
        body: { contentType: body.contentType ?? 'text', content: body.content },
        sender: from,
        from,
        toRecipients: (input.toRecipients ?? []).map(recipient),
        ccRecipients: (input.ccRecipients ?? []).map(recipient),
        bccRecipients: [],
        replyTo: [],
        flag: { flagStatus: 'notFlagged' },
      }),
      attachments: (input.attachments ?? []).map((attachment) =>
        fileAttachment({ ...attachment, lastModifiedDateTime: received }),
      ),
      internetMessageHeaders: input.internetMessageHeaders ?? [],
    };
    if (input.sensitivity !== undefined) {
      const value = SENSITIVITIES.indexOf(input.sensitivity);
      if (value < 0) throw new GraphError(400, 'RequestBodyRead', `Unknown sensitivity '${input.sensitivity}'.`);
      item.extended.set(propertyKey(SENSITIVITY_PROPERTY), { id: SENSITIVITY_PROPERTY, value: String(value) });
    }
    mailbox.messages.set(item.internalId, item);
    store.changed(mailbox, 'message', item, 'created');
    return item;
  },
  remove(store: MailboxStore, mailbox: Mailbox, item: MessageItem): void {
    mailbox.messages.delete(item.internalId);
    store.changed(mailbox, 'message', item, 'deleted');
  },
  /** A drag to another folder: gone from the one, new in the other (the immutable id stays). */
  move(store: MailboxStore, mailbox: Mailbox, item: MessageItem, folder: MailFolder): MessageItem {
    store.changed(mailbox, 'message', item, 'deleted');
    item.folderId = folder.id;
    store.changed(mailbox, 'message', item, 'created');
    return item;
  },
};

export function findMessage(mailbox: Mailbox, id: string, folder?: string): MessageItem {
  return findItem(mailbox.messages, id, folder);
}

export function findMailFolder(mailbox: Mailbox, idOrName: string): MailFolder {
  const folder = mailbox.mailFolder(idOrName);
  if (!folder) throw itemNotFound();
  return folder;
}

function folderResource(folder: MailFolder, mailbox: Mailbox): Record<string, unknown> {
  const items = [...mailbox.messages.values()].filter((item) => item.folderId === folder.id);
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentFolderId ?? mailbox.mailRootId,
    childFolderCount: 0,
    unreadItemCount: items.filter((item) => item.fields.isRead !== true).length,
    totalItemCount: items.length,
    isHidden: false,
  };
}

/** Newest first, as Outlook lists a folder. */
const byReceived = (a: MessageItem, b: MessageItem): number =>
  String(b.fields.receivedDateTime).localeCompare(String(a.fields.receivedDateTime));

/** Routes /mailFolders… and /messages… of a mailbox; undefined when the path is none of them. */
export function messageRoutes(call: OutlookCall): GraphReply | undefined {
  const { path, mailbox, method } = call;
  const [first, second, third, fourth, fifth, ...more] = path;
  if (first === 'sendMail' && second === undefined) return sendMailRoute(call);
  if (first === 'messages') {
    if (second === undefined) {
      return call.method === 'POST' ? createDraft(call) : messageCollection(call, undefined, 'messages');
    }
    if (third === 'send' && fourth === undefined) return sendDraft(call, second);
    return messageItem(call, second, undefined, [third, fourth, ...(fifth === undefined ? [] : [fifth, ...more])]);
  }
  if (first !== 'mailFolders') return undefined;
  const [folderKey, sub, subId, subMore, ...rest] = [second, third, fourth, fifth, ...more];
  if (folderKey === undefined) {
    if (method !== 'GET') throw badMethod();
    const folders = [...mailbox.mailFolders.values()].filter((folder) => folder.parentFolderId === mailbox.mailRootId);
    return listPage(call, folders, (folder) => folderResource(folder, mailbox), 'mailFolders');
  }
  const folder = findMailFolder(mailbox, folderKey);
  if (sub === undefined) {
    if (method !== 'GET') throw badMethod();
    return answer(call, { '@odata.context': context(call, 'mailFolders/$entity'), ...folderResource(folder, mailbox) });
  }
  if (sub !== 'messages') return undefined;
  if (subId === undefined) return messageCollection(call, folder.id, `mailFolders('${folder.id}')/messages`);
  if (subId === 'delta' && subMore === undefined) return messageDelta(call, folder);
  return messageItem(call, subId, folder.id, [subMore, ...rest]);
}

function messageCollection(call: OutlookCall, folder: string | undefined, contextPath: string): GraphReply {
  if (call.method !== 'GET') throw badMethod();
  const shape = shapeOf(call.query);
  const immutable = call.preferences.immutableIds;
  const items = [...call.mailbox.messages.values()]
    .filter((item) => folder === undefined || item.folderId === folder)
    .sort(byReceived);
  return listPage(call, items, (item) => render(item, immutable, shape), contextPath);
}

function messageItem(
  call: OutlookCall,
  id: string,
  folder: string | undefined,
  rest: Array<string | undefined>,
): GraphReply | undefined {
  const { mailbox, store, preferences } = call;
  const item = findMessage(mailbox, id, folder);
  const [sub, attachmentId, more] = rest;
  if (sub === undefined) {
    if (call.method === 'GET') {
      return answer(call, {
        '@odata.context': context(call, 'messages/$entity'),
        ...render(item, preferences.immutableIds, shapeOf(call.query)),
      });
    }
    if (call.method === 'DELETE') {
      writable(call, 'message');
      messageWrites.remove(store, mailbox, item);
      return { status: 204 };
    }
    throw badMethod();
  }
  if (sub !== 'attachments' || more !== undefined) return undefined;
  return attachmentRoutes(call, item.attachments, `messages('${id}')`, attachmentId);
}

function messageDelta(call: OutlookCall, folder: MailFolder): GraphReply {
  if (call.method !== 'GET') throw badMethod();
  const { mailbox, preferences, query } = call;
  const immutable = preferences.immutableIds;
  const prefix = `messages|${mailbox.tenantId}|${mailbox.userId}|${folder.id}|${immutable}|`;
  let scope: string;
  if (query.get('$skiptoken') === null && query.get('$deltatoken') === null) {
    const since = receivedSince(query.get('$filter'));
    // The query options travel in the tokens, as Graph's do: later rounds answer the same shape.
    scope = `${prefix}${JSON.stringify({ since, ...shapeOf(query) })}`;
  } else {
    const known = call.delta.scopeOf(query);
    if (!known?.startsWith(prefix)) throw syncStateNotFound();
    scope = known;
  }
  const options = JSON.parse(scope.slice(prefix.length)) as Shape & { since?: { op: 'ge' | 'gt'; at: number } };
  const shape: Shape = { select: options.select ?? undefined, expand: options.expand ?? undefined };
  const { body, pageSize: size } = call.delta.page({
    scope,
    query,
    maxPageSize: preferences.maxPageSize,
    current: (): DeltaItem[] =>
      [...mailbox.messages.values()]
        .filter((item) => item.folderId === folder.id)
        .filter((item) => {
          if (!options.since) return true;
          const received = Date.parse(String(item.fields.receivedDateTime));
          return options.since.op === 'gt' ? received > options.since.at : received >= options.since.at;
        })
        .sort(byReceived)
        .map((item) => ({
          key: item.internalId,
          changeKey: item.changeKey,
          folderId: item.folderId,
          render: () => render(item, immutable, shape),
        })),
    removed: (key, seen) => removedEntry('message', key, seen.folderId, immutable),
    link: (token) => `${call.base}/mailFolders/${folder.id}/messages/delta?${token}`,
  });
  return answer(call, { '@odata.context': context(call, 'messages/delta'), ...body }, size);
}
