import type { CrmModule } from '../module.ts';
import { notificationsRoutes } from './notifications.routes.ts';

export const notificationsModule: CrmModule = {
  name: 'notifications',
  routes: () => notificationsRoutes(),
};
