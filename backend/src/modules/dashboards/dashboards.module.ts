import type { CrmModule } from '../module.ts';
import { dashboardsRoutes } from './dashboards.routes.ts';

export const dashboardsModule: CrmModule = {
  name: 'dashboards',
  routes: () => dashboardsRoutes(),
};
