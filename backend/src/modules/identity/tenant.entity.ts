import { defineEntity, p } from '@mikro-orm/core';

/** A Microsoft 365 organisation using the CRM; its id is the Entra tenant id (`tid`). */
export const TenantSchema = defineEntity({
  name: 'Tenant',
  tableName: 'tenant',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    defaultLanguage: p.text().default('de'),
    /** Entra object id of the admin whose sign-in or consent set the tenant up. */
    setUpBy: p.uuid().nullable(),
    version: p.integer().version(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class Tenant extends TenantSchema.class {}
TenantSchema.setClass(Tenant);
