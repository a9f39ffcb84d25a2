import type { CrmModule } from '../module.ts';
import { calendarRoutes } from './calendar.routes.ts';

export const calendarModule: CrmModule = {
  name: 'calendar',
  routes: () => calendarRoutes(),
};
