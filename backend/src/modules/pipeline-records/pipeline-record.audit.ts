// What history shows of a deal's and a lead's shared fields, read from the entity by the audit
// subscriber (records/audit.ts); the same fields as recordSnapshot reads from a row.
import type { Snapshot } from '../../records/history.ts';
import type { Deal } from '../deals/deal.entity.ts';
import { formatAmount } from '../deals/money.ts';
import type { Lead } from '../leads/lead.entity.ts';

export function recordAuditSnapshot(record: Deal | Lead): Snapshot {
  return {
    title: record.title,
    value: formatAmount(record.value, record.currency),
    currency: record.currency,
    pipelineId: record.pipeline.id,
    stageId: record.stage.id,
    ownerId: record.ownerId ?? null,
    status: record.status,
    lostReasonId: record.lostReason?.id ?? null,
    lostNote: record.lostNote ?? null,
    customFields: record.customFields,
  };
}
