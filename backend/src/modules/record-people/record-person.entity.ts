// People (users) attached to a record in a role.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, userRef } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { Person } from '../contacts/contact.entity.ts';

export const RecordPersonSchema = defineEntity({
  name: 'RecordPerson',
  tableName: 'record_person',
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'record_person_record_idx',
      properties: ['tenant', 'recordType', 'recordId'],
    },
  ],
  uniques: [
    {
      name: 'record_person_uq',
      expression:
        'CREATE UNIQUE INDEX record_person_uq ON public.record_person USING btree (record_type, record_id, COALESCE(person_id, user_id))',
    },
  ],
  checks: [
    {
      name: 'record_person_check',
      expression: '(person_id IS NULL) <> (user_id IS NULL)',
    },
    { name: 'record_person_role_check', expression: 'length(role) <= 80' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    recordType: p.text(),
    recordId: p.uuid(),
    person: () => p.manyToOne(Person).fieldName('person_id').deleteRule('cascade').nullable(),
    userId: () => userRef('user_id').deleteRule('cascade'),
    role: p.text().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    createdBy: () => userRef('created_by'),
  },
});
export class RecordPerson extends RecordPersonSchema.class {}
RecordPersonSchema.setClass(RecordPerson);
