import type { CrmModule } from '../module.ts';
import { searchRoutes } from './search.routes.ts';

export const searchModule: CrmModule = {
  name: 'search',
  routes: () => searchRoutes(),
};
