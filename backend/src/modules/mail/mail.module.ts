import type { CrmModule } from '../module.ts';
import { mailRoutes } from './mail.routes.ts';
import { mailsOverview } from './mail.service.ts';
import { eraseMailsOfPerson } from './mail-erasure.service.ts';
import { moveMailReferencesOnMerge } from './references.service.ts';

export const mailModule: CrmModule = {
  name: 'mail',
  routes: ({ config, blobStore }) =>
    mailRoutes({
      store: blobStore,
      documentMaxBytes: config.documentMaxBytes,
      filingMaxBytes: config.mailFilingMaxBytes,
    }),
  overviewSections: [{ name: 'mails', section: mailsOverview }],
  mergeHooks: [moveMailReferencesOnMerge],
  erasureHooks: [eraseMailsOfPerson],
};
