// Activities (calls, meetings, ...) and the types a tenant gives them.
import { defineEntity, p } from '@mikro-orm/core';
import {
  recordColumns,
  tenantColumn,
  tenantIsolation,
  trashable,
  userRef,
  versionedColumns,
} from '../../entity-columns.ts';
import { newId } from '../../ids.ts';

export const ActivityTypeSchema = defineEntity({
  name: 'ActivityType',
  tableName: 'activity_type',
  policies: tenantIsolation(),
  uniques: [
    {
      name: 'activity_type_name_de_uq',
      expression:
        'CREATE UNIQUE INDEX activity_type_name_de_uq ON public.activity_type USING btree (tenant_id, lower(name_de))',
    },
    {
      name: 'activity_type_name_en_uq',
      expression:
        'CREATE UNIQUE INDEX activity_type_name_en_uq ON public.activity_type USING btree (tenant_id, lower(name_en))',
    },
    { name: 'activity_type_system_uq', properties: ['tenant', 'systemKey'] },
  ],
  checks: [
    {
      name: 'activity_type_color_check',
      expression: "color ~ '^#[0-9a-f]{6}$'::text",
    },
    {
      name: 'activity_type_icon_check',
      expression: "icon ~ '^[a-z][a-z0-9-]{0,39}$'::text",
    },
    {
      name: 'activity_type_name_de_check',
      expression: '(length(name_de) >= 1) AND (length(name_de) <= 80)',
    },
    {
      name: 'activity_type_name_en_check',
      expression: '(length(name_en) >= 1) AND (length(name_en) <= 80)',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    systemKey: p.enum(['call', 'email', 'meeting', 'visit']).nullable(),
    nameDe: p.text(),
    nameEn: p.text(),
    color: p.text(),
    icon: p.text(),
    active: p.boolean().default(true),
    ...versionedColumns(),
  },
});
export class ActivityType extends ActivityTypeSchema.class {}
ActivityTypeSchema.setClass(ActivityType);

export const ActivitySchema = defineEntity({
  name: 'Activity',
  tableName: 'activity',
  filters: trashable(),
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'activity_creator_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'createdBy', 'startsAt'],
    },
    {
      name: 'activity_list_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'startsAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'starts_at', sort: 'DESC' }, { name: 'id' }],
    },
    {
      name: 'activity_owner_idx',
      where: 'deleted_at IS NULL',
      properties: ['tenant', 'ownerId', 'startsAt', 'id'],
    },
    {
      // Dashboards: open activities due by now, counted from the index alone.
      name: 'activity_due_idx',
      where: '(deleted_at IS NULL) AND (NOT done)',
      properties: ['tenant', 'startsAt', 'id'],
    },
    {
      // Dashboards: the activities a colleague held in a period.
      name: 'activity_held_idx',
      where: '(deleted_at IS NULL) AND done',
      properties: ['tenant', 'ownerId', 'startsAt'],
    },
    {
      name: 'activity_trash_idx',
      where: 'deleted_at IS NOT NULL',
      properties: ['tenant', 'deletedAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'deleted_at', sort: 'DESC' }, { name: 'id' }],
    },
  ],
  checks: [
    {
      name: 'activity_description_check',
      expression: 'length(description) <= 20000',
    },
    {
      name: 'activity_duration_minutes_check',
      expression: '(duration_minutes >= 0) AND (duration_minutes <= 14400)',
    },
    { name: 'activity_location_check', expression: 'length(location) <= 300' },
    { name: 'activity_outcome_check', expression: 'length(outcome) <= 2000' },
    {
      name: 'activity_subject_check',
      expression: '(length(subject) >= 1) AND (length(subject) <= 300)',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    type: () => p.manyToOne(ActivityType).fieldName('type_id').deleteRule('restrict').index('activity_type_idx'),
    subject: p.text(),
    description: p.text().nullable(),
    startsAt: p.datetime(),
    durationMinutes: p.integer().nullable(),
    /** Where it takes place (Outlook's location). */
    location: p.text().nullable(),
    /** Lasts whole days: starts at midnight of its date in the owner's zone, durationMinutes in whole days. */
    allDay: p.boolean().default(false),
    done: p.boolean().default(false),
    outcome: p.text().nullable(),
    direction: p.enum(['inbound', 'outbound']).nullable(),
    ownerId: () => userRef('owner_id'),
    ...recordColumns(),
  },
});
export class Activity extends ActivitySchema.class {}
ActivitySchema.setClass(Activity);
