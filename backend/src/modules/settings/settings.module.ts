import type { CrmModule } from '../module.ts';
import { settingsRoutes } from './settings.routes.ts';

export const settingsModule: CrmModule = {
  name: 'settings',
  routes: () => settingsRoutes(),
};
