// Automatic filing (E2): the sync reads the message delta of a mail folder (inbox, sent items) of a
// connected mailbox and files every message the capture rules let through whose sender or a recipient
// is a known CRM address, through the mail module's fileMail (one stored mail per internetMessageId,
// attachments as documents), linked to the persons and their organizations; each filing is audited.
// A message the rules keep out is never stored: its body and attachments are not even fetched.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../http/errors.ts';
import { TRASH_FILTER } from '../../http/tenancy.ts';
import { jobServicesOf } from '../../jobs/job-services.ts';
import { distinctLinks, type RecordRef } from '../../records/record-links.ts';
import { PostgresBlobStore } from '../../storage/blob-store.ts';
import { BusinessContact } from '../contacts/contact.entity.ts';
import { lookupEmails } from '../contacts/lookup.service.ts';
import { visibleRecords } from '../documents/record-access.ts';
import { ownerPrincipal } from '../graph-sync/contacts/contacts.resource.ts';
import type { SyncContext, SyncResource } from '../graph-sync/resource.ts';
import { type AttachmentInput, fileMail } from '../mail/mail.service.ts';
import { type CaptureMessage, captureDecision, type Sensitivity } from './capture-decision.ts';
import type { CaptureFolder } from './capture-rules.schemas.ts';
import {
  captureRuleSet,
  readCaptureRules,
  rememberVerifiedDomains,
  userCaptureRuleSet,
} from './capture-rules.service.ts';
import { MailCaptureAudit } from './mail-capture-audit.entity.ts';

/** PidTagSensitivity as Graph reads a MAPI property: 0 normal, 1 personal, 2 private, 3 confidential. */
export const SENSITIVITY_PROPERTY = 'Integer 0x36';
const SENSITIVITIES: readonly Sensitivity[] = ['normal', 'personal', 'private', 'confidential'];
const DAY_MS = 24 * 3_600_000;
/** What the delta asks of each message: enough to decide and to file, nothing more. */
const MESSAGE_FIELDS = [
  'internetMessageId',
  'conversationId',
  'subject',
  'from',
  'toRecipients',
  'ccRecipients',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'body',
  'isDraft',
];

interface GraphAddress {
  emailAddress?: { address?: string | null; name?: string | null } | null;
}

interface GraphMessage {
  id: string;
  internetMessageId?: string | null;
  conversationId?: string | null;
  subject?: string | null;
  from?: GraphAddress | null;
  toRecipients?: GraphAddress[] | null;
  ccRecipients?: GraphAddress[] | null;
  receivedDateTime?: string | null;
  sentDateTime?: string | null;
  hasAttachments?: boolean;
  isDraft?: boolean;
  body?: { contentType?: string; content?: string } | null;
  singleValueExtendedProperties?: { id: string; value: string }[];
  '@removed'?: unknown;
}

interface GraphAttachment {
  '@odata.type'?: string;
  name?: string;
  contentType?: string | null;
  size?: number;
  isInline?: boolean;
  contentId?: string | null;
  contentBytes?: string;
}

const addressOf = (entry: GraphAddress | null | undefined) => entry?.emailAddress?.address?.trim().toLowerCase() ?? '';

function sensitivityOf(message: GraphMessage): Sensitivity {
  const property = message.singleValueExtendedProperties?.find(
    (entry) => entry.id.toLowerCase().replace(/0x0*/, '0x') === SENSITIVITY_PROPERTY.toLowerCase(),
  );
  return SENSITIVITIES[Number(property?.value ?? 0)] ?? 'private';
}

function captureMessageOf(message: GraphMessage, folder: CaptureFolder): CaptureMessage {
  return {
    folder,
    from: addressOf(message.from),
    to: (message.toRecipients ?? []).map(addressOf),
    cc: (message.ccRecipients ?? []).map(addressOf),
    receivedAt: new Date(message.receivedDateTime ?? message.sentDateTime ?? Date.now()),
    sensitivity: sensitivityOf(message),
  };
}

