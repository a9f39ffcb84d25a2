import type { CrmModule } from '../module.ts';
import { healthRoutes } from './health.routes.ts';

export const healthModule: CrmModule = {
  name: 'health',
  routes: ({ orm }) => healthRoutes(orm),
};
