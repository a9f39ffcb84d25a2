import type { CrmModule } from '../module.ts';
import { activitiesRoutes } from './activities.routes.ts';
import {
  ACTIVITY_FILTER_FIELDS,
  activitiesOverview,
  activitiesTimeline,
  seedActivityTypes,
} from './activities.service.ts';

export const activitiesModule: CrmModule = {
  name: 'activities',
  routes: () => activitiesRoutes(),
  overviewSections: [{ name: 'activities', section: activitiesOverview }],
  timelineSources: { activities: activitiesTimeline },
  tenantSetupSteps: [seedActivityTypes],
  filterFields: { activity: ACTIVITY_FILTER_FIELDS },
};
