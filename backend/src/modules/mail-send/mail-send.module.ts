import type { CrmModule } from '../module.ts';
import { mailSendRoutes } from './mail-send.routes.ts';
import { mailTemplatesRoutes } from './mail-templates.routes.ts';

export const mailSendModule: CrmModule = {
  name: 'mail-send',
  routes: ({ config, blobStore, graph }) => [
    ...mailTemplatesRoutes(),
    ...mailSendRoutes({ graph, mail: { store: blobStore, documentMaxBytes: config.documentMaxBytes } }),
  ],
};
