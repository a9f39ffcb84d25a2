// Sending mail from the CRM (E3): the mail goes out through Microsoft Graph from the signed-in user's
// mailbox (/users/{her object id}/sendMail, with the CRM's Graph access as the sync uses it), with the
// record's reference in the subject and an internetMessageId the CRM chooses, and is filed at once on
// the record and its persons through the mail module's fileMail. The sync that later reads Sent Items
// finds the same internetMessageId and so finds the mail filed already: one mail, never two.
import { GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphGateway } from '../../graph/graph-gateway.ts';
import type { Principal } from '../../http/principal.ts';
import { type ProblemAt, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { distinctLinks, type RecordRef } from '../../records/record-links.ts';
import { BusinessContact } from '../contacts/contact.entity.ts';
import { Deal } from '../deals/deal.entity.ts';
import { requireVisibleRecord } from '../documents/record-access.ts';
import { fileMail, type MailDeps } from '../mail/mail.service.ts';
import { sanitizeMailHtml } from '../mail/mail-html.ts';
import { referenceOf } from '../mail/references.service.ts';
import { peopleOf } from '../record-people/record-people.service.ts';
import type { SendMail, SentMailView } from './mail-send.schemas.ts';
import { fillPlaceholders, placeholderValues, templateText, withReference } from './mail-templates.service.ts';

export interface MailSendDeps {
  graph: GraphGateway;
  mail: MailDeps;
}

/** An SMTP address as Exchange takes it: local@domain.tld, no spaces, no brackets. */
const SMTP = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
/** The mail is sent once: Graph's own retries could send it twice after a lost answer. */
const NO_SDK_RETRY = [new RetryHandlerOptions(0, 0)];
/** Token errors that mean the CRM has no access to the tenant's Graph (no consent, bad secret …). */
const ACCESS_CODES = /AADSTS(65001|7000215|700016|90002|7000112|500011|50020|53003)/;

function checkRecipients(input: SendMail): void {
  const fields = ['to', 'cc', 'bcc'] as const;
  if (fields.every((field) => input[field].length === 0)) {
    throw problem('mail_without_recipients', {}, { at: { pointer: '#/to' } });
  }
  for (const field of fields) {
    input[field].forEach((address, index) => {
      if (!SMTP.test(address)) {
        const at: ProblemAt = { pointer: `#/${field}/${index}` };
        throw problem('mail_bad_address', { address }, { at });
      }
    });
  }
}

/** The record and its persons: whom the mail is about. */
async function recordAndPersons(em: EntityManager, record: RecordRef): Promise<RecordRef[]> {
  const persons: string[] = [];
  if (record.type === 'business_contact') {
    const contact = await em.findOne(BusinessContact, record.id);
    if (contact) persons.push(contact.person.id);
  }
  if (record.type === 'deal') {
    const deal = await em.findOne(Deal, record.id);
    if (deal?.person) persons.push(deal.person.id);
  }
  if (record.type === 'deal' || record.type === 'lead' || record.type === 'organization') {
    for (const entry of await peopleOf(em, record.type, record.id)) {
      if (entry.personId) persons.push(entry.personId);
    }
  }
  return distinctLinks([record, ...persons.map((id) => ({ type: 'person', id }))]);
}

const recipients = (addresses: readonly string[]) => addresses.map((address) => ({ emailAddress: { address } }));

function headerOf(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  return (headers as Record<string, string>)[name] ?? null;
}

/** Graph's refusals as problems the sender can act on; nothing was sent in any of them. */
function sendFailure(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (ACCESS_CODES.test(message)) {
    return problem('mail_send_no_graph_access', { reason: message.split('\n')[0] ?? message }, { cause: error });
  }
  if (!(error instanceof GraphError)) throw error;
  const status = error.statusCode;
  if (status === 401 || status === 403) {
    return problem('mail_send_no_graph_access', { reason: message }, { cause: error });
  }
  if (status === 429 || status === 503 || status === 504) {
    const seconds = Math.max(1, Math.ceil(Number(headerOf(error.headers, 'retry-after') ?? '') || 30));
    return problem('mail_send_throttled', { seconds }, { headers: { 'Retry-After': String(seconds) }, cause: error });
  }
  return problem('mail_send_refused', { code: error.code ?? String(status), message }, { cause: error });
}

export async function sendMailFromCrm(
  em: EntityManager,
  principal: Principal & { userId: string },
  deps: MailSendDeps,
  input: SendMail,
): Promise<SentMailView> {
  checkRecipients(input);
  await requireVisibleRecord(em, principal, input.record);
  const template = input.templateId ? await templateText(em, principal, input.templateId) : undefined;
  const values = await placeholderValues(em, principal, input.record);
  const { reference } = await referenceOf(em, input.record);
  const subject = withReference(fillPlaceholders(input.subject ?? template?.subject ?? '', values, false), reference);
  const bodyHtml = sanitizeMailHtml(fillPlaceholders(input.bodyHtml ?? template?.bodyHtml ?? '', values, true));
  if (!deps.graph.configured) {
    throw problem('mail_send_no_graph_access', {
      reason: 'the CRM has no Microsoft 365 app secret (ENTRA_CLIENT_SECRET).',
    });
  }
  // Ours, so the mail can be filed before Graph says anything more than 202.
  const domain = principal.email.split('@')[1] || 'crm.invalid';
  const internetMessageId = `<crm.${newId()}@${domain}>`;
  const sentAt = new Date().toISOString();
  try {
    await deps.graph
      .client(principal.tenantId)
      .api(`/users/${encodeURIComponent(principal.objectId)}/sendMail`)
      .middlewareOptions(NO_SDK_RETRY)
      .post({
        message: {
          subject,
          body: { contentType: 'HTML', content: bodyHtml },
          toRecipients: recipients(input.to),
          ccRecipients: recipients(input.cc),
          bccRecipients: recipients(input.bcc),
          internetMessageId,
        },
        saveToSentItems: true,
      });
  } catch (error) {
    throw sendFailure(error);
  }
  const filed = await fileMail(em, principal, deps.mail, {
    internetMessageId,
    subject,
    from: { address: principal.email, name: principal.displayName },
    to: input.to.map((address) => ({ address })),
    cc: input.cc.map((address) => ({ address })),
    bcc: input.bcc.map((address) => ({ address })),
    sentAt,
    bodyHtml,
    attachments: [],
    links: await recordAndPersons(em, input.record),
  });
  return {
    id: filed.id,
    internetMessageId: filed.internetMessageId,
    conversationId: filed.conversationId,
    subject: filed.subject,
    links: filed.links,
    attachments: filed.attachments,
    reference,
  };
}
