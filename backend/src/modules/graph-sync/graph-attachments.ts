// The file attachments of an Outlook item (a mail, an event) as Graph reads them, shared by the mail
// capture and the calendar sync. Attached Outlook items (itemAttachment) and links without bytes
// (referenceAttachment) are not files and are left out.
import type { MailboxGraph } from './graph-client.ts';

export interface OutlookFileAttachment {
  /** Graph's id of the attachment, stable while it stays on its item. */
  id: string;
  name: string;
  contentType: string | null;
  /** As Graph counts it (a little more than the file's bytes). */
  size: number | null;
  isInline: boolean;
  contentId: string | null;
  /** The file base64-encoded; null where only the list was read. */
  contentBase64: string | null;
}

interface GraphAttachment {
  '@odata.type'?: string;
  id?: string;
  name?: string;
  contentType?: string | null;
  size?: number | null;
  isInline?: boolean;
  contentId?: string | null;
  contentBytes?: string | null;
}

/** What is read of each attachment when only the list is wanted (not its bytes). */
const LISTED = ['id', 'name', 'contentType', 'size', 'isInline'];

const isFile = (attachment: GraphAttachment) => attachment['@odata.type'] === '#microsoft.graph.fileAttachment';

const fileOf = (attachment: GraphAttachment): OutlookFileAttachment => ({
  id: attachment.id ?? '',
  name: attachment.name || 'attachment',
  contentType: attachment.contentType ?? null,
  size: attachment.size ?? null,
  isInline: attachment.isInline ?? false,
  contentId: attachment.contentId ?? null,
  contentBase64: attachment.contentBytes ?? null,
});

/** `messages/{id}` or `events/{id}` of the mailbox, its attachments' collection. */
const attachmentsUrl = (graph: MailboxGraph, item: { kind: 'messages' | 'events'; id: string }) =>
  `${graph.base}/${item.kind}/${encodeURIComponent(item.id)}/attachments`;

/** Every file attachment of an item with its bytes, in one request. */
export async function fileAttachmentsOf(
  graph: MailboxGraph,
  item: { kind: 'messages' | 'events'; id: string },
): Promise<OutlookFileAttachment[]> {
  const answer = await graph.get<{ value?: GraphAttachment[] }>(attachmentsUrl(graph, item));
  return (answer.value ?? []).filter((attachment) => isFile(attachment) && attachment.contentBytes).map(fileOf);
}

/** The file attachments of an item without their bytes: what is there, to fetch only what is new. */
export async function listFileAttachments(
  graph: MailboxGraph,
  item: { kind: 'messages' | 'events'; id: string },
): Promise<OutlookFileAttachment[]> {
  const answer = await graph.get<{ value?: GraphAttachment[] }>(
    `${attachmentsUrl(graph, item)}?$select=${LISTED.join(',')}`,
  );
  return (answer.value ?? []).filter((attachment) => isFile(attachment) && attachment.id).map(fileOf);
}

/** One file attachment with its bytes. */
export async function fetchFileAttachment(
  graph: MailboxGraph,
  item: { kind: 'messages' | 'events'; id: string },
  attachmentId: string,
): Promise<OutlookFileAttachment> {
  return fileOf(await graph.get<GraphAttachment>(`${attachmentsUrl(graph, item)}/${encodeURIComponent(attachmentId)}`));
}
