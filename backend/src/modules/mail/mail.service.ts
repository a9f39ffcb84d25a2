// Filed mail (E1): a mail is stored once per tenant (its internet message id is the key), its
// attachments become its documents, and it is linked through record_link (item_type 'mail') to
// any number of records, each of which learns of it in its history. Filing again only adds links.
// Mail ids are UUIDv7 stamped with the mail's own date, so a record's mails come newest first
// straight from the link index.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { v7 } from 'uuid';
import { AppError, formatBytes } from '../../http/errors.ts';
import { decodeCursor, encodeCursor } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { noSuch, problem } from '../../http/problems.ts';
import { writeHistory } from '../../records/audit.ts';
import { recordHistory, recordPutOn } from '../../records/history.ts';
import type { OverviewSection } from '../../records/overview.ts';
import {
  addLinks,
  distinctLinks,
  linkableTarget,
  linkableTypes,
  linksOf,
  type RecordRef,
} from '../../records/record-links.ts';
import { indexNewRecords, indexRecord, type SearchDocument, unindexRecord } from '../../records/search-index.ts';
import { currentTenantId, db, jsonb } from '../../records/sql.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { foldText } from '../contacts/matching.ts';
import {
  type DocumentView,
  documentsOfMails,
  linkMailDocuments,
  type MailAttachmentInput,
  storeMailAttachments,
} from '../documents/documents.service.ts';
import {
  type LinkedRecord,
  requireVisibleLinks,
  requireVisibleRecord,
  visibleRecords,
  withTitles,
} from '../documents/record-access.ts';
import { tooLarge } from '../documents/upload.ts';
import { type MailAddress, normalizeAddress, normalizeAddresses } from './addresses.ts';
import { htmlToText, sanitizeMailHtml } from './mail-html.ts';
import {
  getPendingLinks,
  markPendingApplied,
  type PendingLinks,
  pendingLinksFor,
  savePendingLinks,
  trackingIdsIn,
} from './mail-links.service.ts';
import { mentionsReference, recordsReferencedIn } from './references.service.ts';

export const MAIL = 'mail';
/** Largest HTML or text body of a mail, in bytes (UTF-8). */
export const MAIL_BODY_MAX_BYTES = 5 * 1024 * 1024;
/** Folded text of a mail that goes into its search document (tsvector values stay under 1 MB). */
const SEARCH_TEXT_MAX = 300_000;

export interface MailDeps {
  store: BlobStore;
  /** Largest attachment, in bytes (the document limit). */
  documentMaxBytes: number;
}

interface AddressInput {
  address: string;
  name?: string | null | undefined;
}

export interface AttachmentInput {
  name: string;
  contentType?: string | null | undefined;
  size?: number | null | undefined;
  isInline: boolean;
  contentId?: string | null | undefined;
  contentBase64?: string | null | undefined;
  cloudUrl?: string | null | undefined;
}

export interface FileMailInput {
  internetMessageId?: string | null | undefined;
  conversationId?: string | null | undefined;
  subject?: string | null | undefined;
  from: AddressInput;
  to: AddressInput[];
  cc: AddressInput[];
  /** Known for mail sent from the CRM or from the filer's own mailbox. */
  bcc?: AddressInput[] | undefined;
  sentAt?: string | null | undefined;
  receivedAt?: string | null | undefined;
  bodyHtml?: string | null | undefined;
  bodyText?: string | null | undefined;
  attachments: AttachmentInput[];
  links: RecordRef[];
  internetHeaders?: Record<string, string> | undefined;
}

export interface MailFiling {
  id: string;
  internetMessageId: string;
  conversationId: string | null;
  subject: string;
  /** Every record the mail is filed to. */
  links: LinkedRecord[];
  attachments: DocumentView[];
}

export interface MailView extends MailFiling {
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  /** Only for the one who filed it (for sent mail: the sender); absent for everyone else. */
  bcc?: MailAddress[];
  sentAt: string | null;
  receivedAt: string | null;
  /** Sanitized HTML (allow-list), never the raw body. */
  bodyHtml: string | null;
  bodyText: string | null;
  filedBy: string | null;
  filedByName: string | null;
  filedAt: string;
}

export interface MailSummary {
  id: string;
  subject: string;
  from: MailAddress;
  sentAt: string | null;
  receivedAt: string | null;
  snippet: string;
  attachmentCount: number;
  filedAt: string;
}

