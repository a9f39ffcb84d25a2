import type { CrmModule } from '../module.ts';
import { savedFiltersRoutes } from './saved-filters.routes.ts';

export const savedFiltersModule: CrmModule = {
  name: 'saved-filters',
  routes: () => savedFiltersRoutes(),
};
