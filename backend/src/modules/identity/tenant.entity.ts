import { defineEntity, p } from '@mikro-orm/core';
import { versionedColumns } from '../../entity-columns.ts';

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
    ...versionedColumns(),
  },
});

export class Tenant extends TenantSchema.class {}
TenantSchema.setClass(Tenant);
