// Dashboards (R1, R2): a user's own arrangement of widgets; an admin publishes one as the company's.
import { defineEntity, p } from '@mikro-orm/core';
import { authorColumns, tenantColumn, tenantIsolation, userRef, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import type { Widget } from './dashboards.schemas.ts';

export const DashboardSchema = defineEntity({
  name: 'Dashboard',
  tableName: 'dashboard',
  policies: tenantIsolation(),
  indexes: [{ name: 'dashboard_owner_idx', properties: ['tenant', 'ownerId'] }],
  uniques: [
    {
      name: 'dashboard_published_uq',
      expression:
        'CREATE UNIQUE INDEX dashboard_published_uq ON public.dashboard USING btree (tenant_id) WHERE (published_at IS NOT NULL)',
    },
  ],
  checks: [
    { name: 'dashboard_name_check', expression: '(length(name) >= 1) AND (length(name) <= 120)' },
    { name: 'dashboard_widgets_check', expression: "jsonb_typeof(widgets) = 'array'::text" },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    ownerId: () => userRef('owner_id').deleteRule('cascade'),
    name: p.text(),
    widgets: p.json<Widget[]>(),
    /** Set while it is the company's dashboard, which everyone sees; one per organisation. */
    publishedAt: p.datetime().nullable(),
    publishedBy: () => userRef('published_by'),
    ...versionedColumns(),
    ...authorColumns(),
  },
});
export class Dashboard extends DashboardSchema.class {}
DashboardSchema.setClass(Dashboard);
