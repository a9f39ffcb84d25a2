// Automatic filing (E2): the sync reads the message delta of a mail folder (inbox, sent items) of a
// connected mailbox and files every message the capture rules let through whose sender or a recipient
// is a known CRM address, through the mail module's fileMail (one stored mail per internetMessageId,
// attachments as documents), linked to the persons, their organizations and, by the tenant's rule,
// their open deals; each filing is audited.
// A message the rules keep out is never stored: its body and attachments are not even fetched.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppError } from '../../http/errors.ts';
import { TRASH_FILTER } from '../../http/tenancy.ts';
import { jobServicesOf } from '../../jobs/job-services.ts';
import { distinctLinks, type RecordRef } from '../../records/record-links.ts';
import { textArray } from '../../records/search-index.ts';
import { anyUuid, currentTenantId, db } from '../../records/sql.ts';
import { PostgresBlobStore } from '../../storage/blob-store.ts';
import { BusinessContact } from '../contacts/contact.entity.ts';
import { lookupEmails } from '../contacts/lookup.service.ts';
import { visibleRecords } from '../documents/record-access.ts';
import { ownerPrincipal } from '../graph-sync/contacts/contacts.resource.ts';
import type { SyncContext, SyncResource } from '../graph-sync/resource.ts';
import { type AttachmentInput, fileMailsInBulk } from '../mail/mail.service.ts';
import { LINK_HEADER, trackingIdsIn } from '../mail/mail-links.service.ts';
import { type CaptureMessage, captureDecision, type Sensitivity, type UserCaptureRuleSet } from './capture-decision.ts';
import type { CaptureFolder, LinkOpenDeals } from './capture-rules.schemas.ts';
import {
  captureRuleSet,
  readCaptureRules,
  rememberVerifiedDomains,
  userCaptureRuleSet,
} from './capture-rules.service.ts';
import { addressOf, attachmentsOf, type GraphMessage, headersOf, MESSAGE_FIELDS, mailOf } from './graph-message.ts';
import { MailCaptureAudit } from './mail-capture-audit.entity.ts';

/** PidTagSensitivity as Graph reads a MAPI property: 0 normal, 1 personal, 2 private, 3 confidential. */
export const SENSITIVITY_PROPERTY = 'Integer 0x36';
const SENSITIVITIES: readonly Sensitivity[] = ['normal', 'personal', 'private', 'confidential'];
const DAY_MS = 24 * 3_600_000;
const NO_USER_RULES: UserCaptureRuleSet = { optOut: false, excludedAddresses: [] };
/** Sent Items also tells the header the compose pane put into a linked draft (X2). */
const SENT_MESSAGE_FIELDS = [...MESSAGE_FIELDS, 'internetMessageHeaders'];

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

/**
 * Each person's open deals: hers, or of one of her business contacts, in one statement for the page
 * (deal_person_idx, deal_business_contact_idx).
 */
async function openDealsOf(em: EntityManager, personIds: readonly string[]): Promise<Map<string, string[]>> {
  const byPerson = new Map<string, string[]>();
  if (personIds.length === 0) return byPerson;
  const rows = await db(em)
    .selectFrom('deal as d')
    .leftJoin('business_contact as bc', 'bc.id', 'd.business_contact_id')
    .select(['d.id', 'd.person_id', 'bc.person_id as contact_person_id'])
    .where('d.tenant_id', '=', currentTenantId)
    .where('d.status', '=', 'open')
    .where('d.deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('d.person_id', '=', anyUuid(personIds)),
        eb(
          'd.business_contact_id',
          'in',
          eb
            .selectFrom('business_contact')
            .select('id')
            .where('tenant_id', '=', currentTenantId)
            .where('person_id', '=', anyUuid(personIds)),
        ),
      ]),
    )
    .execute();
  for (const row of rows) {
    for (const personId of new Set([row.person_id, row.contact_person_id])) {
      if (personId) byPerson.set(personId, [...(byPerson.get(personId) ?? []), row.id]);
    }
  }
  return byPerson;
}

/** The open deals a person's mail is filed to under the tenant's rule. */
function dealsByRule(rule: LinkOpenDeals, deals: readonly string[]): string[] {
  if (rule === 'all') return [...deals];
  if (rule === 'single' && deals.length === 1) return [...deals];
  return [];
}

/**
 * Each known address's records: its persons, their organizations, the organizations it belongs to,
 * and its persons' open deals as the tenant's rule (linkOpenDeals) has it.
 */
