import type { CrmModule } from '../module.ts';
import { eraseOutlookContacts } from './contacts/contacts-erasure.ts';
import {
  graphSyncPollPeriodic,
  graphSyncPushPeriodic,
  graphSyncRunJob,
  graphSyncStallPeriodic,
} from './graph-sync.jobs.ts';
import { graphSyncRoutes } from './graph-sync.routes.ts';

/** Outlook contacts (and, through its resources, calendars) synced with Microsoft Graph (issue #15). */
export const graphSyncModule: CrmModule = {
  name: 'graph-sync',
  routes: (context) => graphSyncRoutes(context),
  erasureHooks: [eraseOutlookContacts],
  jobs: [graphSyncRunJob],
  periodics: [graphSyncPollPeriodic, graphSyncPushPeriodic, graphSyncStallPeriodic],
};
