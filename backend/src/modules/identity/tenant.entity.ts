import { defineEntity, p } from '@mikro-orm/core';
import { versionedColumns } from '../../entity-columns.ts';
import { APP_ROLE } from '../../http/tenancy.ts';

/** A Microsoft 365 organisation using the CRM; its id is the Entra tenant id (`tid`). */
export const TenantSchema = defineEntity({
  name: 'Tenant',
  tableName: 'tenant',
  // The app role sees its own organisation only (the other tables: tenantIsolation()).
  policies: [{ name: 'tenant_isolation', roles: [APP_ROLE], using: 'id = crm_current_tenant()' }],
  checks: [
    { name: 'tenant_name_check', expression: '(length(name) >= 1) AND (length(name) <= 256)' },
    { name: 'tenant_default_currency_check', expression: "default_currency ~ '^[A-Z]{3}$'::text" },
    { name: 'tenant_required_fields_check', expression: "jsonb_typeof(required_fields) = 'object'::text" },
  ],
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    defaultLanguage: p.enum(['de', 'en']).default('de'),
    /** Entra object id of the admin whose sign-in or consent set the tenant up. */
    setUpBy: p.uuid().nullable(),
    /** Built-in fields the organisation requires, by entity type. */
    requiredFields: p.json<Record<string, string[]>>().defaultRaw("'{}'::jsonb"),
    defaultCurrency: p.text().default('EUR'),
    ...versionedColumns(),
  },
});

export class Tenant extends TenantSchema.class {}
TenantSchema.setClass(Tenant);
