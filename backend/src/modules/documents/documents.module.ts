import type { CrmModule } from '../module.ts';
import { documentsRoutes } from './documents.routes.ts';
import { documentsOverview } from './documents.service.ts';

export const documentsModule: CrmModule = {
  name: 'documents',
  routes: ({ config, blobStore }) => documentsRoutes({ store: blobStore, maxBytes: config.documentMaxBytes }),
  overviewSections: [{ name: 'documents', section: documentsOverview }],
};
