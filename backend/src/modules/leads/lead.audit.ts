// What a lead's history shows: the fields deals and leads share, its person and company, and what
// it became when converted.
import { auditPolicy } from '../../records/audit.ts';
import { recordAuditSnapshot } from '../pipeline-records/pipeline-record.audit.ts';
import { LEAD_CONTACT_FIELDS, Lead } from './lead.entity.ts';

export const leadAudit = auditPolicy<Lead>({
  entity: Lead,
  type: 'lead',
  show: (lead) => ({
    ...recordAuditSnapshot(lead),
    ...Object.fromEntries(
      Object.keys(LEAD_CONTACT_FIELDS).map((field) => [field, lead[field as keyof typeof LEAD_CONTACT_FIELDS] ?? null]),
    ),
    convertedTo:
      lead.status === 'converted'
        ? {
            personId: lead.convertedPerson?.id ?? null,
            organizationId: lead.convertedOrganization?.id ?? null,
            businessContactId: lead.convertedBusinessContact?.id ?? null,
            dealId: lead.convertedDeal?.id ?? null,
          }
        : null,
  }),
});
