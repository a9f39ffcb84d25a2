// Mail templates (E3): a user's own or the company's (admins keep those), with placeholders
// ({{person.firstName}} …) filled from a record the caller may see and from the sender.
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, problem } from '../../http/problems.ts';
import { currentTenant } from '../../records/current-tenant.ts';
import type { RecordRef } from '../../records/record-links.ts';
import { BusinessContact, Organization, Person } from '../contacts/contact.entity.ts';
import { Deal } from '../deals/deal.entity.ts';
import { requireVisibleRecord } from '../documents/record-access.ts';
import { Lead } from '../leads/lead.entity.ts';
import { sanitizeMailHtml } from '../mail/mail-html.ts';
import { referenceOf } from '../mail/references.service.ts';
import type {
  CreateMailTemplate,
  FilledMailTemplate,
  MailTemplatePlaceholder,
  MailTemplateView,
  UpdateMailTemplate,
} from './mail-send.schemas.ts';
import { MailTemplate } from './mail-template.entity.ts';

const toView = (template: MailTemplate): MailTemplateView => ({
  id: template.id,
  name: template.name,
  subject: template.subject,
  bodyHtml: template.bodyHtml,
  scope: template.ownerId ? 'private' : 'company',
  ownerId: template.ownerId ?? null,
  version: template.version,
  createdAt: template.createdAt.toISOString(),
  createdBy: template.createdBy ?? null,
  updatedAt: template.updatedAt.toISOString(),
});

/** A template is the caller's own or the company's; anyone else's private ones do not exist for them. */
const visibleTo = (principal: Principal) => ({ $or: [{ ownerId: null }, { ownerId: principal.userId ?? null }] });

async function findVisible(em: EntityManager, principal: Principal, id: string): Promise<MailTemplate> {
  const template = await em.findOne(MailTemplate, { $and: [{ id }, visibleTo(principal)] });
  if (!template) throw problem('no_such_mail_template', { id });
  return template;
}

export async function listMailTemplates(em: EntityManager, principal: Principal): Promise<MailTemplateView[]> {
  const found = await em.find(MailTemplate, visibleTo(principal));
  // The company's first, then one's own; by name as people read it.
  const order = (template: MailTemplate) =>
    [template.ownerId ? '1' : '0', template.name.toLowerCase(), template.id].join('\u0000');
  return found.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)).map(toView);
}

export async function getMailTemplate(em: EntityManager, principal: Principal, id: string): Promise<MailTemplateView> {
  return toView(await findVisible(em, principal, id));
}

async function ensureNameFree(em: EntityManager, ownerId: string | null, name: string, exceptId?: string) {
  const sameScope = await em.find(MailTemplate, { ownerId, ...(exceptId ? { id: { $ne: exceptId } } : {}) });
  if (sameScope.some((template) => template.name.toLowerCase() === name.toLowerCase())) {
    throw problem('duplicate_mail_template', { name }, { at: { pointer: '#/name' } });
  }
}

const needsAdmin = () => problem('company_template_needs_admin');

export async function createMailTemplate(
  em: EntityManager,
  principal: Principal & { userId: string },
  input: CreateMailTemplate,
): Promise<MailTemplateView> {
  if (input.scope === 'company' && !principal.roles.has('admin')) throw needsAdmin();
  const ownerId = input.scope === 'company' ? null : principal.userId;
  await ensureNameFree(em, ownerId, input.name);
  const template = em.create(MailTemplate, {
    tenant: currentTenant(em),
    ownerId,
    name: input.name,
    subject: input.subject,
    bodyHtml: sanitizeMailHtml(input.bodyHtml),
  });
  await em.flush();
  return toView(template);
}

/** The caller may change their own templates, and admins the company's. */
async function editable(em: EntityManager, principal: Principal, id: string): Promise<MailTemplate> {
  const template = await findVisible(em, principal, id);
  if (!template.ownerId && !principal.roles.has('admin')) throw needsAdmin();
  return template;
}

