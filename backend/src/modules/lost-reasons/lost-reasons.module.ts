import type { CrmModule } from '../module.ts';
import { lostReasonsRoutes } from './lost-reasons.routes.ts';

export const lostReasonsModule: CrmModule = {
  name: 'lost-reasons',
  routes: () => lostReasonsRoutes(),
};
