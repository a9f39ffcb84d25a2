// How a CRM person looks as an Outlook contact, field by field, and how an Outlook edit of a field
// becomes a change of the person. The same comparable form is kept in contact_link.synced, so each
// side's change since the last sync is found per field.
import { canonicalJson } from '../../../records/history.ts';
import type { AddressValue, EmailValue, PhoneValue } from '../../contacts/contact.entity.ts';

export interface OutlookAddress {
  street: string | null;
  city: string | null;
  postalCode: string | null;
  countryOrRegion: string | null;
}

/** The contact fields the sync keeps, in a form that compares equal when the meaning is equal. */
export interface ContactFields {
  givenName: string | null;
  surname: string | null;
  companyName: string | null;
  jobTitle: string | null;
  department: string | null;
  /** Addresses, lower-case, in order. */
  emailAddresses: string[];
  businessPhones: string[];
  mobilePhone: string | null;
  homePhones: string[];
  businessAddress: OutlookAddress | null;
}

export type ContactField = keyof ContactFields;

export const CONTACT_FIELDS: readonly ContactField[] = [
  'givenName',
  'surname',
  'companyName',
  'jobTitle',
  'department',
  'emailAddresses',
  'businessPhones',
  'mobilePhone',
  'homePhones',
  'businessAddress',
];

/**
 * Fields an Outlook edit changes in the CRM. The company is the name of the person's organization:
 * the CRM is its master (an edit in one contact cannot rename it), an edit in Outlook is overwritten.
 * Job title, department and the first business phone belong to the person's business contact with
 * that organization, and travel both ways.
 */
export const INBOUND_FIELDS: ReadonlySet<ContactField> = new Set<ContactField>([
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'emailAddresses',
  'businessPhones',
  'mobilePhone',
  'homePhones',
  'businessAddress',
]);

export const sameValue = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

const text = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
};

const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(text).filter((item): item is string => item !== null) : [];

function address(value: unknown): OutlookAddress | null {
  if (!value || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  const result = {
    street: text(record.street),
    city: text(record.city),
    postalCode: text(record.postalCode),
    countryOrRegion: text(record.countryOrRegion),
  };
  return Object.values(result).every((part) => part === null) ? null : result;
}

/** The fields of a Graph contact resource. */
export function outlookFields(contact: Record<string, unknown>): ContactFields {
  const emails = Array.isArray(contact.emailAddresses)
    ? (contact.emailAddresses as { address?: unknown }[])
        .map((entry) => text(entry?.address)?.toLowerCase() ?? null)
        .filter((item): item is string => item !== null)
    : [];
  return {
    givenName: text(contact.givenName),
    surname: text(contact.surname),
    companyName: text(contact.companyName),
    jobTitle: text(contact.jobTitle),
    department: text(contact.department),
    emailAddresses: emails,
    businessPhones: texts(contact.businessPhones),
    mobilePhone: text(contact.mobilePhone),
    homePhones: texts(contact.homePhones),
    businessAddress: address(contact.businessAddress),
  };
}

export interface PersonForSync {
  firstName?: string | null | undefined;
  lastName: string;
  emails: EmailValue[];
  phones: PhoneValue[];
  addresses: AddressValue[];
}

/** The business address is the first address that is not a home address. */
const businessAddressOf = (addresses: readonly AddressValue[]) => addresses.find((item) => item.kind !== 'home');

/**
 * The person's business contact with an organization (the primary one, else the oldest): the
 * organization's name and address, and the position, department, phone and email the person has there.
 */
export interface WorkFields {
  companyName: string | null;
  jobTitle: string | null;
  department: string | null;
  /** The phone at the organization: Outlook's first business phone. */
  phone: string | null;
  /** The email at the organization: in the contact's addresses, kept by the CRM. */
  email: string | null;
  /** The organization's addresses: its business address stands in when the person has none of their own. */
  addresses: readonly AddressValue[];
}

export const NO_WORK: WorkFields = {
  companyName: null,
  jobTitle: null,
  department: null,
  phone: null,
  email: null,
  addresses: [],
};

const unique = (values: readonly string[]) => [...new Set(values)];

/** The person (and their business contact with an organization) as contact fields. */
export function crmFields(person: PersonForSync, work: Partial<WorkFields>): ContactFields {
  const business = businessAddressOf(person.addresses) ?? businessAddressOf(work.addresses ?? []);
  const emails = person.emails.map((email) => email.address.toLowerCase());
  const workEmail = text(work.email)?.toLowerCase();
  const workPhone = text(work.phone);
  return {
    givenName: text(person.firstName),
    surname: text(person.lastName),
    companyName: text(work.companyName),
    jobTitle: text(work.jobTitle),
    department: text(work.department),
    emailAddresses: workEmail ? unique([...emails, workEmail]) : emails,
    businessPhones: unique([
      ...(workPhone ? [workPhone] : []),
      ...person.phones.filter((phone) => phone.kind === 'work').map((phone) => phone.number),
    ]),
    mobilePhone: person.phones.find((phone) => phone.kind === 'mobile')?.number ?? null,
    homePhones: person.phones.filter((phone) => phone.kind === 'home').map((phone) => phone.number),
    businessAddress: business
      ? address({
          street: business.street,
          city: business.city,
          postalCode: business.postalCode,
          countryOrRegion: business.country,
        })
      : null,
  };
}

/**
 * An input for the business contact update (as the API takes it) that sets the Outlook values of
 * `fields` the business contact holds: position, department, and the first business phone when
 * the business contact has one.
 */
export function businessContactPatch(
  work: Partial<WorkFields>,
  outlook: ContactFields,
  fields: readonly ContactField[],
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const changed = new Set(fields);
  if (changed.has('jobTitle')) patch.position = outlook.jobTitle;
  if (changed.has('department')) patch.department = outlook.department;
  if (changed.has('businessPhones') && text(work.phone)) patch.phone = outlook.businessPhones[0] ?? null;
  return patch;
}

/** A Graph request body setting `fields` (all of them on create). */
export function contactBody(fields: Partial<ContactFields>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields) as [ContactField, unknown][]) {
    if (field === 'emailAddresses') {
      body.emailAddresses = (value as string[]).map((address) => ({ address, name: address }));
    } else if (field === 'businessAddress') {
      body.businessAddress = value ?? { street: null, city: null, postalCode: null, countryOrRegion: null };
    } else {
      body[field] = value ?? null;
    }
  }
  return body;
}

