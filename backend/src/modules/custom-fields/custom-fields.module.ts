import type { CrmModule } from '../module.ts';
import { customFieldsRoutes } from './custom-fields.routes.ts';

export const customFieldsModule: CrmModule = {
  name: 'custom-fields',
  routes: () => customFieldsRoutes(),
};