const iso = (value: string | Date | null) => (value === null ? null : new Date(value).toISOString());
const key = (ref: RecordRef) => `${ref.type}:${ref.id}`;

/** A UUIDv7 whose time is the mail's date (clamped to the epoch … tomorrow). */
function mailIdFor(date: Date): string {
  const msecs = Math.min(Math.max(date.getTime(), 0), Date.now() + 86_400_000);
  return v7({ msecs });
}

// ---- the problems a filing can meet ------------------------------------------------------------

const draftNotSent = () => problem('mail_not_sent', {}, { at: { pointer: '#/internetMessageId' } });

const noLinks = () => problem('no_links', {}, { at: { pointer: '#/links' } });

function checkBodySize(text: string | null | undefined, pointer: string): void {
  if (text && Buffer.byteLength(text, 'utf8') > MAIL_BODY_MAX_BYTES) {
    throw problem(
      'mail_body_too_large',
      { limit: formatBytes(MAIL_BODY_MAX_BYTES) },
      { at: { pointer }, extensions: { limitBytes: MAIL_BODY_MAX_BYTES } },
    );
  }
}

/** Base64 as MIME writes it too: line breaks and spaces are allowed and skipped. */
const BASE64 = /^[A-Za-z0-9+/\s]*(?:=\s*){0,2}$/;

/** Checks every attachment's content and size before anything is written. */
function decodeAttachments(attachments: readonly AttachmentInput[], maxBytes: number): MailAttachmentInput[] {
  return attachments.map((attachment, index) => {
    const pointer = `#/attachments/${index}`;
    const common = {
      name: attachment.name,
      declaredType: attachment.contentType ?? null,
      isInline: attachment.isInline,
      contentId: attachment.contentId?.replace(/^<|>$/g, '') || null,
      pointer,
    };
    if (attachment.cloudUrl) return { ...common, content: { cloudUrl: attachment.cloudUrl } };
    const encoded = attachment.contentBase64 ?? '';
    if (!BASE64.test(encoded)) {
      throw problem(
        'invalid_base64',
        { index, name: attachment.name },
        { at: { pointer: `${pointer}/contentBase64` } },
      );
    }
    // The request's own limit bounds what is decoded here.
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.length > maxBytes)
      throw tooLarge(
        { en: `Attachment "${attachment.name}"`, de: `Der Anhang „${attachment.name}“` },
        maxBytes,
        pointer,
      );
    return { ...common, content: { bytes } };
  });
}

function checkLinkTypes(links: readonly RecordRef[], pointer: string): void {
  const index = links.findIndex((link) => !linkableTarget(link.type));
  if (index >= 0) {
    throw problem(
      'unknown_record_type',
      { type: links[index]?.type ?? '', types: linkableTypes() },
      { at: { pointer: `${pointer}/${index}/type` } },
    );
  }
}

// ---- search -----------------------------------------------------------------------------------

const displayOf = (address: MailAddress) => (address.name ? `${address.name} <${address.address}>` : address.address);

function mailSearchDocument(mail: {
  id: string;
  subject: string;
  from: MailAddress;
  to: readonly MailAddress[];
  cc: readonly MailAddress[];
  text: string;
}): SearchDocument {
  const people = [mail.from, ...mail.to, ...mail.cc].flatMap((entry) => [entry.name ?? '', entry.address]);
  return {
    type: MAIL,
    id: mail.id,
    title: mail.subject || '(ohne Betreff)',
    subtitle: displayOf(mail.from),
    normalized: foldText(mail.subject),
    phonetic: [],
    // Addresses stay out of the array the email lookup and duplicate check probe: they find
    // contacts, not mails. Full text still finds mail by address.
    emails: [],
    phones: [],
    postalCodes: [],
    vatId: null,
    body: foldText(`${people.join(' ')} ${mail.text}`).slice(0, SEARCH_TEXT_MAX),
  };
}

