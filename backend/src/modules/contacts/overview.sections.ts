// The contacts module's part of the 360° view: the record and the business contacts around it.
import type { OverviewSection } from '../../records/overview.ts';
import { BusinessContact } from './contact.entity.ts';
import type { ContactType } from './contacts.service.ts';
import {
  businessContactView,
  getBusinessContact,
  getOrganization,
  getPerson,
  organizationView,
  personView,
} from './contacts.service.ts';

export const CONTACT_TYPES: readonly ContactType[] = ['person', 'organization', 'business_contact'];

/** The `record` section of a contact's view (CONTACT_TYPES). */
export const contactOverview: OverviewSection = async (em, _principal, { type, id }) => {
  if (type === 'person') return personView(await getPerson(em, id));
  if (type === 'organization') return organizationView(await getOrganization(em, id));
  return businessContactView(await getBusinessContact(em, id));
};

export const businessContactsOverview: OverviewSection = async (em, _principal, { type, id }) => {
  if (type === 'business_contact') return [];
  const contacts = await em.find(BusinessContact, type === 'person' ? { person: id } : { organization: id }, {
    populate: ['person', 'organization'],
    orderBy: [{ isPrimary: 'desc' }, { createdAt: 'asc' }],
    limit: 100,
  });
  return contacts.map(businessContactView);
};
