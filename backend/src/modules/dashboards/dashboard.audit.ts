// What a dashboard's history shows: its name, whether it is the company's, and its widgets.
import { auditPolicy } from '../../records/audit.ts';
import { Dashboard } from './dashboard.entity.ts';

export const dashboardAudit = auditPolicy<Dashboard>({
  entity: Dashboard,
  type: 'dashboard',
  show: (dashboard) => ({
    name: dashboard.name,
    published: dashboard.publishedAt !== null && dashboard.publishedAt !== undefined,
    widgets: dashboard.widgets,
  }),
});
