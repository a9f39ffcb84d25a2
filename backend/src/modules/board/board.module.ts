import { definePeriodic } from '../../jobs/registry.ts';
import type { CrmModule } from '../module.ts';
import { forgetOldChanges, tenantsWithOldChanges } from './board.events.ts';
import { boardRoutes } from './board.routes.ts';

export const boardModule: CrmModule = {
  name: 'board',
  routes: (context) => boardRoutes(context),
  // The change sequence only needs its last minutes: live boards compare signatures.
  periodics: [definePeriodic('board-change-cleanup', 300, forgetOldChanges, { tenants: tenantsWithOldChanges })],
};
