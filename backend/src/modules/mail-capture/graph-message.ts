// A message as Graph reads it, and what the mail module files of it: shared by the mail sync
// (messages.resource.ts) and filing by reference (mail-filing), so both store the same mail.
import { fileAttachmentsOf } from '../graph-sync/graph-attachments.ts';
import type { MailboxGraph } from '../graph-sync/graph-client.ts';
import type { AttachmentInput, FileMailInput } from '../mail/mail.service.ts';

/** What is read of each message: enough to decide and to file, nothing more. */
export const MESSAGE_FIELDS = [
  'internetMessageId',
  'conversationId',
  'subject',
  'from',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'body',
  'isDraft',
];

export interface GraphAddress {
  emailAddress?: { address?: string | null; name?: string | null } | null;
}

export interface GraphMessage {
  id: string;
  internetMessageId?: string | null;
  conversationId?: string | null;
  subject?: string | null;
  from?: GraphAddress | null;
  toRecipients?: GraphAddress[] | null;
  ccRecipients?: GraphAddress[] | null;
  bccRecipients?: GraphAddress[] | null;
  receivedDateTime?: string | null;
  sentDateTime?: string | null;
  hasAttachments?: boolean;
  isDraft?: boolean;
  body?: { contentType?: string; content?: string } | null;
  internetMessageHeaders?: { name?: string; value?: string }[] | null;
  singleValueExtendedProperties?: { id: string; value: string }[];
  '@removed'?: unknown;
}

/** An address as the CRM compares it: trimmed, lower case ('' when Graph names none). */
export const addressOf = (entry: GraphAddress | null | undefined) =>
  entry?.emailAddress?.address?.trim().toLowerCase() ?? '';

const named = (entries: GraphAddress[] | null | undefined) =>
  (entries ?? [])
    .filter((entry) => addressOf(entry) !== '')
    .map((entry) => ({ address: addressOf(entry), name: entry.emailAddress?.name ?? null }));

/** A message's internet headers by name (Graph gives them only when asked for internetMessageHeaders). */
export function headersOf(message: GraphMessage): Record<string, string> {
  return Object.fromEntries(
    (message.internetMessageHeaders ?? [])
      .filter((header) => header.name && header.value !== undefined)
      .map((header) => [header.name as string, header.value as string]),
  );
}

/** A message's file attachments; attached mails and calendar items and links without bytes are not documents. */
export async function attachmentsOf(graph: MailboxGraph, message: GraphMessage): Promise<AttachmentInput[]> {
  if (!message.hasAttachments) return [];
  return fileAttachmentsOf(graph, { kind: 'messages', id: message.id });
}

/** The mail to file of a message: its addresses, times and body (a sent mail's bcc is its sender's to know). */
export function mailOf(
  message: GraphMessage,
  attachments: AttachmentInput[],
): Omit<FileMailInput, 'links' | 'internetMessageId'> {
  const html = message.body?.contentType?.toLowerCase() === 'html';
  return {
    conversationId: message.conversationId ?? null,
    subject: message.subject ?? '',
    from: { address: addressOf(message.from), name: message.from?.emailAddress?.name ?? null },
    to: named(message.toRecipients),
    cc: named(message.ccRecipients),
    bcc: named(message.bccRecipients),
    sentAt: message.sentDateTime ?? null,
    receivedAt: message.receivedDateTime ?? null,
    bodyHtml: html ? (message.body?.content ?? null) : null,
    bodyText: html ? null : (message.body?.content ?? null),
    attachments,
  };
}