export async function updateMailTemplate(
  em: EntityManager,
  principal: Principal,
  id: string,
  change: UpdateMailTemplate,
  expectedVersion: number | undefined,
): Promise<MailTemplateView> {
  const template = await editable(em, principal, id);
  checkVersion(template, expectedVersion, named('mail_template', template.name));
  if (change.name !== undefined && change.name.toLowerCase() !== template.name.toLowerCase()) {
    await ensureNameFree(em, template.ownerId ?? null, change.name, id);
  }
  em.assign(template, {
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(change.subject !== undefined ? { subject: change.subject } : {}),
    ...(change.bodyHtml !== undefined ? { bodyHtml: sanitizeMailHtml(change.bodyHtml) } : {}),
  });
  await em.flush();
  return toView(template);
}

export async function deleteMailTemplate(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const template = await editable(em, principal, id);
  checkVersion(template, expectedVersion, named('mail_template', template.name));
  em.remove(template);
  await em.flush();
}

type PlaceholderValues = Record<MailTemplatePlaceholder, string>;

const personName = (person: { firstName?: string | null; lastName?: string | null } | null | undefined) => ({
  first: person?.firstName ?? '',
  last: person?.lastName ?? '',
});

/** What the placeholders stand for on a record (the caller must see it): its person, organization and deal. */
export async function placeholderValues(
  em: EntityManager,
  principal: Principal,
  record: RecordRef,
): Promise<PlaceholderValues> {
  await requireVisibleRecord(em, principal, record);
  let person: { first: string; last: string } = { first: '', last: '' };
  let organization = '';
  let deal = '';
  if (record.type === 'person') {
    const found = await em.findOneOrFail(Person, record.id);
    person = personName(found);
    const employer = await em.findOne(BusinessContact, { person: record.id }, { populate: ['organization'] });
    organization = employer?.organization.name ?? '';
  } else if (record.type === 'organization') {
    organization = (await em.findOneOrFail(Organization, record.id)).name;
  } else if (record.type === 'business_contact') {
    const found = await em.findOneOrFail(BusinessContact, record.id, { populate: ['person', 'organization'] });
    person = personName(found.person);
    organization = found.organization.name;
  } else if (record.type === 'deal') {
    const found = await em.findOneOrFail(Deal, record.id, { populate: ['person', 'organization'] });
    person = personName(found.person);
    organization = found.organization?.name ?? '';
    deal = found.title;
  } else if (record.type === 'lead') {
    const found = await em.findOneOrFail(Lead, record.id);
    person = personName(found);
    organization = found.companyName ?? '';
    deal = found.title;
  }
  return {
    'person.firstName': person.first,
    'person.lastName': person.last,
    'organization.name': organization,
    'deal.title': deal,
    'me.displayName': principal.displayName,
  };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+\.[A-Za-z]+)\s*\}\}/g;
const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Fills the known placeholders (values HTML-escaped when `html`); unknown ones stay as written. */
export function fillPlaceholders(text: string, values: PlaceholderValues, html: boolean): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = (values as Record<string, string | undefined>)[name];
    if (value === undefined) return whole;
    return html ? escapeHtml(value) : value;
  });
}

/** A subject with the record's reference: kept where it is when present, else appended. */
export function withReference(subject: string, reference: string): string {
  if (subject.toUpperCase().includes(reference.toUpperCase())) return subject;
  return subject.trim() === '' ? reference : `${subject.trim()} ${reference}`;
}

/** A template filled for a record: placeholders, and the record's reference in the subject. */
export async function fillMailTemplate(
  em: EntityManager,
  principal: Principal,
  id: string,
  record: RecordRef,
): Promise<FilledMailTemplate> {
  const template = await findVisible(em, principal, id);
  const values = await placeholderValues(em, principal, record);
  const { reference } = await referenceOf(em, record);
  return {
    subject: withReference(fillPlaceholders(template.subject, values, false), reference),
    bodyHtml: fillPlaceholders(template.bodyHtml, values, true),
    reference,
  };
}

/** The template's subject and body, for a mail that names it (404 when not the caller's or the company's). */
export async function templateText(
  em: EntityManager,
  principal: Principal,
  id: string,
): Promise<{ subject: string; bodyHtml: string }> {
  const template = await findVisible(em, principal, id);
  return { subject: template.subject, bodyHtml: template.bodyHtml };
}
