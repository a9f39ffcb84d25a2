import type { CrmModule } from '../module.ts';
import { commentsRoutes } from './comments.routes.ts';
import { commentsOverview, moveCommentsOnMerge } from './comments.service.ts';

export const commentsModule: CrmModule = {
  name: 'comments',
  routes: () => commentsRoutes(),
  overviewSections: [{ name: 'comments', section: commentsOverview }],
  mergeHooks: [moveCommentsOnMerge],
};
