import { defineEntity, p } from '@mikro-orm/core';
import { versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { ROLES, type Role } from './identity.schemas.ts';
import { Tenant } from './tenant.entity.ts';

// The roles belong to the API contract (front ends import it); kept importable from here.
export { ROLES, type Role };

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    /** The Entra object id (`oid`) of the person. */
    entraObjectId: p.uuid(),
    email: p.text(),
    displayName: p.text(),
    jobTitle: p.text().nullable(),
    language: p.text().default('de'),
    roles: p.array().$type<Role[]>(),
    active: p.boolean().default(true),
    lastSeenAt: p.datetime().nullable(),
    ...versionedColumns(),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
