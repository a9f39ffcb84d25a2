// The sender of the Outlook add-in's demo mail (npm start's try-it URL): a person of the contacts
// demo data with a work address at their organization. The demo data is generated from a seed,
// so the sender is found without asking the database.
import { CONTOSO_TENANT_ID, generateContacts } from './contacts-demo.ts';

export interface DemoSender {
  address: string;
  name: string;
  organizationName: string;
}

/** The same parameters seedContactsDemo uses by default. */
export function demoMailSender(
  options: { tenantId?: string; organizations?: number; persons?: number } = {},
): DemoSender | null {
  const data = generateContacts({
    seed: 'contoso-demo',
    idSalt: options.tenantId ?? CONTOSO_TENANT_ID,
    organizations: options.organizations ?? 200,
    persons: options.persons ?? 800,
    duplicateRate: 0.01,
  });
  // Planted duplicates would make the demo show two people for one address.
  const planted = new Set(data.duplicates.flatMap((duplicate) => [duplicate.id, duplicate.originalId]));
  const persons = new Map(data.persons.map((person) => [person.id, person]));
  const organizations = new Map(data.organizations.map((organization) => [organization.id, organization]));
  const owners = new Map<string, number>();
  for (const contact of data.businessContacts) {
    if (contact.email) owners.set(contact.email, (owners.get(contact.email) ?? 0) + 1);
  }
  for (const contact of data.businessContacts) {
    const person = persons.get(contact.personId);
    const organization = organizations.get(contact.organizationId);
    if (!contact.email || !contact.isPrimary || !person || !organization) continue;
    if (planted.has(person.id) || planted.has(organization.id) || owners.get(contact.email) !== 1) continue;
    return {
      address: contact.email,
      name: [person.firstName, person.lastName].filter(Boolean).join(' '),
      organizationName: organization.name,
    };
  }
  return null;
}

/** The pane on the office-js stand-in with a demo mail from that sender, to try without Outlook. */
export function addinTryUrl(baseUrl: string, sender: DemoSender | null): string {
  const url = new URL('/addin/try.html', baseUrl);
  if (sender) {
    url.searchParams.set('from', sender.address);
    url.searchParams.set('fromName', sender.name);
  }
  return url.toString();
}
