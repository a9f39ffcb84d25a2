// What the pane asks the CRM: who the mail's addresses belong to, with their open deals and
// tasks, where a mail is filed, and the writes (file, log a call, create a contact, link a draft).
import type {
  CreatePersonInput,
  Deal,
  DealsPage,
  DraftLinksInput,
  FileByReference,
  FiledMail,
  FileMailInput,
  LogCallInput,
  LookupResult,
  Mail,
  MailFiling,
  MailFilingList,
  MailFilingState,
  Me,
  Person,
  RecordLink,
  RecordReference,
  RecordType,
  Task,
  TasksPage,
  UpdatePersonInput,
} from '@crm/backend/contract';
import type { Address } from '../office/mailbox.ts';
import { type Api, ApiError } from './client.ts';

export type Role = 'from' | 'to' | 'cc';

/** A person (with the organizations they work for) or an organization, matched by an address of the mail. */
export interface ContactMatch {
  key: string;
  kind: 'person' | 'organization';
  id: string;
  name: string;
  addresses: { address: string; role: Role }[];
  /** For a person: their business contacts that own one of the mail's addresses. */
  businessContacts: { id: string; organizationId: string; organizationName: string }[];
  deals: Deal[];
  tasks: Task[];
}

export interface MailContext {
  matches: ContactMatch[];
  unknown: (Address & { role: Role })[];
  /** False where the CRM has no deals or tasks module (an older backend). */
  dealsAvailable: boolean;
  tasksAvailable: boolean;
}

const notFoundRoute = (error: unknown) => error instanceof ApiError && error.status === 404;

async function optionalList<T>(load: () => Promise<T[]>): Promise<{ items: T[]; available: boolean }> {
  try {
    return { items: await load(), available: true };
  } catch (error) {
    if (notFoundRoute(error)) return { items: [], available: false };
    throw error;
  }
}

export async function loadMailContext(api: Api, addresses: (Address & { role: Role })[]): Promise<MailContext> {
  const unique = new Map<string, Address & { role: Role }>();
  for (const address of addresses) {
    const key = address.address.trim().toLowerCase();
    if (key && !unique.has(key)) unique.set(key, { ...address, address: key });
  }
  if (unique.size === 0) return { matches: [], unknown: [], dealsAvailable: false, tasksAvailable: false };
  const { body } = await api.get<LookupResult>('/v1/lookup', { email: [...unique.keys()] });

  const matches = new Map<string, ContactMatch>();
  const matchOf = (kind: ContactMatch['kind'], id: string, name: string) => {
    const key = `${kind}:${id}`;
    let match = matches.get(key);
    if (!match) {
      match = { key, kind, id, name, addresses: [], businessContacts: [], deals: [], tasks: [] };
      matches.set(key, match);
    }
    return match;
  };
  const unknown: MailContext['unknown'] = [];
  for (const item of body.items) {
    const source = unique.get(item.email);
    const role = source?.role ?? 'to';
    const touched = new Set<ContactMatch>();
    for (const person of item.persons) touched.add(matchOf('person', person.id, person.name));
    for (const contact of item.businessContacts) {
      const match = matchOf('person', contact.personId, contact.personName);
      if (!match.businessContacts.some((known) => known.id === contact.id)) {
        match.businessContacts.push({
          id: contact.id,
          organizationId: contact.organizationId,
          organizationName: contact.organizationName,
        });
      }
      touched.add(match);
    }
    for (const organization of item.organizations)
      touched.add(matchOf('organization', organization.id, organization.name));
    for (const match of touched) match.addresses.push({ address: item.email, role });
    if (touched.size === 0 && source) unknown.push(source);
  }

  const list = [...matches.values()];
  const personIds = list.filter((match) => match.kind === 'person').map((match) => match.id);
  const organizationIds = [
    ...list.filter((match) => match.kind === 'organization').map((match) => match.id),
    ...list.flatMap((match) => match.businessContacts.map((contact) => contact.organizationId)),
  ];
  const businessContactIds = list.flatMap((match) => match.businessContacts.map((contact) => contact.id));

  const [deals, tasks] = await Promise.all([
    optionalList(() => openDeals(api, personIds, organizationIds, businessContactIds)),
    optionalList(() =>
      openTasks(
        api,
        list.map((match) => ({ type: match.kind, id: match.id })),
      ),
    ),
  ]);
  for (const match of list) {
    const orgIds = new Set(match.businessContacts.map((contact) => contact.organizationId));
    const contactIds = new Set(match.businessContacts.map((contact) => contact.id));
    match.deals = deals.items.filter((deal) =>
      match.kind === 'person'
        ? deal.personId === match.id ||
          (deal.businessContactId !== null && contactIds.has(deal.businessContactId)) ||
          (deal.organizationId !== null && orgIds.has(deal.organizationId))
        : deal.organizationId === match.id,
    );
    match.tasks = tasks.items.filter((task) => taskLinkedTo(task, match));
  }
  // The sender first, then the others in the mail's order.
  const rank = (match: ContactMatch) => (match.addresses.some((address) => address.role === 'from') ? 0 : 1);
  list.sort((a, b) => rank(a) - rank(b));
  return { matches: list, unknown, dealsAvailable: deals.available, tasksAvailable: tasks.available };
}