async function recordsByAddress(
  em: EntityManager,
  addresses: readonly string[],
  linkOpenDeals: LinkOpenDeals,
): Promise<Map<string, RecordRef[]>> {
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
  const personsOf = (item: (typeof found)[number]) => [
    ...item.persons.map((person) => person.id),
    ...item.businessContacts.map((contact) => contact.personId),
  ];
  const openDeals =
    linkOpenDeals === 'none'
      ? new Map<string, string[]>()
      : await openDealsOf(em, [...new Set(found.flatMap(personsOf))]);
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
      ...personsOf(item).flatMap((personId) =>
        dealsByRule(linkOpenDeals, openDeals.get(personId) ?? []).map((id) => ({ type: 'deal', id })),
      ),
    ];
    if (links.length > 0) byAddress.set(item.email, distinctLinks(links));
  }
  return byAddress;
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

/** The tracking ids a sent message's x-crm-link header names (the compose pane put them into the draft). */
const trackingIdsOf = (message: GraphMessage): string[] => trackingIdsIn(headersOf(message));

/**
 * The records drafts were linked to in the add-in (X2), by sent message: found by the link header's
 * tracking id, or by the internetMessageId the pane told us; only links not yet used, in one
 * statement for the page.
 */
async function draftLinksOf(em: EntityManager, messages: readonly GraphMessage[]): Promise<Map<string, RecordRef[]>> {
  const byMessage = new Map<string, RecordRef[]>();
  const trackingIds = new Map(messages.map((message) => [message.id, trackingIdsOf(message)]));
  const allTrackingIds = [...new Set([...trackingIds.values()].flat())];
  const messageIds = messages.map((message) => (message.internetMessageId as string).trim());
  if (messages.length === 0) return byMessage;
  const rows = await db(em)
    .selectFrom('pending_mail_link')
    .select(['tracking_id', 'internet_message_id', 'links'])
    .where('tenant_id', '=', currentTenantId)
    .where('applied_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('tracking_id', '=', eb.fn.any(textArray(allTrackingIds))),
        eb('internet_message_id', '=', eb.fn.any(textArray(messageIds))),
      ]),
    )
    .orderBy('created_at')
    .execute();
  for (const message of messages) {
    const ids = new Set(trackingIds.get(message.id));
    const internetMessageId = (message.internetMessageId as string).trim();
    const links = rows
      .filter((row) => ids.has(row.tracking_id) || row.internet_message_id === internetMessageId)
      .flatMap((row) => row.links as RecordRef[]);
    if (links.length > 0) byMessage.set(message.id, distinctLinks(links));
  }
  return byMessage;
}

/**
 * What of a delta page is filed, and where: the rules, the known addresses, the audits and what the
 * mailbox's owner may see, each asked once for the page.
 */
async function planPage(ctx: SyncContext, folder: CaptureFolder, items: unknown[]) {
  const messages = (items as GraphMessage[]).filter(
    (message) => !message['@removed'] && !message.isDraft && message.internetMessageId?.trim(),
  );
  if (messages.length === 0) return;
  const { em } = ctx;
  const rules = await captureRuleSet(em);
  // A shared mailbox is filed under the tenant's rules alone: its owner's own rules are about her mailbox.
  const mine = ctx.mailbox.kind === 'shared' ? NO_USER_RULES : await userCaptureRuleSet(em, ctx.userId);
  const { version: rulesVersion } = await readCaptureRules(em);
  const candidates = messages.map((message) => ({ message, capture: captureMessageOf(message, folder) }));
  const addresses = [
    ...new Set(candidates.flatMap(({ capture }) => [capture.from, ...capture.to, ...capture.cc])),
  ].filter(Boolean);
  const records = await recordsByAddress(em, addresses, rules.linkOpenDeals);
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
  // A draft a user linked in the add-in is filed when sent, to what she linked it to, whatever the
  // automatic rules say: she chose to file it.
  const drafts = folder === 'sentitems' ? await draftLinksOf(em, messages) : new Map<string, RecordRef[]>();
  const toFile = candidates.flatMap(({ message, capture }) => {
    const internetMessageId = (message.internetMessageId as string).trim();
    if (unfiled.has(internetMessageId) || filedHere.has(internetMessageId)) return [];
    const drafted = drafts.get(message.id) ?? [];
    const automatic = captureDecision(rules, mine, capture, records);
    const matched = automatic.filed ? automatic.matched : [];
    if (!automatic.filed && drafted.length === 0) return [];
    const decision = { rule: drafted.length > 0 ? 'draft_link' : 'known_address', matched };
    const wanted = distinctLinks([...drafted, ...matched.flatMap((address) => records.get(address) ?? [])]);
    return [{ message, capture, internetMessageId, decision, wanted, drafted: drafted.length > 0 }];
  });
  if (toFile.length === 0) return undefined;
  const principal = await ownerPrincipal(em, ctx.tenantId, ctx.userId);
  // What the mailbox's owner may see, once for the page: a mail is filed only to those records.
  const visible = await visibleRecords(em, principal, distinctLinks(toFile.flatMap((entry) => entry.wanted)));
  const seen = new Set<string>();
  const entries = toFile.flatMap((entry) => {
    const links = entry.wanted.filter((link) => visible.has(`${link.type}:${link.id}`));
    if (links.length === 0 || seen.has(entry.internetMessageId)) return [];
    seen.add(entry.internetMessageId);
    return [{ ...entry, links }];
  });
  return { entries, principal, rulesVersion, linkOpenDeals: rules.linkOpenDeals };
}

