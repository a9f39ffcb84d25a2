import type { CrmModule } from '../module.ts';
import { identityRoutes } from './identity.routes.ts';
import { setupRoutes } from './setup.routes.ts';

export const identityModule: CrmModule = {
  name: 'identity',
  routes: ({ config, orm, graph }) => [...identityRoutes(), ...setupRoutes(config, orm, graph)],
};