async function openDeals(
  api: Api,
  personIds: string[],
  organizationIds: string[],
  businessContactIds: string[],
): Promise<Deal[]> {
  const anyOf = [
    ...(personIds.length ? [{ field: 'personId', op: 'in', value: personIds }] : []),
    ...(organizationIds.length ? [{ field: 'organizationId', op: 'in', value: [...new Set(organizationIds)] }] : []),
    ...(businessContactIds.length ? [{ field: 'businessContactId', op: 'in', value: businessContactIds }] : []),
  ];
  if (anyOf.length === 0) return [];
  const filter = { and: [{ field: 'status', op: 'eq', value: 'open' }, { or: anyOf }] };
  const { body } = await api.get<DealsPage>('/v1/deals', { filter: JSON.stringify(filter), limit: 50 });
  return body.items;
}

const OPEN_TASK_STATUSES = ['open', 'in_progress', 'waiting'];
/** At most this many records get their tasks listed: a mail to a whole distribution list stays cheap. */
const MAX_TASK_RECORDS = 10;

async function openTasks(api: Api, records: RecordLink[]): Promise<Task[]> {
  const filter = JSON.stringify({ field: 'status', op: 'in', value: OPEN_TASK_STATUSES });
  const pages = await Promise.all(
    records
      .slice(0, MAX_TASK_RECORDS)
      .map((record) => api.get<TasksPage>('/v1/tasks', { record: `${record.type}:${record.id}`, filter, limit: 20 })),
  );
  const byId = new Map<string, Task>();
  for (const page of pages) for (const task of page.body.items) byId.set(task.id, task);
  return [...byId.values()];
}

function taskLinkedTo(task: Task, match: ContactMatch): boolean {
  return task.links.some((link) => link.type === match.kind && link.id === match.id);
}

export async function whereFiled(api: Api, internetMessageId: string): Promise<MailFiling[]> {
  const result = await optionalList(async () => {
    const { body } = await api.get<{ items: MailFiling[] }>('/v1/mails', { internetMessageId });
    return body.items;
  });
  return result.items;
}

export async function fileMail(api: Api, mail: FileMailInput): Promise<FiledMail> {
  return (await api.post<FiledMail>('/v1/mails', mail)).body;
}

/**
 * Files the open mail by reference (Y7): the CRM fetches it through Graph, so the filing completes
 * even when the pane closes. Answers the pending filing; 409 mail_filing_graph_unreachable means
 * the pane uploads the mail itself.
 */
export async function fileByReference(api: Api, filing: FileByReference): Promise<MailFilingState> {
  return (await api.post<MailFilingState>('/v1/mail-filings', filing)).body;
}

/** My filings by reference of a message, newest first: a pane opened again finds one still pending. */
export async function filingsOf(api: Api, messageId: string): Promise<MailFilingList> {
  return (await api.get<MailFilingList>(`/v1/mail-filings?messageId=${encodeURIComponent(messageId)}`)).body;
}

export async function filingState(api: Api, id: string): Promise<MailFilingState> {
  return (await api.get<MailFilingState>(`/v1/mail-filings/${encodeURIComponent(id)}`)).body;
}

export async function filedMail(api: Api, id: string): Promise<Mail> {
  return (await api.get<Mail>(`/v1/mails/${encodeURIComponent(id)}`)).body;
}

export async function logCall(api: Api, call: LogCallInput): Promise<void> {
  await api.post('/v1/calls', call);
}

export async function me(api: Api): Promise<Me> {
  return (await api.get<Me>('/v1/me')).body;
}

export interface NewPerson {
  firstName: string;
  lastName: string;
  email: string;
}

/** Creates a person; a likely duplicate answers 409 with candidates unless `confirmed`. */
export async function createPerson(api: Api, person: NewPerson, confirmed: boolean): Promise<Person> {
  const input: CreatePersonInput = {
    firstName: person.firstName || null,
    lastName: person.lastName,
    emails: [{ address: person.email, kind: 'work' }],
  };
  const { body } = await api.post<Person>('/v1/persons', input, confirmed ? { confirm: 'duplicate' } : undefined);
  return body;
}

/** Adds an address to an existing person (the duplicate the user picked), so the next mail finds them. */
export async function addEmailToPerson(api: Api, personId: string, email: string): Promise<void> {
  const current = await api.get<Person>(`/v1/persons/${personId}`);
  const emails = current.body.emails.map((known) => ({ address: known.address, kind: known.kind }));
  if (emails.some((known) => known.address.toLowerCase() === email.toLowerCase())) return;
  const change: UpdatePersonInput = { emails: [...emails, { address: email, kind: 'work' }] };
  await api.patch(`/v1/persons/${personId}`, change, current.etag ?? '*');
}

export async function linkDraft(
  api: Api,
  draft: { trackingId: string; conversationId: string | null; links: RecordLink[] },
): Promise<void> {
  const input: DraftLinksInput = {
    trackingId: draft.trackingId,
    ...(draft.conversationId ? { conversationId: draft.conversationId } : {}),
    links: draft.links,
  };
  await api.post('/v1/mail-links', input);
}

export async function recordReference(api: Api, record: RecordLink): Promise<string> {
  const { body } = await api.get<RecordReference>(`/v1/records/${record.type}/${record.id}/reference`);
  return body.reference;
}

export function recordUrl(template: string, type: RecordType, id: string): string {
  return template.replace('{type}', encodeURIComponent(type)).replace('{id}', encodeURIComponent(id));
}
