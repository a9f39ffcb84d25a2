// The mailbox item as the pane needs it, read through office-js's asynchronous calls turned into
// promises. Office's failures become OfficeApiError with Office's code, name and message.

export class OfficeApiError extends Error {
  readonly code: number;
  readonly officeName: string;
  /** What the pane was doing, for the message shown to the user. */
  readonly operation: string;

  constructor(operation: string, error: { code?: number; name?: string; message?: string } | undefined) {
    super(error?.message || 'Outlook reported an error.');
    this.name = 'OfficeApiError';
    this.code = error?.code ?? 0;
    this.officeName = error?.name ?? 'Error';
    this.operation = operation;
  }
}

/** Runs an office-js call that reports through an AsyncResult callback. */
export function officeCall<T>(operation: string, invoke: (callback: (result: Office.AsyncResult<T>) => void) => void) {
  return new Promise<T>((resolve, reject) => {
    try {
      invoke((result) => {
        if (result.status === Office.AsyncResultStatus.Succeeded) resolve(result.value);
        else reject(new OfficeApiError(operation, result.error));
      });
    } catch (error) {
      reject(new OfficeApiError(operation, { code: 0, name: 'Exception', message: (error as Error).message }));
    }
  });
}

export interface Address {
  address: string;
  name: string;
}

export type MailMode = 'read' | 'compose';

export interface AttachmentInfo {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  kind: 'file' | 'item' | 'cloud';
}

export interface ReadMail {
  mode: 'read';
  itemId: string;
  internetMessageId: string | null;
  conversationId: string | null;
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  createdAt: string | null;
  attachments: AttachmentInfo[];
}

export interface ComposeMail {
  mode: 'compose';
  conversationId: string | null;
}

type ReadItem = Office.MessageRead;
type ComposeItem = Office.MessageCompose;

export function currentItem(): ReadItem | ComposeItem | null {
  return (Office.context.mailbox?.item as unknown as ReadItem | ComposeItem | undefined) ?? null;
}

/** In read mode, subject is a string; in compose mode, an object with getAsync/setAsync. */
export function modeOf(item: ReadItem | ComposeItem): MailMode {
  return typeof item.subject === 'string' ? 'read' : 'compose';
}

const addressOf = (details: Office.EmailAddressDetails | undefined | null): Address | null =>
  details?.emailAddress ? { address: details.emailAddress.trim(), name: details.displayName?.trim() ?? '' } : null;

const addresses = (list: readonly Office.EmailAddressDetails[] | undefined): Address[] =>
  (list ?? []).map(addressOf).filter((address): address is Address => address !== null);

const attachmentKind = (type: Office.MailboxEnums.AttachmentType | string): AttachmentInfo['kind'] =>
  type === 'cloud' ? 'cloud' : type === 'item' ? 'item' : 'file';

export function readMail(item: ReadItem): ReadMail {
  const created = item.dateTimeCreated ? new Date(item.dateTimeCreated) : null;
  return {
    mode: 'read',
    itemId: item.itemId,
    internetMessageId: item.internetMessageId || null,
    conversationId: item.conversationId || null,
    subject: item.subject ?? '',
    from: addressOf(item.from) ?? addressOf(item.sender),
    to: addresses(item.to),
    cc: addresses(item.cc),
    createdAt: created && !Number.isNaN(created.getTime()) ? created.toISOString() : null,
    attachments: (item.attachments ?? []).map((attachment) => ({
      id: attachment.id,
      name: attachment.name,
      contentType: attachment.contentType ?? 'application/octet-stream',
      size: attachment.size ?? 0,
      isInline: Boolean(attachment.isInline),
      kind: attachmentKind(attachment.attachmentType),
    })),
  };
}

/**
 * The item's id as Graph (REST v2.0) names it, from its EWS id; null where the host cannot convert
 * (convertToRestId needs Mailbox 1.3), and the pane then uploads the mail itself.
 */
export function restItemId(itemId: string): string | null {
  const mailbox = Office.context.mailbox;
  if (!itemId || typeof mailbox?.convertToRestId !== 'function') return null;
  try {
    return mailbox.convertToRestId(itemId, Office.MailboxEnums.RestVersion.v2_0) || null;
  } catch {
    return null;
  }
}

/** The signed-in mailbox's address (the mailbox the open item is in, for the user's own mail). */
export function mailboxAddress(): string | null {
  return Office.context.mailbox?.userProfile?.emailAddress || null;
}

export function readBody(item: ReadItem | ComposeItem, type: 'html' | 'text'): Promise<string> {
  const coercion = type === 'html' ? Office.CoercionType.Html : Office.CoercionType.Text;
  return officeCall<string>(`body.${type}`, (callback) => item.body.getAsync(coercion, callback));
}

export interface AttachmentContent {
  format: 'base64' | 'url' | 'eml' | 'iCalendar';
  content: string;
}

export function readAttachmentContent(item: ReadItem, attachmentId: string): Promise<AttachmentContent> {
  return officeCall<Office.AttachmentContent>('attachment', (callback) =>
    item.getAttachmentContentAsync(attachmentId, callback),
  ).then((content) => ({ format: content.format as AttachmentContent['format'], content: content.content }));
}

/** The message's internet headers as name → value (lower-case names); empty where the host cannot read them. */
export async function readInternetHeaders(item: ReadItem): Promise<Record<string, string>> {
  if (typeof item.getAllInternetHeadersAsync !== 'function') return {};
  const raw = await officeCall<string>('headers', (callback) => item.getAllInternetHeadersAsync(callback));
  const headers: Record<string, string> = {};
  // Folded lines continue with whitespace (RFC 5322 §2.2.3).
  for (const line of raw.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

// ---- compose mode

export function composeMail(item: ComposeItem): ComposeMail {
  return { mode: 'compose', conversationId: item.conversationId || null };
}

export async function composeRecipients(item: ComposeItem): Promise<Address[]> {
  const [to, cc] = await Promise.all([
    officeCall<Office.EmailAddressDetails[]>('recipients', (callback) => item.to.getAsync(callback)),
    officeCall<Office.EmailAddressDetails[]>('recipients', (callback) => item.cc.getAsync(callback)),
  ]);
  return [...addresses(to), ...addresses(cc)];
}

export function composeSubject(item: ComposeItem): Promise<string> {
  return officeCall<string>('subject', (callback) => item.subject.getAsync(callback));
}

export function setComposeSubject(item: ComposeItem, subject: string): Promise<void> {
  return officeCall<void>('subject', (callback) => item.subject.setAsync(subject, callback));
}

export function setInternetHeader(item: ComposeItem, name: string, value: string): Promise<void> {
  return officeCall<void>('headers', (callback) => item.internetHeaders.setAsync({ [name]: value }, callback));
}

export async function saveCustomProperties(item: ComposeItem, values: Record<string, string>): Promise<void> {
  const properties = await officeCall<Office.CustomProperties>('customProperties', (callback) =>
    item.loadCustomPropertiesAsync(callback),
  );
  for (const [name, value] of Object.entries(values)) properties.set(name, value);
  await officeCall<void>('customProperties', (callback) => properties.saveAsync(callback));
}

export async function loadCustomProperty(item: ComposeItem, name: string): Promise<string | null> {
  const properties = await officeCall<Office.CustomProperties>('customProperties', (callback) =>
    item.loadCustomPropertiesAsync(callback),
  );
  const value = properties.get(name) as unknown;
  return typeof value === 'string' ? value : null;
}
