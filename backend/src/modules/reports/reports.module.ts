import type { CrmModule } from '../module.ts';
import { reportsRoutes } from './reports.routes.ts';

export const reportsModule: CrmModule = {
  name: 'reports',
  routes: () => reportsRoutes(),
};