/** An input for the person update (as the API takes it) that sets the Outlook values of `fields`. */
export function personPatch(
  person: PersonForSync,
  outlook: ContactFields,
  fields: readonly ContactField[],
  work: Partial<WorkFields> = NO_WORK,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const changed = new Set(fields);
  // The business contact's phone is Outlook's first business phone, its email one of the addresses:
  // they go to the business contact (businessContactPatch), not to the person.
  const workEmail = text(work.email)?.toLowerCase();
  const ownEmails = new Set(person.emails.map((email) => email.address.toLowerCase()));
  const emailAddresses = outlook.emailAddresses.filter((item) => item !== workEmail || ownEmails.has(item));
  const businessPhones = text(work.phone) ? outlook.businessPhones.slice(1) : outlook.businessPhones;
  if (changed.has('givenName')) patch.firstName = outlook.givenName;
  // A person needs a last name: an emptied one in Outlook keeps the CRM's.
  if (changed.has('surname') && outlook.surname) patch.lastName = outlook.surname;
  if (changed.has('emailAddresses')) {
    const kinds = new Map(person.emails.map((email) => [email.address.toLowerCase(), email.kind]));
    patch.emails = emailAddresses.map((address) => ({ address, kind: kinds.get(address) ?? 'work' }));
  }
  if (changed.has('businessPhones') || changed.has('mobilePhone') || changed.has('homePhones')) {
    const take = (kind: PhoneValue['kind'], numbers: string[]) =>
      changed.has(kind === 'work' ? 'businessPhones' : kind === 'mobile' ? 'mobilePhone' : 'homePhones')
        ? numbers.map((number) => ({ number, kind }))
        : person.phones.filter((phone) => phone.kind === kind).map((phone) => ({ number: phone.number, kind }));
    patch.phones = [
      ...take('work', businessPhones),
      ...take('mobile', outlook.mobilePhone ? [outlook.mobilePhone] : []),
      ...take('home', outlook.homePhones),
      // Fax and other numbers are not in the contact: they stay.
      ...person.phones
        .filter((phone) => phone.kind === 'fax' || phone.kind === 'other')
        .map((phone) => ({ number: phone.number, kind: phone.kind })),
    ];
  }
  if (changed.has('businessAddress')) {
    const current = businessAddressOf(person.addresses);
    const others = person.addresses.filter((item) => item !== current);
    const next = outlook.businessAddress;
    const country = next?.countryOrRegion && /^[A-Za-z]{2}$/.test(next.countryOrRegion) ? next.countryOrRegion : null;
    patch.addresses = [
      ...(next
        ? [
            {
              kind: current?.kind ?? 'visiting',
              street: next.street,
              postalCode: next.postalCode,
              city: next.city,
              // Outlook's country is free text; a name that is no ISO code keeps the CRM's country.
              country: (country ?? current?.country ?? 'DE').toUpperCase(),
            },
          ]
        : []),
      ...others,
    ];
  }
  return patch;
}