/** Each known address's records: its persons, their organizations, and the organizations it belongs to. */
async function recordsByAddress(em: EntityManager, addresses: readonly string[]): Promise<Map<string, RecordRef[]>> {
  const byAddress = new Map<string, RecordRef[]>();
  if (addresses.length === 0) return byAddress;
  const found = await lookupEmails(em, addresses);
  const personIds = [...new Set(found.flatMap((item) => item.persons.map((person) => person.id)))];
  const employers = new Map<string, string[]>();
  if (personIds.length > 0) {
    for (const contact of await em.find(BusinessContact, { person: { $in: personIds } })) {
      const personId = contact.person.id;
      employers.set(personId, [...(employers.get(personId) ?? []), contact.organization.id]);
    }
  }
  for (const item of found) {
    const links: RecordRef[] = [
      ...item.persons.flatMap((person) => [
        { type: 'person', id: person.id },
        ...(employers.get(person.id) ?? []).map((id) => ({ type: 'organization', id })),
      ]),
      ...item.businessContacts.flatMap((contact) => [
        { type: 'person', id: contact.personId },
        { type: 'organization', id: contact.organizationId },
      ]),
      ...item.organizations.map((organization) => ({ type: 'organization', id: organization.id })),
    ];
    if (links.length > 0) byAddress.set(item.email, distinctLinks(links));
  }
  return byAddress;
}

async function attachmentsOf(ctx: SyncContext, message: GraphMessage): Promise<AttachmentInput[]> {
  if (!message.hasAttachments) return [];
  const answer = await ctx.graph.get<{ value?: GraphAttachment[] }>(
    `${ctx.graph.base}/messages/${encodeURIComponent(message.id)}/attachments`,
  );
  // Attached mails and calendar items (itemAttachment) and links without bytes are not documents.
  return (answer.value ?? [])
    .filter((attachment) => attachment['@odata.type'] === '#microsoft.graph.fileAttachment' && attachment.contentBytes)
    .map((attachment) => ({
      name: attachment.name || 'attachment',
      contentType: attachment.contentType ?? null,
      size: attachment.size ?? null,
      isInline: attachment.isInline ?? false,
      contentId: attachment.contentId ?? null,
      contentBase64: attachment.contentBytes ?? null,
    }));
}

/** The tenant's verified domains, learnt from Graph at the start of a round (the default internal ones). */
async function learnVerifiedDomains(ctx: SyncContext): Promise<void> {
  const answer = await ctx.graph.get<{ value?: { verifiedDomains?: { name?: string }[] }[] }>(
    '/organization?$select=verifiedDomains',
  );
  const domains = (answer.value ?? []).flatMap((organization) =>
    (organization.verifiedDomains ?? []).map((domain) => domain.name ?? '').filter(Boolean),
  );
  if (domains.length > 0) await rememberVerifiedDomains(ctx.em, domains);
}

