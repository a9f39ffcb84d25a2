import type { CrmModule } from '../module.ts';
import { boardRoutes } from './board.routes.ts';

export const boardModule: CrmModule = {
  name: 'board',
  routes: () => boardRoutes(),
};
