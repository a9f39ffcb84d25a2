import type { CrmModule } from '../module.ts';
import { relationsRoutes } from './relations.routes.ts';
import { moveRelationsOnMerge, relationsOverview, seedDefaultRelationTypes } from './relations.service.ts';

export const relationsModule: CrmModule = {
  name: 'relations',
  routes: () => relationsRoutes(),
  overviewSections: [{ name: 'relations', section: relationsOverview }],
  mergeHooks: [moveRelationsOnMerge],
  tenantSetupSteps: [seedDefaultRelationTypes],
};
