// Persons, organizations and the business contacts joining them (MRM).
import { defineEntity, p } from '@mikro-orm/core';
import { recordColumns } from '../../entity-columns.ts';
import { TRASH_FILTER } from '../../http/tenancy.ts';
import { newId } from '../../ids.ts';
import { Tenant } from '../identity/tenant.entity.ts';

/** Hides records in the trash; queries that want them pass `filters: { [TRASH_FILTER]: false }`. */
const trashable = { [TRASH_FILTER]: { name: TRASH_FILTER, cond: { deletedAt: null }, default: true } };

export interface EmailValue {
  address: string;
  kind: 'work' | 'private' | 'other';
}
export interface PhoneValue {
  /** As typed. */
  number: string;
  /** Normalized, for matching. */
  e164: string;
  kind: 'work' | 'mobile' | 'home' | 'fax' | 'other';
}
export interface AddressValue {
  kind: 'visiting' | 'postal' | 'billing' | 'delivery' | 'home' | 'other';
  street: string | null;
  postalCode: string | null;
  city: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/** Emails, phones and addresses, as persons and organizations both hold them. */
const contactPointColumns = () => ({
  emails: p.json<EmailValue[]>(),
  phones: p.json<PhoneValue[]>(),
  addresses: p.json<AddressValue[]>(),
});

export const PersonSchema = defineEntity({
  name: 'Person',
  filters: trashable,
  tableName: 'person',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    title: p.text().nullable(),
    firstName: p.text().nullable(),
    lastName: p.text(),
    ...contactPointColumns(),
    birthday: p.string().columnType('date').nullable(),
    language: p.text().nullable(),
    customFields: p.json<Record<string, unknown>>(),
    ownerId: p.uuid().nullable(),
    ...recordColumns(),
  },
});
export class Person extends PersonSchema.class {}
PersonSchema.setClass(Person);

export const OrganizationSchema = defineEntity({
  name: 'Organization',
  filters: trashable,
  tableName: 'organization',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    name: p.text(),
    ...contactPointColumns(),
    vatId: p.text().nullable(),
    industry: p.text().nullable(),
    employeeCount: p.integer().nullable(),
    /** Decimal as a string: money never goes through floats. */
    revenue: p.decimal('string').precision(18).scale(2).nullable(),
    website: p.text().nullable(),
    customFields: p.json<Record<string, unknown>>(),
    ownerId: p.uuid().nullable(),
    ...recordColumns(),
  },
});
export class Organization extends OrganizationSchema.class {}
OrganizationSchema.setClass(Organization);

export const BusinessContactSchema = defineEntity({
  name: 'BusinessContact',
  filters: trashable,
  tableName: 'business_contact',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    person: () => p.manyToOne(Person).fieldName('person_id'),
    organization: () => p.manyToOne(Organization).fieldName('organization_id'),
    email: p.text().nullable(),
    phone: p.text().nullable(),
    phoneE164: p.text().nullable(),
    position: p.text().nullable(),
    department: p.text().nullable(),
    employeeNumber: p.text().nullable(),
    isPrimary: p.boolean().default(false),
    ...recordColumns(),
  },
});
export class BusinessContact extends BusinessContactSchema.class {}
BusinessContactSchema.setClass(BusinessContact);
