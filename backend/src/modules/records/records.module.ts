// History and trash of every record type, and the links items have to records.
import { moveRecordLinksOnMerge } from '../../records/record-links.ts';
import type { CrmModule } from '../module.ts';
import { historyOverview, recordsRoutes } from './records.routes.ts';

export const recordsModule: CrmModule = {
  name: 'records',
  routes: () => recordsRoutes(),
  overviewSections: [{ name: 'history', section: historyOverview }],
  mergeHooks: [moveRecordLinksOnMerge],
};
