import type { CrmModule } from '../module.ts';
import { notifyManagersOfOutcome } from './deal-outcome.notify.ts';
import { dealOverview, dealsLostFor, moveDealsOnMerge, openDealsOverview, trashedDeals } from './deals.hooks.ts';
import { dealsRoutes } from './deals.routes.ts';

export const dealsModule: CrmModule = {
  name: 'deals',
  routes: () => dealsRoutes(),
  overviewSections: [
    { name: 'record', section: dealOverview, types: ['deal'] },
    { name: 'deals', section: openDealsOverview, types: ['person', 'organization', 'business_contact'] },
  ],
  trashSources: [trashedDeals],
  linkableTypes: [{ type: 'deal', table: 'deal', label: 'deal' }],
  lostReasonUsage: [dealsLostFor],
  mergeHooks: [moveDealsOnMerge],
  stageEntryListeners: [notifyManagersOfOutcome],
};