export async function indexStoredMail(em: EntityManager, id: string): Promise<void> {
  const row = await db(em)
    .selectFrom('mail')
    .select(['subject', 'from_address', 'from_name', 'to_recipients', 'cc_recipients', 'body_text'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return;
  await indexRecord(
    em,
    mailSearchDocument({
      id,
      subject: row.subject,
      from: { address: row.from_address, name: row.from_name },
      to: row.to_recipients,
      cc: row.cc_recipients,
      text: row.body_text ?? '',
    }),
  );
}

// ---- filing -----------------------------------------------------------------------------------

/** Stores new mails in one statement; answers the ids of those not filed already (by anyone). */
function insertMails(
  em: EntityManager,
  principal: Principal,
  mails: readonly {
    id: string;
    internetMessageId: string;
    conversationId: string | null;
    subject: string;
    from: MailAddress;
    to: MailAddress[];
    cc: MailAddress[];
    bcc?: MailAddress[] | undefined;
    sentAt?: string | null | undefined;
    receivedAt?: string | null | undefined;
    bodyHtml: string | null;
    bodyText: string | null;
  }[],
) {
  return db(em)
    .insertInto('mail')
    .values(
      mails.map((mail) => ({
        id: mail.id,
        tenant_id: principal.tenantId,
        internet_message_id: mail.internetMessageId,
        conversation_id: mail.conversationId,
        subject: mail.subject,
        from_address: mail.from.address,
        from_name: mail.from.name,
        to_recipients: jsonb(mail.to),
        cc_recipients: jsonb(mail.cc),
        bcc_recipients: jsonb(mail.bcc ?? []),
        sent_at: mail.sentAt ? new Date(mail.sentAt) : null,
        received_at: mail.receivedAt ? new Date(mail.receivedAt) : null,
        body_html: mail.bodyHtml,
        body_text: mail.bodyText,
        snippet: (mail.bodyText ?? '').replace(/\s+/g, ' ').trim().slice(0, 300),
        created_by: principal.userId ?? null,
        updated_by: principal.userId ?? null,
        version: 1,
      })),
    )
    .onConflict((conflict) => conflict.columns(['tenant_id', 'internet_message_id']).doNothing())
    .returning('id')
    .execute();
}

/** Links a stored mail (and its attachments) to records it is not on yet; answers those added. */
async function linkStoredMail(
  em: EntityManager,
  principal: Principal,
  mail: { id: string; subject: string },
  links: readonly RecordRef[],
): Promise<RecordRef[]> {
  const current = new Set(((await linksOf(em, MAIL, [mail.id])).get(mail.id) ?? []).map(key));
  const added = links.filter((link) => !current.has(key(link)));
  await addLinks(em, { type: MAIL, id: mail.id }, added);
  await linkMailDocuments(em, mail.id, added, true);
  recordPutOn(em, principal, added, 'mails', { id: mail.id, subject: mail.subject });
  return added;
}

/**
 * Files a mail to records. The first filing stores it with its attachments (201); filing it
 * again, by anyone, only adds the links it does not have yet (200). Links come from the request,
 * from a CRM reference in the subject and from links remembered for its draft.
 */
export async function fileMail(
  em: EntityManager,
  principal: Principal,
  deps: MailDeps,
  input: FileMailInput,
): Promise<MailFiling & { created: boolean; addedLinks: RecordRef[] }> {
  const internetMessageId = input.internetMessageId?.trim();
  if (!internetMessageId) throw draftNotSent();
  checkBodySize(input.bodyHtml, '#/bodyHtml');
  checkBodySize(input.bodyText, '#/bodyText');
  const attachments = decodeAttachments(input.attachments, deps.documentMaxBytes);
  const requested = distinctLinks(input.links);
  await requireVisibleLinks(em, principal, requested);

  const subject = (input.subject ?? '').trim();
  const trackingIds = trackingIdsIn(input.internetHeaders ?? {});
  const mailDate = new Date(input.sentAt ?? input.receivedAt ?? Date.now());
  const conversationId = input.conversationId?.trim() || null;
  const pending = await pendingLinksFor(em, { trackingIds, internetMessageId, conversationId, sentAt: mailDate });
  const found = [...(await recordsReferencedIn(em, subject)), ...pending.links];
  // What the subject or a draft brings is followed only to records that exist and the caller sees.
  const visible = found.length > 0 ? await visibleRecords(em, principal, found) : new Set<string>();
  const links = distinctLinks([...requested, ...found.filter((link) => visible.has(key(link)))]);
  if (links.length === 0) throw noLinks();

  const existing = () =>
    db(em)
      .selectFrom('mail')
      .select(['id', 'subject', 'deleted_at'])
      .where('tenant_id', '=', currentTenantId)
      .where('internet_message_id', '=', internetMessageId)
      .executeTakeFirst();
  let stored = await existing();
  let created = false;
  let added: RecordRef[] = [];
  const from = normalizeAddress(input.from);
  const to = normalizeAddresses(input.to);
  const cc = normalizeAddresses(input.cc);
  if (!stored) {
    const bodyHtml = input.bodyHtml ? sanitizeMailHtml(input.bodyHtml) : null;
    const bodyText = input.bodyText?.trim() || (bodyHtml ? htmlToText(bodyHtml) : null);
    const id = mailIdFor(mailDate);
    const inserted = await insertMails(em, principal, [
      {
        id,
        internetMessageId,
        conversationId,
        subject,
        from,
        to,
        cc,
        bcc: normalizeAddresses(input.bcc ?? []),
        sentAt: input.sentAt,
        receivedAt: input.receivedAt,
        bodyHtml,
        bodyText,
      },
    ]);
    if (inserted.length > 0) {
      created = true;
      await storeMailAttachments(em, principal, deps.store, id, attachments, links);
      await addLinks(em, { type: MAIL, id }, links);
      recordHistory(em, principal, {
        type: MAIL,
        id,
        action: 'create',
        after: { internetMessageId, subject, from: from.address, attachments: attachments.length },
      });
      recordPutOn(em, principal, links, 'mails', { id, subject });
      await indexRecord(em, mailSearchDocument({ id, subject, from, to, cc, text: bodyText ?? '' }));
      stored = { id, subject, deleted_at: null };
      added = links;
    } else {
      // Filed by someone else a moment ago: their transaction has committed, we add our links.
      stored = await existing();
    }
  }
  const mail = stored as { id: string; subject: string; deleted_at: Date | null };
  if (!created) {
    if (mail.deleted_at) {
      await db(em)
        .updateTable('mail')
        .set({ deleted_at: null, deleted_by: null, updated_at: sql<Date>`now()` })
        .where('id', '=', mail.id)
        .execute();
      await indexStoredMail(em, mail.id);
    }
    added = await linkStoredMail(em, principal, mail, links);
  }
  await markPendingApplied(em, pending.trackingIds, mail.id);
  await em.flush();
  return { ...(await filingOf(em, mail.id)), created, addedLinks: added };
}

/** A mail of a bulk filing: its input (links visible to the filer already), and the caller's own key. */
export interface BulkMailInput<K> {
  key: K;
  input: FileMailInput & { internetMessageId: string };
}

/**
 * Files many mails as fileMail files each one, in a few statements for all: the common case (a new
 * mail, no attachments, no CRM reference in its subject, no links remembered for its draft or
 * conversation) is written with multi-row inserts; every other mail goes through fileMail in a
 * savepoint of its own. The links must be visible to `principal` (the caller checked them for all).
 * Answers each filed mail's id by key; a mail the mail module refuses (AppError) is in `refused`.
 */
export async function fileMailsInBulk<K>(
  em: EntityManager,
  principal: Principal,
  deps: MailDeps,
  mails: readonly BulkMailInput<K>[],
): Promise<{ filed: Map<K, string>; refused: { key: K; error: unknown }[] }> {
  const filed = new Map<K, string>();
  const refused: { key: K; error: unknown }[] = [];
  const wanted = mails.filter((mail) => mail.input.links.length > 0);
  if (wanted.length === 0) return { filed, refused };
  const messageIds = wanted.map((mail) => mail.input.internetMessageId.trim());
  const conversationIds = [
    ...new Set(wanted.map((mail) => mail.input.conversationId?.trim()).filter((id): id is string => !!id)),
  ];
  const [stored, pending] = await Promise.all([
    db(em)
      .selectFrom('mail')
      .select('internet_message_id')
      .where('tenant_id', '=', principal.tenantId)
      .where('internet_message_id', 'in', messageIds)
      .execute(),
    db(em)
      .selectFrom('pending_mail_link')
      .select(['internet_message_id', 'conversation_id'])
      .where('tenant_id', '=', principal.tenantId)
      .where('applied_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('internet_message_id', 'in', messageIds),
          ...(conversationIds.length > 0 ? [eb('conversation_id', 'in', conversationIds)] : []),
        ]),
      )
      .execute(),
  ]);
  const special = new Set<string>([
    ...stored.map((row) => row.internet_message_id),
    ...pending.flatMap((row) => (row.internet_message_id ? [row.internet_message_id] : [])),
  ]);
  const pendingConversations = new Set(pending.flatMap((row) => (row.conversation_id ? [row.conversation_id] : [])));
  const slow: BulkMailInput<K>[] = [];
  const fast: {
    mail: BulkMailInput<K>;
    row: {
      id: string;
      internetMessageId: string;
      subject: string;
      from: MailAddress;
      to: MailAddress[];
      cc: MailAddress[];
      bcc: MailAddress[];
      bodyText: string | null;
      bodyHtml: string | null;
      links: RecordRef[];
    };
  }[] = [];
  const seen = new Set<string>();
  for (const mail of wanted) {
    const { input } = mail;
    const internetMessageId = input.internetMessageId.trim();
    const subject = (input.subject ?? '').trim();
    if (
      seen.has(internetMessageId) ||
      special.has(internetMessageId) ||
      pendingConversations.has(input.conversationId?.trim() ?? '') ||
      input.attachments.length > 0 ||
      Object.keys(input.internetHeaders ?? {}).length > 0 ||
      mentionsReference(subject)
    ) {
      slow.push(mail);
      continue;
    }
    seen.add(internetMessageId);
    try {
      checkBodySize(input.bodyHtml, '#/bodyHtml');
      checkBodySize(input.bodyText, '#/bodyText');
    } catch (error) {
      refused.push({ key: mail.key, error });
      continue;
    }
    const bodyHtml = input.bodyHtml ? sanitizeMailHtml(input.bodyHtml) : null;
    const bodyText = input.bodyText?.trim() || (bodyHtml ? htmlToText(bodyHtml) : null);
    fast.push({
      mail,
      row: {
        id: mailIdFor(new Date(input.sentAt ?? input.receivedAt ?? Date.now())),
        internetMessageId,
        subject,
        from: normalizeAddress(input.from),
        to: normalizeAddresses(input.to),
        cc: normalizeAddresses(input.cc),
        bcc: normalizeAddresses(input.bcc ?? []),
        bodyHtml,
        bodyText,
        links: distinctLinks(input.links),
      },
    });
  }
  if (fast.length > 0) {
    const inserted = await insertMails(
      em,
      principal,
      fast.map(({ mail: { input }, row }) => ({
        ...row,
        conversationId: input.conversationId?.trim() || null,
        sentAt: input.sentAt,
        receivedAt: input.receivedAt,
      })),
    );
    const created = new Set(inserted.map((row) => row.id));
    const written = fast.filter(({ row }) => created.has(row.id));
    // Filed by someone else a moment ago: fileMail adds our links to theirs.
    slow.push(...fast.filter(({ row }) => !created.has(row.id)).map(({ mail }) => mail));
    const links = written.flatMap(({ row }) => row.links.map((link) => ({ mail: row.id, link })));
    if (links.length > 0) {
      await db(em)
        .insertInto('record_link')
        .values(
          links.map(({ mail, link }) => ({
            tenant_id: principal.tenantId,
            item_type: MAIL,
            item_id: mail,
            record_type: link.type,
            record_id: link.id,
          })),
        )
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    }
    // History and search in one statement each, as fileMail writes them one mail at a time.
    await writeHistory(
      em,
      written.flatMap(({ row }) => [
        {
          type: MAIL,
          id: row.id,
          action: 'create' as const,
          after: {
            internetMessageId: row.internetMessageId,
            subject: row.subject,
            from: row.from.address,
            attachments: 0,
          },
        },
        ...row.links.map((link) => ({
          type: link.type,
          id: link.id,
          action: 'update' as const,
          before: { mails: null },
          after: { mails: { id: row.id, subject: row.subject } },
        })),
      ]),
    );
    await indexNewRecords(
      em,
      written.map(({ row }) =>
        mailSearchDocument({
          id: row.id,
          subject: row.subject,
          from: row.from,
          to: row.to,
          cc: row.cc,
          text: row.bodyText ?? '',
        }),
      ),
    );
    for (const { mail, row } of written) filed.set(mail.key, row.id);
  }
  // Written before any savepoint below, which could otherwise take them along when it rolls back.
  await em.flush();
  for (const mail of slow) {
    try {
      // A savepoint: a mail the mail module refuses (too large, a program attached) leaves nothing behind.
      const one = await em.transactional((tx) => fileMail(tx, principal, deps, mail.input));
      filed.set(mail.key, one.id);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refused.push({ key: mail.key, error });
    }
  }
  await em.flush();
  return { filed, refused };
}

