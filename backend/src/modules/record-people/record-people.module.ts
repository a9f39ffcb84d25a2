import type { CrmModule } from '../module.ts';
import { recordPeopleRoutes } from './record-people.routes.ts';
import { movePeopleOnMerge, peopleOverview } from './record-people.service.ts';

export const recordPeopleModule: CrmModule = {
  name: 'record-people',
  routes: () => recordPeopleRoutes(),
  overviewSections: [{ name: 'people', section: peopleOverview }],
  mergeHooks: [movePeopleOnMerge],
};
