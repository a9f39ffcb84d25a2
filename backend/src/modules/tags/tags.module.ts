import type { CrmModule } from '../module.ts';
import { tagsOverview } from './overview.sections.ts';
import { tagsRoutes } from './tags.routes.ts';
import { moveTagsOnMerge } from './tags.service.ts';

export const tagsModule: CrmModule = {
  name: 'tags',
  routes: () => tagsRoutes(),
  overviewSections: [{ name: 'tags', section: tagsOverview }],
  mergeHooks: [moveTagsOnMerge],
};
