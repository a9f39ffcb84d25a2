// Dashboards (R1, R2): a user's own dashboards, and the one an admin published for the whole
// company. Someone with neither sees the built-in default. Private dashboards of others do not
// exist for the caller; the company's is changed by admins only.
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, problem } from '../../http/problems.ts';
import { currentTenant } from '../../records/current-tenant.ts';
import { Dashboard } from './dashboard.entity.ts';
import type { CreateDashboard, DashboardView, UpdateDashboard, Widget } from './dashboards.schemas.ts';

/** What someone sees who has no dashboard and whose company published none. */
export const DEFAULT_WIDGETS: readonly Widget[] = [
  { id: 'deals-by-stage', type: 'deals-by-stage', size: 'large', filters: {} },
  { id: 'forecast-by-month', type: 'forecast-by-month', size: 'medium', filters: {} },
  { id: 'my-tasks', type: 'my-tasks', size: 'medium', filters: { personal: true } },
  { id: 'activities-due', type: 'activities-due', size: 'medium', filters: { personal: true } },
  { id: 'win-rate', type: 'win-rate', size: 'small', filters: {} },
  { id: 'top-deals', type: 'top-deals', size: 'medium', filters: {} },
];

const defaultDashboard = (principal: Principal): DashboardView => ({
  id: null,
  name: principal.language === 'de' ? 'Übersicht' : 'Overview',
  scope: 'default',
  ownerId: null,
  widgets: [...DEFAULT_WIDGETS],
  publishedAt: null,
  version: 0,
  editable: false,
  createdAt: null,
  updatedAt: null,
});

const isCompany = (dashboard: Dashboard): boolean =>
  dashboard.publishedAt !== null && dashboard.publishedAt !== undefined;

const mayEdit = (principal: Principal, dashboard: Dashboard): boolean =>
  isCompany(dashboard) ? principal.roles.has('admin') : dashboard.ownerId === principal.userId;

const toView = (principal: Principal, dashboard: Dashboard): DashboardView => ({
  id: dashboard.id,
  name: dashboard.name,
  scope: isCompany(dashboard) ? 'company' : 'own',
  ownerId: dashboard.ownerId ?? null,
  widgets: dashboard.widgets as Widget[],
  publishedAt: dashboard.publishedAt ? dashboard.publishedAt.toISOString() : null,
  version: dashboard.version,
  editable: mayEdit(principal, dashboard),
  createdAt: dashboard.createdAt.toISOString(),
  updatedAt: dashboard.updatedAt.toISOString(),
});

/** The caller's own dashboards and the company's. */
const visibleTo = (principal: Principal) => ({
  $or: [{ publishedAt: { $ne: null } }, { ownerId: principal.userId ?? null }],
});

async function findVisible(em: EntityManager, principal: Principal, id: string): Promise<Dashboard> {
  const dashboard = await em.findOne(Dashboard, { $and: [{ id }, visibleTo(principal)] });
  if (!dashboard) throw problem('no_such_dashboard', { id });
  return dashboard;
}

async function editable(em: EntityManager, principal: Principal, id: string): Promise<Dashboard> {
  const dashboard = await findVisible(em, principal, id);
  if (!mayEdit(principal, dashboard)) throw problem('company_dashboard_needs_admin');
  return dashboard;
}

/** The caller's own dashboards by name, then the company's; the default when there is neither. */
export async function listDashboards(em: EntityManager, principal: Principal): Promise<DashboardView[]> {
  const found = await em.find(Dashboard, visibleTo(principal));
  const own = found
    .filter((dashboard) => !isCompany(dashboard))
    .sort((a, b) => a.name.localeCompare(b.name, principal.language) || a.id.localeCompare(b.id));
  const company = found.filter(isCompany);
  const items = [...own, ...company].map((dashboard) => toView(principal, dashboard));
  return items.length > 0 ? items : [defaultDashboard(principal)];
}

export async function getDashboard(em: EntityManager, principal: Principal, id: string): Promise<DashboardView> {
  return toView(principal, await findVisible(em, principal, id));
}

export async function createDashboard(
  em: EntityManager,
  principal: Principal & { userId: string },
  input: CreateDashboard,
): Promise<DashboardView> {
  const dashboard = em.create(Dashboard, {
    tenant: currentTenant(em),
    ownerId: principal.userId,
    name: input.name,
    widgets: input.widgets,
    publishedAt: null,
  });
  await em.flush();
  return toView(principal, dashboard);
}

export async function updateDashboard(
  em: EntityManager,
  principal: Principal,
  id: string,
  change: UpdateDashboard,
  expectedVersion: number | undefined,
): Promise<DashboardView> {
  const dashboard = await editable(em, principal, id);
  checkVersion(dashboard, expectedVersion, named('dashboard', dashboard.name));
  em.assign(dashboard, {
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(change.widgets !== undefined ? { widgets: change.widgets } : {}),
  });
  await em.flush();
  return toView(principal, dashboard);
}

export async function deleteDashboard(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const dashboard = await editable(em, principal, id);
  checkVersion(dashboard, expectedVersion, named('dashboard', dashboard.name));
  em.remove(dashboard);
  await em.flush();
}

/**
 * Makes one of the admin's own dashboards (or the company's, again) the company's: everyone sees
 * it. The one published before goes back to its owner.
 */
export async function publishDashboard(
  em: EntityManager,
  principal: Principal & { userId: string },
  id: string,
  expectedVersion: number | undefined,
): Promise<DashboardView> {
  const dashboard = await findVisible(em, principal, id);
  checkVersion(dashboard, expectedVersion, named('dashboard', dashboard.name));
  if (isCompany(dashboard)) return toView(principal, dashboard);
  if (dashboard.ownerId !== principal.userId) throw problem('publish_foreign_dashboard', { id });
  const before = await em.find(Dashboard, { publishedAt: { $ne: null } });
  for (const published of before) em.assign(published, { publishedAt: null, publishedBy: null });
  // The partial unique index allows one published dashboard: the old one steps down first.
  if (before.length > 0) await em.flush();
  em.assign(dashboard, { publishedAt: new Date(), publishedBy: principal.userId });
  await em.flush();
  return toView(principal, dashboard);
}

/** The company's dashboard goes back to its owner alone. */
export async function unpublishDashboard(
  em: EntityManager,
  principal: Principal,
  id: string,
  expectedVersion: number | undefined,
): Promise<DashboardView> {
  const dashboard = await findVisible(em, principal, id);
  checkVersion(dashboard, expectedVersion, named('dashboard', dashboard.name));
  if (isCompany(dashboard)) {
    em.assign(dashboard, { publishedAt: null, publishedBy: null });
    await em.flush();
  }
  return toView(principal, dashboard);
}
