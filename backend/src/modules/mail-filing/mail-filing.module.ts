import { defineJob } from '../../jobs/registry.ts';
import type { CrmModule } from '../module.ts';
import { mailFilingRoutes } from './mail-filing.routes.ts';
import { FILE_BY_REFERENCE_JOB, type FileByReferenceJob, fileByReferenceJobs } from './mail-filing.service.ts';

/** Filing by reference from the add-in (Y7): the server fetches the mail through Graph. */
export const mailFilingModule: CrmModule = {
  name: 'mail-filing',
  routes: ({ graph }) => mailFilingRoutes({ graph }),
  jobs: [defineJob<FileByReferenceJob>(FILE_BY_REFERENCE_JOB, fileByReferenceJobs, { transaction: 'own' })],
};
