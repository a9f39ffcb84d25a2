// The start page's "deals that need attention" (R1): my open deals gone quiet or past their close date.
import { z } from 'zod';
import { TimeZoneSchema } from '../tasks/tasks.schemas.ts';

export const ATTENTION_REASONS = ['noRecentActivity', 'closeDatePassed'] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

/** Days without an activity after which an open deal needs attention. */
export const QUIET_DAYS = 14;

export const AttentionQuerySchema = z.object({
  timeZone: TimeZoneSchema.optional().meta({ description: 'Your time zone, for which day is today' }),
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Deals shown at most' }),
});

export const AttentionDealSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    value: z.string().meta({ description: 'Decimal string with the currency\'s decimal places, e.g. "1250.00"' }),
    currency: z.string(),
    stageId: z.uuid(),
    stageName: z.string(),
    expectedCloseDate: z.iso.date().nullable(),
    lastActivityAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When the latest activity on the deal took place; null if it has none' }),
    reasons: z.array(z.enum(ATTENTION_REASONS)).min(1),
  })
  .meta({ id: 'AttentionDeal' });
export type AttentionDeal = z.output<typeof AttentionDealSchema>;

export const AttentionSchema = z
  .object({
    date: z.iso.date().meta({ description: 'Today in timeZone' }),
    quietDays: z.number().int().meta({ description: 'Days without activity after which a deal is listed' }),
    total: z.number().int(),
    items: z.array(AttentionDealSchema),
  })
  .meta({ id: 'Attention', description: 'My open deals that need attention, close date passed first' });
export type Attention = z.output<typeof AttentionSchema>;
