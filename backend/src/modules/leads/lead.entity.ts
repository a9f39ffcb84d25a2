// Leads and the organisation's mapping of lead fields onto persons, organizations and deals.
import { defineEntity, p } from '@mikro-orm/core';
import {
  authorColumns,
  tenantColumn,
  tenantIsolation,
  trashable,
  userRef,
  versionedColumns,
} from '../../entity-columns.ts';
import { boardChangeTriggers } from '../board/board-change.entity.ts';
import { BusinessContact, Organization, Person } from '../contacts/contact.entity.ts';
import { Deal } from '../deals/deal.entity.ts';
import {
  pipelineRecordChecks,
  pipelineRecordIndexes,
  pipelineRecordProperties,
  pipelineRecordUniques,
} from '../pipeline-records/pipeline-record.entity.ts';
import type { FieldMappingEntry } from './leads.schemas.ts';

/** A lead's person and company: its properties (the API's names too) with their columns, in the view's order. */
export const LEAD_CONTACT_FIELDS = {
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  phone: 'phone',
  phoneE164: 'phone_e164',
  position: 'position',
  companyName: 'company_name',
  website: 'website',
  industry: 'industry',
  street: 'street',
  postalCode: 'postal_code',
  city: 'city',
  country: 'country',
  source: 'source',
} as const;

export const LeadSchema = defineEntity({
  name: 'Lead',
  tableName: 'lead',
  filters: trashable(),
  policies: tenantIsolation(),
  // Live boards: each write appends its pipelines to board_change.
  triggers: boardChangeTriggers('lead'),
  indexes: [
    ...pipelineRecordIndexes('lead'),
    {
      name: 'lead_converted_business_contact_id_idx',
      where: 'converted_business_contact_id IS NOT NULL',
      properties: ['convertedBusinessContact'],
    },
    {
      name: 'lead_converted_deal_id_idx',
      where: 'converted_deal_id IS NOT NULL',
      properties: ['convertedDeal'],
    },
    {
      name: 'lead_converted_organization_id_idx',
      where: 'converted_organization_id IS NOT NULL',
      properties: ['convertedOrganization'],
    },
    {
      name: 'lead_converted_person_id_idx',
      where: 'converted_person_id IS NOT NULL',
      properties: ['convertedPerson'],
    },
  ],
  uniques: pipelineRecordUniques('lead'),
  checks: [
    ...pipelineRecordChecks('lead'),
    {
      name: 'lead_check1',
      expression: "(status = 'converted'::text) = (converted_at IS NOT NULL)",
    },
    { name: 'lead_city_check', expression: 'length(city) <= 100' },
    { name: 'lead_company_name_check', expression: 'length(company_name) <= 200' },
    { name: 'lead_country_check', expression: "country ~ '^[A-Z]{2}$'::text" },
    { name: 'lead_email_check', expression: 'length(email) <= 254' },
    { name: 'lead_first_name_check', expression: 'length(first_name) <= 100' },
    { name: 'lead_industry_check', expression: 'length(industry) <= 100' },
    { name: 'lead_last_name_check', expression: 'length(last_name) <= 100' },
    { name: 'lead_phone_check', expression: 'length(phone) <= 40' },
    { name: 'lead_phone_e164_check', expression: 'length(phone_e164) <= 20' },
    { name: 'lead_position_check', expression: 'length("position") <= 120' },
    { name: 'lead_postal_code_check', expression: 'length(postal_code) <= 12' },
    { name: 'lead_salutation_check', expression: 'length(salutation) <= 60' },
    { name: 'lead_source_check', expression: 'length(source) <= 100' },
    { name: 'lead_street_check', expression: 'length(street) <= 200' },
    { name: 'lead_website_check', expression: 'length(website) <= 300' },
  ],
  properties: {
    ...pipelineRecordProperties(['open', 'converted', 'lost']),
    salutation: p.text().nullable(),
    firstName: p.text().nullable(),
    lastName: p.text().nullable(),
    email: p.text().nullable(),
    phone: p.text().nullable(),
    phoneE164: p.text().nullable(),
    position: p.text().nullable(),
    companyName: p.text().nullable(),
    website: p.text().nullable(),
    industry: p.text().nullable(),
    street: p.text().nullable(),
    postalCode: p.text().nullable(),
    city: p.text().nullable(),
    country: p.text().nullable(),
    source: p.text().nullable(),
    convertedAt: p.datetime().nullable(),
    convertedBy: () => userRef('converted_by'),
    convertedPerson: () => p.manyToOne(Person).fieldName('converted_person_id').nullable(),
    convertedOrganization: () => p.manyToOne(Organization).fieldName('converted_organization_id').nullable(),
    convertedBusinessContact: () => p.manyToOne(BusinessContact).fieldName('converted_business_contact_id').nullable(),
    convertedDeal: () => p.manyToOne(Deal).fieldName('converted_deal_id').nullable(),
  },
});
export class Lead extends LeadSchema.class {}
LeadSchema.setClass(Lead);

export const LeadFieldMappingSchema = defineEntity({
  name: 'LeadFieldMapping',
  tableName: 'lead_field_mapping',
  policies: tenantIsolation(),
  checks: [
    {
      name: 'lead_field_mapping_mappings_check',
      expression: "jsonb_typeof(mappings) = 'array'::text",
    },
  ],
  properties: {
    tenant: () => tenantColumn().primary().updateRule('no action'),
    mappings: p.json<FieldMappingEntry[]>(),
    ...versionedColumns(),
    ...authorColumns(),
  },
});
export class LeadFieldMapping extends LeadFieldMappingSchema.class {}
LeadFieldMappingSchema.setClass(LeadFieldMapping);
