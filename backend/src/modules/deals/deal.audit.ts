// What a deal's history shows: the fields deals and leads share, its contacts and close date.
import { auditPolicy } from '../../records/audit.ts';
import { recordAuditSnapshot } from '../pipeline-records/pipeline-record.audit.ts';
import { Deal } from './deal.entity.ts';

export const dealAudit = auditPolicy<Deal>({
  entity: Deal,
  type: 'deal',
  show: (deal) => ({
    ...recordAuditSnapshot(deal),
    personId: deal.person?.id ?? null,
    organizationId: deal.organization?.id ?? null,
    businessContactId: deal.businessContact?.id ?? null,
    expectedCloseDate: deal.expectedCloseDate ?? null,
  }),
});
