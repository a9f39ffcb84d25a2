import type { CrmModule } from '../module.ts';
import { attentionRoutes } from './attention.routes.ts';

export const attentionModule: CrmModule = {
  name: 'attention',
  routes: () => attentionRoutes(),
};
