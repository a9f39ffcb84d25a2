// Persons, organizations and the business contacts joining them (MRM).
import { defineEntity, p } from '@mikro-orm/core';
import { recordColumns, tenantColumn, tenantIsolation, trashable, userRef } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';

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
  emails: p.json<EmailValue[]>().defaultRaw("'[]'::jsonb"),
  phones: p.json<PhoneValue[]>().defaultRaw("'[]'::jsonb"),
  addresses: p.json<AddressValue[]>().defaultRaw("'[]'::jsonb"),
});

export const PersonSchema = defineEntity({
  name: 'Person',
  filters: trashable(),
  tableName: 'person',
  policies: tenantIsolation(),
  indexes: [
    { name: 'person_emails_idx', properties: ['emails'], type: 'gin' },
    {
      name: 'person_name_order_idx',
      expression:
        "CREATE INDEX person_name_order_idx ON public.person USING btree (tenant_id, lower(last_name), lower(COALESCE(first_name, ''::text)), id) WHERE (deleted_at IS NULL)",
    },
    { name: 'person_owner_idx', properties: ['tenant', 'ownerId'] },
    { name: 'person_phones_idx', properties: ['phones'], type: 'gin' },
    {
      name: 'person_trash_idx',
      where: 'deleted_at IS NOT NULL',
      properties: ['tenant', 'deletedAt'],
      columns: [{ name: 'tenant_id' }, { name: 'deleted_at', sort: 'DESC' }],
    },
    {
      name: 'person_updated_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'updatedAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'updated_at', sort: 'DESC' }, { name: 'id' }],
    },
  ],
  checks: [
    {
      name: 'person_addresses_check',
      expression: "jsonb_typeof(addresses) = 'array'::text",
    },
    {
      name: 'person_custom_fields_check',
      expression: "jsonb_typeof(custom_fields) = 'object'::text",
    },
    {
      name: 'person_emails_check',
      expression: "jsonb_typeof(emails) = 'array'::text",
    },
    { name: 'person_first_name_check', expression: 'length(first_name) <= 100' },
    {
      name: 'person_last_name_check',
      expression: '(length(last_name) >= 1) AND (length(last_name) <= 100)',
    },
    {
      name: 'person_phones_check',
      expression: "jsonb_typeof(phones) = 'array'::text",
    },
    { name: 'person_title_check', expression: 'length(title) <= 60' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    title: p.text().nullable(),
    firstName: p.text().nullable(),
    lastName: p.text(),
    ...contactPointColumns(),
    birthday: p.string().columnType('date').nullable(),
    language: p.enum(['de', 'en']).nullable(),
    customFields: p.json<Record<string, unknown>>().defaultRaw("'{}'::jsonb"),
    ownerId: () => userRef('owner_id'),
    ...recordColumns(),
  },
});
export class Person extends PersonSchema.class {}
PersonSchema.setClass(Person);

export const OrganizationSchema = defineEntity({
  name: 'Organization',
  filters: trashable(),
  tableName: 'organization',
  policies: tenantIsolation(),
  indexes: [
    { name: 'organization_emails_idx', properties: ['emails'], type: 'gin' },
    {
      name: 'organization_name_order_idx',
      expression:
        'CREATE INDEX organization_name_order_idx ON public.organization USING btree (tenant_id, lower(name), id) WHERE (deleted_at IS NULL)',
    },
    { name: 'organization_owner_idx', properties: ['tenant', 'ownerId'] },
    { name: 'organization_phones_idx', properties: ['phones'], type: 'gin' },
    {
      name: 'organization_trash_idx',
      where: 'deleted_at IS NOT NULL',
      properties: ['tenant', 'deletedAt'],
      columns: [{ name: 'tenant_id' }, { name: 'deleted_at', sort: 'DESC' }],
    },
    {
      name: 'organization_updated_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'updatedAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'updated_at', sort: 'DESC' }, { name: 'id' }],
    },
    {
      name: 'organization_vat_idx',
      where: 'vat_id IS NOT NULL',
      properties: ['tenant', 'vatId'],
    },
  ],
  checks: [
    {
      name: 'organization_addresses_check',
      expression: "jsonb_typeof(addresses) = 'array'::text",
    },
    {
      name: 'organization_custom_fields_check',
      expression: "jsonb_typeof(custom_fields) = 'object'::text",
    },
    {
      name: 'organization_emails_check',
      expression: "jsonb_typeof(emails) = 'array'::text",
    },
    {
      name: 'organization_employee_count_check',
      expression: 'employee_count >= 0',
    },
    { name: 'organization_industry_check', expression: 'length(industry) <= 100' },
    {
      name: 'organization_name_check',
      expression: '(length(name) >= 1) AND (length(name) <= 200)',
    },
    {
      name: 'organization_phones_check',
      expression: "jsonb_typeof(phones) = 'array'::text",
    },
    { name: 'organization_revenue_check', expression: 'revenue >= 0' },
    { name: 'organization_vat_id_check', expression: 'length(vat_id) <= 20' },
    { name: 'organization_website_check', expression: 'length(website) <= 300' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    name: p.text(),
    ...contactPointColumns(),
    vatId: p.text().nullable(),
    industry: p.text().nullable(),
    employeeCount: p.integer().nullable(),
    /** Decimal as a string: money never goes through floats. */
    revenue: p.decimal('string').precision(18).scale(2).nullable(),
    website: p.text().nullable(),
    customFields: p.json<Record<string, unknown>>().defaultRaw("'{}'::jsonb"),
    ownerId: () => userRef('owner_id'),
    ...recordColumns(),
  },
});
export class Organization extends OrganizationSchema.class {}
OrganizationSchema.setClass(Organization);

export const BusinessContactSchema = defineEntity({
  name: 'BusinessContact',
  filters: trashable(),
  tableName: 'business_contact',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'business_contact_email_idx',
      where: 'email IS NOT NULL',
      properties: ['tenant', 'email'],
    },
    {
      name: 'business_contact_organization_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'organization'],
    },
    {
      name: 'business_contact_person_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'person'],
    },
    {
      name: 'business_contact_phone_idx',
      where: 'phone_e164 IS NOT NULL',
      properties: ['tenant', 'phoneE164'],
    },
  ],
  uniques: [
    {
      name: 'business_contact_primary_uq',
      where: 'is_primary AND (deleted_at IS NULL)',
      properties: ['person'],
    },
  ],
  checks: [
    {
      name: 'business_contact_department_check',
      expression: 'length(department) <= 120',
    },
    {
      name: 'business_contact_email_check',
      expression: '(email = lower(email)) AND (length(email) <= 254)',
    },
    {
      name: 'business_contact_employee_number_check',
      expression: 'length(employee_number) <= 40',
    },
    { name: 'business_contact_phone_check', expression: 'length(phone) <= 40' },
    {
      name: 'business_contact_position_check',
      expression: 'length("position") <= 120',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    person: () => p.manyToOne(Person).fieldName('person_id').deleteRule('cascade'),
    organization: () => p.manyToOne(Organization).fieldName('organization_id').deleteRule('cascade'),
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
