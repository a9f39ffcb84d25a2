// The tenant's rules for filing mail automatically (Y2): one row per organisation, made on the first
// change; until then the defaults of capture-decision.ts hold. A user's own rules (opt out, excluded
// addresses) are one of their settings (settings module).
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, versionedColumns } from '../../entity-columns.ts';
import { LINK_OPEN_DEALS } from './capture-rules.schemas.ts';

export const CaptureRulesSchema = defineEntity({
  name: 'CaptureRules',
  tableName: 'capture_rules',
  policies: tenantIsolation(),
  checks: [
    { name: 'capture_rules_internal_domains_check', expression: "jsonb_typeof(internal_domains) = 'array'::text" },
    { name: 'capture_rules_verified_domains_check', expression: "jsonb_typeof(verified_domains) = 'array'::text" },
    {
      name: 'capture_rules_excluded_addresses_check',
      expression: "jsonb_typeof(excluded_addresses) = 'array'::text",
    },
    { name: 'capture_rules_excluded_domains_check', expression: "jsonb_typeof(excluded_domains) = 'array'::text" },
    { name: 'capture_rules_folders_check', expression: "jsonb_typeof(folders) = 'array'::text" },
    { name: 'capture_rules_lookback_days_check', expression: '(lookback_days >= 0) AND (lookback_days <= 3650)' },
  ],
  properties: {
    tenant: () => tenantColumn().primary().updateRule('no action'),
    /** Automatic filing on or off for the whole organisation. */
    enabled: p.boolean().default(true),
    /** Null: the tenant's verified domains (learnt from Graph) are the internal ones. */
    internalDomains: p.json<string[]>().nullable(),
    /** The tenant's verified domains as Graph last named them (/organization). */
    verifiedDomains: p.json<string[]>().defaultRaw("'[]'::jsonb"),
    excludedAddresses: p.json<string[]>().defaultRaw("'[]'::jsonb"),
    excludedDomains: p.json<string[]>().defaultRaw("'[]'::jsonb"),
    /** Well-known mail folders read: inbox, sentitems. */
    folders: p.json<string[]>().defaultRaw('\'["inbox", "sentitems"]\'::jsonb'),
    lookbackDays: p.integer().default(30),
    /** Which open deals of a mail's persons it is filed to as well (capture-decision.ts). */
    linkOpenDeals: p.enum([...LINK_OPEN_DEALS]).default('single'),
    ...versionedColumns(),
  },
});
export class CaptureRules extends CaptureRulesSchema.class {}
CaptureRulesSchema.setClass(CaptureRules);