async function applyPage(ctx: SyncContext, folder: CaptureFolder, items: unknown[]): Promise<void> {
  const messages = (items as GraphMessage[]).filter(
    (message) => !message['@removed'] && !message.isDraft && message.internetMessageId?.trim(),
  );
  if (messages.length === 0) return;
  const { em } = ctx;
  const rules = await captureRuleSet(em);
  const mine = await userCaptureRuleSet(em, ctx.userId);
  const { version: rulesVersion } = await readCaptureRules(em);
  const candidates = messages.map((message) => ({ message, capture: captureMessageOf(message, folder) }));
  const addresses = [
    ...new Set(candidates.flatMap(({ capture }) => [capture.from, ...capture.to, ...capture.cc])),
  ].filter(Boolean);
  const records = await recordsByAddress(em, addresses);
  const messageIds = candidates.map(({ message }) => (message.internetMessageId as string).trim());
  // Audits of a mail in the trash (un-filed) count: the filter on mail must not hide them.
  const audits = await em.find(
    MailCaptureAudit,
    { internetMessageId: { $in: messageIds } },
    { filters: { [TRASH_FILTER]: false } },
  );
  /** Un-filed by someone: never filed automatically again. Filed from this mailbox: done already. */
  const unfiled = new Set(audits.filter((a) => a.action === 'unfiled').map((a) => a.internetMessageId));
  const filedHere = new Set(
    audits.filter((a) => a.action === 'filed' && a.connection?.id === ctx.connectionId).map((a) => a.internetMessageId),
  );
  const services = jobServicesOf(em);
  const deps = { store: new PostgresBlobStore(), documentMaxBytes: services.config.documentMaxBytes };
  const toFile = candidates.flatMap(({ message, capture }) => {
    const internetMessageId = (message.internetMessageId as string).trim();
    if (unfiled.has(internetMessageId) || filedHere.has(internetMessageId)) return [];
    const decision = captureDecision(rules, mine, capture, records);
    if (!decision.filed) return [];
    const wanted = distinctLinks(decision.matched.flatMap((address) => records.get(address) ?? []));
    return [{ message, capture, internetMessageId, decision, wanted }];
  });
  if (toFile.length === 0) return;
  const principal = await ownerPrincipal(em, ctx.tenantId, ctx.userId);
  // What the mailbox's owner may see, once for the page: a mail is filed only to those records.
  const visible = await visibleRecords(em, principal, distinctLinks(toFile.flatMap((entry) => entry.wanted)));
  for (const { message, capture, internetMessageId, decision, wanted } of toFile) {
    if (filedHere.has(internetMessageId)) continue;
    const links = wanted.filter((link) => visible.has(`${link.type}:${link.id}`));
    if (links.length === 0) continue;
    const attachments = await attachmentsOf(ctx, message);
    const html = message.body?.contentType?.toLowerCase() === 'html';
    try {
      // A savepoint: a mail the mail module refuses (too large, a program attached) leaves nothing behind.
      await em.transactional(async (tx) => {
        const filed = await fileMail(tx, principal, deps, {
          internetMessageId,
          conversationId: message.conversationId ?? null,
          subject: message.subject ?? '',
          from: { address: capture.from, name: message.from?.emailAddress?.name ?? null },
          to: (message.toRecipients ?? []).map((entry) => ({
            address: addressOf(entry),
            name: entry.emailAddress?.name ?? null,
          })),
          cc: (message.ccRecipients ?? []).map((entry) => ({
            address: addressOf(entry),
            name: entry.emailAddress?.name ?? null,
          })),
          sentAt: message.sentDateTime ?? null,
          receivedAt: message.receivedDateTime ?? null,
          bodyHtml: html ? (message.body?.content ?? null) : null,
          bodyText: html ? null : (message.body?.content ?? null),
          attachments,
          links,
        });
        tx.create(MailCaptureAudit, {
          tenant: ctx.tenantId,
          mail: filed.id,
          internetMessageId,
          action: 'filed',
          rule: decision.rule,
          matched: decision.matched,
          connection: ctx.connectionId,
          mailbox: ctx.graph.mailboxId,
          folder,
          userId: ctx.userId,
          rulesVersion,
        });
        await tx.flush();
      });
      filedHere.add(internetMessageId);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      services.logger.warn(
        { tenantId: ctx.tenantId, connectionId: ctx.connectionId, code: error.code },
        'a mail the capture rules let through could not be filed',
      );
    }
  }
}

/** The sync resource of one well-known mail folder. */
export function messagesResource(folder: CaptureFolder): SyncResource {
  return {
    name: folder === 'inbox' ? 'mail-inbox' : 'mail-sentitems',
    async deltaUrl(ctx) {
      await learnVerifiedDomains(ctx);
      const { lookbackDays } = await captureRuleSet(ctx.em);
      const since = new Date(Date.now() - lookbackDays * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const query = [
        `$filter=${encodeURIComponent(`receivedDateTime ge ${since}`)}`,
        `$select=${MESSAGE_FIELDS.join(',')}`,
        `$expand=${encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${SENSITIVITY_PROPERTY}')`)}`,
      ].join('&');
      return `${ctx.graph.base}/mailFolders/${folder}/messages/delta?${query}`;
    },
    applyPage: (ctx, items) => applyPage(ctx, folder, items),
    async pushPending() {
      // Nothing goes from the CRM to the mailbox.
    },
    // The delta is read (and the rules applied) even while a user opted out or a folder is left out,
    // so mail of that time is not filed later when the rules change back.
    async subscriptionResource(ctx) {
      return `${ctx.graph.base.slice(1)}/mailFolders('${folder}')/messages`;
    },
  };
}

export const inboxResource = messagesResource('inbox');
export const sentItemsResource = messagesResource('sentitems');