/** A page's attachments by message id, fetched before the page's transaction opens. */
type PreparedAttachments = Map<string, AttachmentInput[]>;

/**
 * Fetches the attachments of the page's messages that will be filed, in a short read of the CRM
 * and then from Graph with no transaction open (a throttled Graph may keep us waiting for minutes).
 */
async function preparePage(
  folder: CaptureFolder,
  items: unknown[],
  graph: SyncContext['graph'],
  read: <T>(work: (ctx: SyncContext) => Promise<T>) => Promise<T>,
): Promise<PreparedAttachments> {
  const prepared: PreparedAttachments = new Map();
  if (!(items as GraphMessage[]).some((message) => message.hasAttachments)) return prepared;
  const wanted = await read(async (ctx) =>
    ((await planPage(ctx, folder, items))?.entries ?? []).filter((entry) => entry.message.hasAttachments),
  );
  for (const { message } of wanted) prepared.set(message.id, await attachmentsOf(graph, message));
  return prepared;
}

async function applyPage(
  ctx: SyncContext,
  folder: CaptureFolder,
  items: unknown[],
  prepared: PreparedAttachments = new Map(),
): Promise<void> {
  const { em } = ctx;
  const plan = await planPage(ctx, folder, items);
  if (!plan) return;
  const { entries, principal, rulesVersion, linkOpenDeals } = plan;
  const services = jobServicesOf(em);
  const deps = { store: new PostgresBlobStore(), documentMaxBytes: services.config.documentMaxBytes };
  const mails = [];
  for (const { message, capture, internetMessageId, links, drafted } of entries) {
    // A message the rules let through since the prepared read (rare) is fetched here.
    const attachments = prepared.get(message.id) ?? (await attachmentsOf(ctx.graph, message));
    mails.push({
      key: internetMessageId,
      input: {
        ...mailOf(message, attachments),
        internetMessageId,
        from: { address: capture.from, name: message.from?.emailAddress?.name ?? null },
        links,
        // The mail module marks the draft's links used, so they are filed once.
        ...(drafted ? { internetHeaders: { [LINK_HEADER]: trackingIdsOf(message).join(' ') } } : {}),
      },
    });
  }
  const { filed, refused } = await fileMailsInBulk(em, principal, deps, mails);
  const byMessage = new Map(entries.map((entry) => [entry.internetMessageId, entry]));
  for (const [internetMessageId, mailId] of filed) {
    const entry = byMessage.get(internetMessageId);
    if (!entry) continue;
    const { decision } = entry;
    const deals = entry.links.filter((link) => link.type === 'deal').map((link) => link.id);
    em.create(MailCaptureAudit, {
      tenant: ctx.tenantId,
      mail: mailId,
      internetMessageId,
      action: 'filed',
      rule: decision.rule,
      matched: decision.matched,
      dealRule: deals.length > 0 && linkOpenDeals !== 'none' ? linkOpenDeals : null,
      deals,
      connection: ctx.connectionId,
      mailbox: ctx.graph.mailboxId,
      mailboxKind: ctx.mailbox.kind,
      mailboxAddress: ctx.mailbox.address,
      folder,
      userId: ctx.userId,
      rulesVersion,
    });
  }
  await em.flush();
  for (const { error } of refused) {
    services.logger.warn(
      { tenantId: ctx.tenantId, connectionId: ctx.connectionId, code: (error as AppError).code },
      'a mail the capture rules let through could not be filed',
    );
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
        `$select=${(folder === 'sentitems' ? SENT_MESSAGE_FIELDS : MESSAGE_FIELDS).join(',')}`,
        `$expand=${encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${SENSITIVITY_PROPERTY}')`)}`,
      ].join('&');
      return `${ctx.graph.base}/mailFolders/${folder}/messages/delta?${query}`;
    },
    preparePage: (items, graph, read) => preparePage(folder, items, graph, read),
    applyPage: (ctx, items, prepared) => applyPage(ctx, folder, items, prepared as PreparedAttachments | undefined),
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
