// The attachments of a message or an event: `…/attachments` (list, `$select`), `…/attachments/{id}`, and, where
// the item may be written, adding one (`POST`, as Outlook attaches a file) and removing one (`DELETE`).
import { randomUUID } from 'node:crypto';
import { badMethod, GraphError, type GraphReply, itemNotFound, selectFrom, selectionOf } from './graph-common.ts';
import { type FileAttachment, nowIso, type OutlookCall } from './graph-mailbox.ts';
import { answer, context } from './graph-outlook.ts';

/** Graph takes at most 3 MB in one POST of an attachment; larger files go through an upload session. */
const MAX_POSTED_BYTES = 3 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const newAttachmentId = (): string => `AAMkAGAtt${Buffer.from(randomUUID()).toString('base64url')}`;

/** A new file attachment from what a test or a client gives. */
export function fileAttachment(input: {
  name: string;
  contentType?: string | undefined;
  contentBytes: string;
  isInline?: boolean | undefined;
  contentId?: string | null | undefined;
  lastModifiedDateTime?: string | undefined;
}): FileAttachment {
  return {
    kind: 'file',
    id: newAttachmentId(),
    name: input.name,
    contentType: input.contentType ?? 'application/octet-stream',
    contentBytes: input.contentBytes,
    isInline: input.isInline ?? false,
    contentId: input.contentId ?? null,
    lastModifiedDateTime: input.lastModifiedDateTime ?? nowIso(),
  };
}

export function attachmentResource(attachment: FileAttachment): Record<string, unknown> {
  const size = Buffer.from(attachment.contentBytes, 'base64').length;
  if (attachment.kind === 'item') {
    return {
      '@odata.type': '#microsoft.graph.itemAttachment',
      id: attachment.id,
      lastModifiedDateTime: attachment.lastModifiedDateTime,
      name: attachment.name,
      contentType: null,
      size,
      isInline: false,
    };
  }
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': attachment.contentType,
    id: attachment.id,
    lastModifiedDateTime: attachment.lastModifiedDateTime,
    name: attachment.name,
    contentType: attachment.contentType,
    size,
    isInline: attachment.isInline,
    contentId: attachment.contentId,
    contentLocation: null,
    contentBytes: attachment.contentBytes,
  };
}

/** An attachment as a client POSTs it: a fileAttachment with its bytes, or an itemAttachment with its item. */
function postedAttachment(body: Record<string, unknown>): FileAttachment {
  const type = body['@odata.type'];
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (type === '#microsoft.graph.itemAttachment') {
    if (typeof body.item !== 'object' || body.item === null) {
      throw new GraphError(400, 'ErrorInvalidRequest', 'An itemAttachment needs the item it attaches.');
    }
    const item = body.item as Record<string, unknown>;
    return {
      ...fileAttachment({ name: name || String(item.subject ?? 'Item'), contentBytes: '' }),
      kind: 'item',
      // The item's own properties only count towards its size here.
      contentBytes: Buffer.from(JSON.stringify(item)).toString('base64'),
    };
  }
  if (type !== '#microsoft.graph.fileAttachment') {
    throw new GraphError(
      400,
      'ErrorInvalidRequest',
      "The attachment needs an '@odata.type' of '#microsoft.graph.fileAttachment' or '#microsoft.graph.itemAttachment'.",
    );
  }
  if (name === '') throw new GraphError(400, 'ErrorInvalidRequest', 'The attachment needs a name.');
  const bytes = typeof body.contentBytes === 'string' ? body.contentBytes.replace(/\s/g, '') : undefined;
  if (bytes === undefined || !BASE64.test(bytes)) {
    throw new GraphError(400, 'ErrorInvalidRequest', 'contentBytes must be the file base64-encoded.');
  }
  if (Buffer.from(bytes, 'base64').length > MAX_POSTED_BYTES) {
    throw new GraphError(
      413,
      'ErrorRequestEntityTooLarge',
      'The attachment is larger than 3 MB; attach it through an upload session (createUploadSession).',
    );
  }
  return fileAttachment({
    name,
    contentType: typeof body.contentType === 'string' && body.contentType !== '' ? body.contentType : undefined,
    contentBytes: bytes,
    isInline: body.isInline === true,
    contentId: typeof body.contentId === 'string' ? body.contentId : null,
  });
}

/** What an item's attachments route may change; none for an item whose attachments are read only here. */
export interface AttachmentWrites {
  /** Checks the caller may write the item (and its If-Match), before anything changes. */
  check(): void;
  add(attachment: FileAttachment): void;
  remove(attachment: FileAttachment): void;
}

/** `…/attachments` and `…/attachments/{id}` of one item; `contextPath` is the item's, e.g. `events('{id}')`. */
export function attachmentRoutes(
  call: OutlookCall,
  attachments: readonly FileAttachment[],
  contextPath: string,
  attachmentId: string | undefined,
  writes?: AttachmentWrites,
): GraphReply {
  if (attachmentId === undefined) {
    if (call.method === 'GET') {
      const select = selectionOf(call.query);
      return answer(call, {
        '@odata.context': context(call, `${contextPath}/attachments`),
        value: attachments.map((attachment) => selectFrom(attachmentResource(attachment), select)),
      });
    }
    if (call.method === 'POST' && writes) {
      writes.check();
      const attachment = postedAttachment(call.body());
      writes.add(attachment);
      return answer(
        call,
        { '@odata.context': context(call, `${contextPath}/attachments/$entity`), ...attachmentResource(attachment) },
        undefined,
        201,
      );
    }
    throw badMethod();
  }
  const attachment = attachments.find((entry) => entry.id === attachmentId);
  if (!attachment) throw itemNotFound();
  if (call.method === 'GET') {
    return answer(call, {
      '@odata.context': context(call, `${contextPath}/attachments/$entity`),
      ...selectFrom(attachmentResource(attachment), selectionOf(call.query)),
    });
  }
  if (call.method === 'DELETE' && writes) {
    writes.check();
    writes.remove(attachment);
    return { status: 204 };
  }
  throw badMethod();
}
