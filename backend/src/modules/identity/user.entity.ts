import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { ROLES, type Role } from './identity.schemas.ts';

// The roles belong to the API contract (front ends import it); kept importable from here.
export { ROLES, type Role };

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  policies: tenantIsolation(),
  indexes: [
    { name: 'app_user_tenant_email_idx', properties: ['tenant', 'email'] },
    { name: 'app_user_tenant_name_idx', properties: ['tenant', 'displayName', 'id'] },
  ],
  uniques: [{ name: 'app_user_tenant_oid_uq', properties: ['tenant', 'entraObjectId'] }],
  checks: [
    { name: 'app_user_email_check', expression: 'email = lower(email)' },
    {
      name: 'app_user_roles_check',
      expression:
        "(roles <@ ARRAY['admin'::text, 'sales_manager'::text, 'sales_rep'::text, 'inside_sales'::text]) AND (cardinality(roles) > 0)",
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    /** The Entra object id (`oid`) of the person. */
    entraObjectId: p.uuid(),
    email: p.text(),
    displayName: p.text(),
    jobTitle: p.text().nullable(),
    language: p.enum(['de', 'en']).default('de'),
    roles: p.array().$type<Role[]>().default(['sales_rep']),
    active: p.boolean().default(true),
    lastSeenAt: p.datetime().nullable(),
    ...versionedColumns(),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
