import type { CrmModule } from '../module.ts';
import { pipelinesRoutes } from './pipelines.routes.ts';
import { seedSalesDefaults } from './sales-defaults.ts';

export const pipelinesModule: CrmModule = {
  name: 'pipelines',
  routes: () => pipelinesRoutes(),
  tenantSetupSteps: [seedSalesDefaults],
};
