import type { CrmModule } from '../module.ts';
import { mailTemplatesRoutes } from './mail-templates.routes.ts';

export const mailSendModule: CrmModule = {
  name: 'mail-send',
  routes: () => mailTemplatesRoutes(),
};
