// Leads and the organisation's mapping of lead fields onto persons, organizations and deals.
import { defineEntity, p } from '@mikro-orm/core';
import {
  authorColumns,
  recordColumns,
  tenantColumn,
  tenantIsolation,
  trashable,
  userRef,
  versionedColumns,
} from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { boardChangeTriggers } from '../board/board-change.entity.ts';
import { BusinessContact, Organization, Person } from '../contacts/contact.entity.ts';
import { Deal } from '../deals/deal.entity.ts';
import { LostReason } from '../lost-reasons/lost-reason.entity.ts';
import { Pipeline, PipelineStage } from '../pipelines/pipeline.entity.ts';

export const LeadSchema = defineEntity({
  name: 'Lead',
  tableName: 'lead',
  filters: trashable(),
  policies: tenantIsolation(),
  // Live boards: each write appends its pipelines to board_change.
  triggers: boardChangeTriggers('lead'),
  indexes: [
    { name: 'lead_stage_idx', expression: 'create index lead_stage_idx on lead (stage_id)' },
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
    {
      name: 'lead_lost_reason_idx',
      where: 'lost_reason_id IS NOT NULL',
      properties: ['lostReason'],
    },
    {
      name: 'lead_owner_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'ownerId'],
    },
    {
      name: 'lead_trash_idx',
      where: 'deleted_at IS NOT NULL',
      properties: ['tenant', 'deletedAt'],
      columns: [{ name: 'tenant_id' }, { name: 'deleted_at', sort: 'DESC' }],
    },
    {
      name: 'lead_updated_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'updatedAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'updated_at', sort: 'DESC' }, { name: 'id' }],
    },
  ],
  uniques: [
    // Written out: the index's covering columns (include) are columns, which the entity's index
    // options type as property names.
    {
      name: 'lead_board_idx',
      expression: `create unique index lead_board_idx on lead (tenant_id, pipeline_id, stage_id, rank)
        include (value, currency, owner_id) where status = 'open' and deleted_at is null`,
    },
  ],
  checks: [
    {
      name: 'lead_check',
      expression: `
CASE
    WHEN (status = 'lost'::text) THEN (lost_reason_id IS NOT NULL)
    ELSE ((lost_reason_id IS NULL) AND (lost_note IS NULL))
END`,
    },
    {
      name: 'lead_check1',
      expression: "(status = 'converted'::text) = (converted_at IS NOT NULL)",
    },
    { name: 'lead_city_check', expression: 'length(city) <= 100' },
    { name: 'lead_company_name_check', expression: 'length(company_name) <= 200' },
    { name: 'lead_country_check', expression: "country ~ '^[A-Z]{2}$'::text" },
    { name: 'lead_currency_check', expression: "currency ~ '^[A-Z]{3}$'::text" },
    {
      name: 'lead_custom_fields_check',
      expression: "jsonb_typeof(custom_fields) = 'object'::text",
    },
    { name: 'lead_email_check', expression: 'length(email) <= 254' },
    { name: 'lead_first_name_check', expression: 'length(first_name) <= 100' },
    { name: 'lead_industry_check', expression: 'length(industry) <= 100' },
    { name: 'lead_last_name_check', expression: 'length(last_name) <= 100' },
    { name: 'lead_lost_note_check', expression: 'length(lost_note) <= 2000' },
    { name: 'lead_phone_check', expression: 'length(phone) <= 40' },
    { name: 'lead_phone_e164_check', expression: 'length(phone_e164) <= 20' },
    { name: 'lead_position_check', expression: 'length("position") <= 120' },
    { name: 'lead_postal_code_check', expression: 'length(postal_code) <= 12' },
    {
      name: 'lead_rank_check',
      expression: "rank ~ '^[A-Za-z][0-9A-Za-z]*$'::text",
    },
    { name: 'lead_salutation_check', expression: 'length(salutation) <= 60' },
    { name: 'lead_source_check', expression: 'length(source) <= 100' },
    { name: 'lead_street_check', expression: 'length(street) <= 200' },
    {
      name: 'lead_title_check',
      expression: '(length(title) >= 1) AND (length(title) <= 200)',
    },
    { name: 'lead_value_check', expression: 'value >= 0' },
    { name: 'lead_website_check', expression: 'length(website) <= 300' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    title: p.text(),
    pipeline: () => p.manyToOne(Pipeline).fieldName('pipeline_id').deleteRule('no action'),
    stage: () =>
      p
        .manyToOne(PipelineStage)
        .fieldNames('pipeline_id', 'stage_id')
        .referencedColumnNames('pipeline_id', 'id')
        .deleteRule('no action')
        .index(false),
    status: p.enum(['open', 'converted', 'lost']).default('open'),
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
    ownerId: () => userRef('owner_id'),
    value: p.decimal().precision(18).scale(4).defaultRaw(`0`),
    currency: p.text(),
    lostReason: () => p.manyToOne(LostReason).fieldName('lost_reason_id').deleteRule('no action').nullable(),
    lostNote: p.text().nullable(),
    closedAt: p.datetime().nullable(),
    convertedAt: p.datetime().nullable(),
    convertedBy: () => userRef('converted_by'),
    convertedPerson: () => p.manyToOne(Person).fieldName('converted_person_id').nullable(),
    convertedOrganization: () => p.manyToOne(Organization).fieldName('converted_organization_id').nullable(),
    convertedBusinessContact: () => p.manyToOne(BusinessContact).fieldName('converted_business_contact_id').nullable(),
    convertedDeal: () => p.manyToOne(Deal).fieldName('converted_deal_id').nullable(),
    rank: p.text().collation('C'),
    stageEnteredAt: p.datetime().defaultRaw(`now()`),
    customFields: p.json().defaultRaw("'{}'::jsonb"),
    ...recordColumns(),
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
    mappings: p.json(),
    ...versionedColumns(),
    ...authorColumns(),
  },
});
export class LeadFieldMapping extends LeadFieldMappingSchema.class {}
LeadFieldMappingSchema.setClass(LeadFieldMapping);
