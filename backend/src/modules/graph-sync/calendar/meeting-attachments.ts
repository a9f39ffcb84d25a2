// Meeting attachments (Y4): the files attached to an Outlook event that became an activity go into the
// documents of the records the activity is linked to, by the documents' rules (file policy, versions
// by name, same bytes once), each attachment once however often delta brings the event again (the
// event's pair remembers what it took); one attached later comes later. Inline images (part of the
// body) and attached Outlook items are no documents. A file the documents do not take (too large, a
// kind the file policy refuses) is left out, and the calendar's sync health says so.
import { AppError } from '../../../http/errors.ts';
import type { Principal } from '../../../http/principal.ts';
import { jobServicesOf } from '../../../jobs/job-services.ts';
import { linksOf } from '../../../records/record-links.ts';
import { PostgresBlobStore } from '../../../storage/blob-store.ts';
import { putFile } from '../../documents/documents.service.ts';
import { visibleRecords } from '../../documents/record-access.ts';
import { fetchFileAttachment, listFileAttachments } from '../graph-attachments.ts';
import { GraphRequestError, type MailboxGraph } from '../graph-client.ts';
import { MailboxConnection } from '../graph-sync.entity.ts';
import type { SyncContext } from '../resource.ts';
import type { EventLink } from './event-link.entity.ts';

export interface MeetingAttachment {
  id: string;
  name: string;
  contentType: string | null;
  /** Null: larger than the documents take, so not even fetched. */
  bytes: Buffer | null;
}

/** Graph's size of an attachment counts a little more than the file: a file near the limit is fetched and measured. */
const SIZE_ALLOWANCE = 64 * 1024;

const gone = (error: unknown) => error instanceof GraphRequestError && error.status === 404;

/**
 * The file attachments of each event not taken yet (`taken` by event id), fetched before the page's
 * transaction opens (a throttled Graph may keep us waiting). An event or attachment gone meanwhile
 * is skipped: the next delta tells.
 */
export async function fetchNewAttachments(
  graph: MailboxGraph,
  taken: Map<string, ReadonlySet<string>>,
  maxBytes: number,
): Promise<Map<string, MeetingAttachment[]>> {
  const fetched = new Map<string, MeetingAttachment[]>();
  for (const [eventId, known] of taken) {
    const event = { kind: 'events' as const, id: eventId };
    let listed: Awaited<ReturnType<typeof listFileAttachments>>;
    try {
      listed = await listFileAttachments(graph, event);
    } catch (error) {
      if (gone(error)) continue;
      throw error;
    }
    const attachments: MeetingAttachment[] = [];
    for (const attachment of listed.filter((entry) => !entry.isInline && !known.has(entry.id))) {
      const { id, name, contentType, size } = attachment;
      if (size !== null && size > maxBytes + SIZE_ALLOWANCE) {
        attachments.push({ id, name, contentType, bytes: null });
        continue;
      }
      try {
        const file = await fetchFileAttachment(graph, event, id);
        attachments.push({ id, name, contentType, bytes: Buffer.from(file.contentBase64 ?? '', 'base64') });
      } catch (error) {
        if (!gone(error)) throw error;
      }
    }
    fetched.set(eventId, attachments);
  }
  return fetched;
}

/** Tells the mailbox's sync health of a file left out; the run goes on. */
async function leftOut(
  ctx: SyncContext,
  code: 'meeting_attachment_too_large' | 'meeting_attachment_refused',
  detail: string,
): Promise<void> {
  jobServicesOf(ctx.em).logger.warn(
    { tenantId: ctx.tenantId, connectionId: ctx.connectionId, code },
    'a meeting attachment was not stored as a document',
  );
  const connection = await ctx.em.findOne(MailboxConnection, { id: ctx.connectionId });
  if (!connection) return;
  connection.lastErrorCode = code;
  connection.lastErrorAt = new Date();
  connection.lastErrorDetail = detail.slice(0, 2000);
}

/**
 * Takes an event's new attachments into the documents of the records its activity is linked to (those
 * that exist and the mailbox's user sees), and remembers them in the event's pair. The caller flushes.
 */
export async function takeAttachments(
  ctx: SyncContext,
  principal: Principal,
  link: EventLink,
  attachments: readonly MeetingAttachment[],
): Promise<void> {
  const taken = new Set(link.attachmentIds ?? []);
  const fresh = attachments.filter((attachment) => !taken.has(attachment.id));
  if (fresh.length === 0) {
    link.attachmentIds ??= [];
    return;
  }
  const activityId = link.activity.id;
  const linked = (await linksOf(ctx.em, 'activity', [activityId])).get(activityId) ?? [];
  const visible = await visibleRecords(ctx.em, principal, linked);
  const records = linked.filter((record) => visible.has(`${record.type}:${record.id}`));
  // Nothing to put them on yet: they are taken when the meeting is linked to a record and changes again.
  if (records.length === 0) return;
  const { documentMaxBytes } = jobServicesOf(ctx.em).config;
  const store = new PostgresBlobStore();
  for (const attachment of fresh) {
    taken.add(attachment.id);
    if (attachment.bytes === null || attachment.bytes.length > documentMaxBytes) {
      await leftOut(
        ctx,
        'meeting_attachment_too_large',
        `"${attachment.name}" of activity ${activityId} is larger than DOCUMENT_MAX_BYTES (${documentMaxBytes})`,
      );
      continue;
    }
    try {
      await putFile(
        ctx.em,
        principal,
        store,
        records,
        { name: attachment.name, declaredType: attachment.contentType, bytes: attachment.bytes },
        `#/attachments/${attachment.id}`,
        { activityId },
      );
    } catch (error) {
      // The file policy refuses before anything is written.
      if (!(error instanceof AppError)) throw error;
      await leftOut(ctx, 'meeting_attachment_refused', `"${attachment.name}" of activity ${activityId}: ${error.code}`);
    }
  }
  link.attachmentIds = [...taken];
}
