import type { CrmModule } from '../module.ts';
import {
  convertedLeadsOverview,
  leadOverview,
  leadsLostFor,
  leadTitles,
  moveConvertedLeadsOnMerge,
  trashedLeads,
} from './leads.hooks.ts';
import { leadsRoutes } from './leads.routes.ts';
import { LEAD_FILTER_FIELDS } from './leads.service.ts';

export const leadsModule: CrmModule = {
  name: 'leads',
  routes: () => leadsRoutes(),
  overviewSections: [
    { name: 'record', section: leadOverview, types: ['lead'] },
    { name: 'leads', section: convertedLeadsOverview, types: ['person', 'organization', 'business_contact', 'deal'] },
  ],
  trashSources: [trashedLeads],
  linkableTypes: [{ type: 'lead', table: 'lead', label: 'lead' }],
  recordTitles: { lead: leadTitles },
  filterFields: { lead: LEAD_FILTER_FIELDS },
  lostReasonUsage: [leadsLostFor],
  mergeHooks: [moveConvertedLeadsOnMerge],
};
