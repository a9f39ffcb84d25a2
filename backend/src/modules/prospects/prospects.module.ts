import type { CrmModule } from '../module.ts';
import { prospectsRoutes } from './prospects.routes.ts';

export const prospectsModule: CrmModule = {
  name: 'prospects',
  routes: () => prospectsRoutes(),
};