/** Where a mail is filed and what came with it. */
async function filingOf(em: EntityManager, id: string): Promise<MailFiling> {
  const row = await db(em)
    .selectFrom('mail')
    .select(['internet_message_id', 'conversation_id', 'subject'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw problem('not_found', { noSuch: noSuch('mail'), id });
  const links = (await linksOf(em, MAIL, [id])).get(id) ?? [];
  return {
    id,
    internetMessageId: row.internet_message_id,
    conversationId: row.conversation_id,
    subject: row.subject,
    links: await withTitles(em, links),
    attachments: (await documentsOfMails(em, [id])).get(id) ?? [],
  };
}

/** Where the mail with this internet message id is filed: one item, or none when it is not. */
export async function filingsOf(em: EntityManager, internetMessageId: string): Promise<MailFiling[]> {
  const rows = await db(em)
    .selectFrom('mail')
    .select('id')
    .where('tenant_id', '=', currentTenantId)
    .where('internet_message_id', '=', internetMessageId.trim())
    .where('deleted_at', 'is', null)
    .execute();
  return Promise.all(rows.map((row) => filingOf(em, row.id)));
}

export async function getMail(em: EntityManager, principal: Principal, id: string): Promise<MailView> {
  const row = await db(em)
    .selectFrom('mail as m')
    .leftJoin('app_user as u', 'u.id', 'm.created_by')
    .select([
      'm.from_address',
      'm.from_name',
      'm.to_recipients',
      'm.cc_recipients',
      'm.bcc_recipients',
      'm.sent_at',
      'm.received_at',
      'm.body_html',
      'm.body_text',
      'm.created_by',
      'm.created_at',
      'u.display_name as filed_by_name',
    ])
    .where('m.id', '=', id)
    .where('m.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw problem('not_found', { noSuch: noSuch('filed_mail'), id });
  return {
    ...(await filingOf(em, id)),
    from: { address: row.from_address, name: row.from_name },
    to: row.to_recipients,
    cc: row.cc_recipients,
    ...(principal.userId !== undefined && row.created_by === principal.userId ? { bcc: row.bcc_recipients } : {}),
    sentAt: iso(row.sent_at),
    receivedAt: iso(row.received_at),
    bodyHtml: row.body_html,
    bodyText: row.body_text,
    filedBy: row.created_by,
    filedByName: row.filed_by_name ?? null,
    filedAt: iso(row.created_at) as string,
  };
}

const summaryOf = (row: Awaited<ReturnType<typeof mailsOn>>[number]): MailSummary => ({
  id: row.id,
  subject: row.subject,
  from: { address: row.from_address, name: row.from_name },
  sentAt: iso(row.sent_at),
  receivedAt: iso(row.received_at),
  snippet: row.snippet,
  attachmentCount: Number(row.attachment_count ?? 0),
  filedAt: iso(row.created_at) as string,
});

function mailsOn(em: EntityManager, record: RecordRef, limit: number, before?: string, counted = false) {
  return db(em)
    .selectFrom('record_link as l')
    .innerJoin('mail as m', 'm.id', 'l.item_id')
    .select((eb) => [
      'm.id',
      'm.subject',
      'm.from_address',
      'm.from_name',
      'm.sent_at',
      'm.received_at',
      'm.snippet',
      'm.created_at',
      eb
        .selectFrom('document as d')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('d.tenant_id', '=', currentTenantId)
        .whereRef('d.mail_id', '=', 'm.id')
        .where('d.is_inline', '=', false)
        .where('d.deleted_at', 'is', null)
        .as('attachment_count'),
    ])
    .$if(counted, (q) => q.select(sql<number>`count(*) over ()::int`.as('total')))
    .where('l.tenant_id', '=', currentTenantId)
    .where('l.record_type', '=', record.type)
    .where('l.record_id', '=', record.id)
    .where('l.item_type', '=', MAIL)
    .where('m.deleted_at', 'is', null)
    .$if(before !== undefined, (q) => q.where('l.item_id', '<', before as string))
    .orderBy('l.item_id', 'desc')
    .limit(limit)
    .execute();
}

/** A record's mails, newest first by the mails' own dates. */
export async function listMails(
  em: EntityManager,
  principal: Principal,
  record: RecordRef,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ items: MailSummary[]; nextCursor: string | null }> {
  await requireVisibleRecord(em, principal, record);
  const after = decodeCursor(options.cursor, 1) as [string] | undefined;
  const rows = await mailsOn(em, record, options.limit + 1, after?.[0]);
  const items = rows.slice(0, options.limit).map(summaryOf);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > options.limit && last ? encodeCursor([last.id]) : null };
}

/**
 * Takes a mail off records (whoever filed it, sales managers and admins). A mail on no record
 * any more goes to the trash and out of search; filing it again brings it back.
 */
export async function unfileMail(
  em: EntityManager,
  principal: Principal,
  id: string,
  links: readonly RecordRef[],
): Promise<MailFiling & { filed: boolean }> {
  const row = await db(em)
    .selectFrom('mail')
    .select(['subject', 'created_by'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw problem('not_found', { noSuch: noSuch('filed_mail'), id });
  checkLinkTypes(links, '#/links');
  const mayUnfile =
    principal.roles.has('admin') ||
    principal.roles.has('sales_manager') ||
    (principal.userId !== undefined && row.created_by === principal.userId);
  if (!mayUnfile) {
    throw problem('only_adder_or_manager', {
      did: { en: 'filed', de: 'abgelegt' },
      thing: { en: 'mail', de: 'die E-Mail' },
      action: { en: 'unfile it', de: 'sie aus der Ablage nehmen' },
    });
  }
  const removed =
    links.length === 0
      ? []
      : await db(em)
          .deleteFrom('record_link')
          .where('item_type', '=', MAIL)
          .where('item_id', '=', id)
          .where((eb) =>
            eb(
              eb.refTuple('record_type', 'record_id'),
              'in',
              links.map((link) => eb.tuple(link.type, link.id)),
            ),
          )
          .returning(['record_type', 'record_id'])
          .execute();
  const gone = removed.map((entry) => ({ type: entry.record_type, id: entry.record_id }));
  await linkMailDocuments(em, id, gone, false);
  for (const link of gone) {
    recordHistory(em, principal, {
      type: link.type,
      id: link.id,
      action: 'update',
      before: { mails: { id, subject: row.subject } },
      after: { mails: null },
    });
  }
  const left = (await linksOf(em, MAIL, [id])).get(id) ?? [];
  if (left.length === 0) {
    await db(em)
      .updateTable('mail')
      .set({ deleted_at: sql<Date>`now()`, deleted_by: principal.userId ?? null, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
    await unindexRecord(em, MAIL, id);
    recordHistory(em, principal, { type: MAIL, id, action: 'delete', before: { subject: row.subject } });
  }
  await em.flush();
  return { ...(await filingOf(em, id)), filed: left.length > 0 };
}

// ---- drafts (X2) ----------------------------------------------------------------------------------

/**
 * Remembers the records a draft is linked to under its tracking id. When the mail is filed
 * already (its internet message id is known), the links are added right away.
 */
export async function linkDraft(
  em: EntityManager,
  principal: Principal,
  input: {
    trackingId: string;
    conversationId?: string | null | undefined;
    internetMessageId?: string | null | undefined;
    links: RecordRef[];
  },
): Promise<{ pending: PendingLinks; created: boolean }> {
  const links = distinctLinks(input.links);
  await requireVisibleLinks(em, principal, links);
  const saved = await savePendingLinks(em, principal.userId ?? null, { ...input, links });
  const internetMessageId = input.internetMessageId?.trim();
  if (internetMessageId && links.length > 0) {
    const mail = await db(em)
      .selectFrom('mail')
      .select(['id', 'subject'])
      .where('tenant_id', '=', currentTenantId)
      .where('internet_message_id', '=', internetMessageId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (mail) {
      await linkStoredMail(em, principal, mail, links);
      await markPendingApplied(em, [input.trackingId], mail.id);
      await em.flush();
      return { pending: (await getPendingLinks(em, input.trackingId)) as PendingLinks, created: saved.created };
    }
  }
  return saved;
}

export async function draftLinks(em: EntityManager, trackingId: string): Promise<PendingLinks> {
  const pending = await getPendingLinks(em, trackingId);
  if (!pending) throw problem('no_pending_links', { id: trackingId });
  return pending;
}

// One query: the window counts every filed mail before the limit cuts the newest five.
export const mailsOverview: OverviewSection = async (em, _principal, record) => {
  const rows = await mailsOn(em, record, 5, undefined, true);
  return { count: rows[0]?.total ?? 0, newest: rows.map(summaryOf) };
};
