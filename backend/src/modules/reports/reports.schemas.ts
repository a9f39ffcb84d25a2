// Reports (R3) as the API answers them: a report is a few named tables (sections), each with its
// column keys and rows keyed by them, so one shape serves the JSON, the CSV and the web app's table.
import { z } from 'zod';

export const REPORT_NAMES = ['pipeline', 'win-loss', 'activities', 'customers'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

/** The filters each report takes; any other is refused (400), not silently ignored. */
export const REPORT_FILTERS = {
  pipeline: ['pipelineId', 'ownerId', 'from', 'to'],
  'win-loss': ['pipelineId', 'ownerId', 'from', 'to'],
  activities: ['ownerId', 'from', 'to'],
  customers: [],
} as const satisfies Record<ReportName, readonly ReportFilter[]>;

/** Revenue bands of the customer statistics, by annual revenue in the organization's records. */
export const REVENUE_BANDS = ['under1m', '1mTo10m', '10mTo50m', 'over50m', 'unknown'] as const;
export type RevenueBand = (typeof REVENUE_BANDS)[number];

export const ReportParamsSchema = z.object({
  name: z
    .string()
    .max(40)
    .meta({ description: `One of ${REPORT_NAMES.join(', ')}` }),
});

export const ReportQuerySchema = z
  .object({
    pipelineId: z.uuid().optional().meta({ description: 'Only deals of this pipeline' }),
    ownerId: z.uuid().optional().meta({ description: 'Only deals or activities of this user' }),
    from: z.iso.date().optional().meta({
      description:
        'First day of the period (Europe/Berlin): expected close date (pipeline), close date (win-loss), start or completion (activities)',
    }),
    to: z.iso.date().optional().meta({ description: 'Last day of the period, inclusive' }),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    path: ['to'],
    message: 'must not be before from',
  });
export type ReportQuery = z.infer<typeof ReportQuerySchema>;
export type ReportFilter = keyof ReportQuery;

export const ReportCellSchema = z.union([z.string(), z.number(), z.null()]);
export type ReportCell = z.infer<typeof ReportCellSchema>;

export const ReportSectionSchema = z.object({
  /** pipeline: stages; win-loss: months, owners, lostReasons; activities: users, userTasks, teams, teamTasks; customers: industries, postalRegions, revenueBands. */
  key: z.string(),
  columns: z.array(z.string()),
  /**
   * Counts are numbers; amounts decimal strings with a point (per currency, never mixed); a
   * customer's revenue band one of REVENUE_BANDS; a missing industry or region null.
   */
  rows: z.array(z.record(z.string(), ReportCellSchema)),
});
export type ReportSection = z.infer<typeof ReportSectionSchema>;

export const ReportSchema = z
  .object({
    name: z.enum(REPORT_NAMES),
    filters: z.object({
      pipelineId: z.uuid().nullable(),
      ownerId: z.uuid().nullable(),
      from: z.iso.date().nullable(),
      to: z.iso.date().nullable(),
    }),
    sections: z.array(ReportSectionSchema),
  })
  .meta({ id: 'Report' });
export type Report = z.infer<typeof ReportSchema>;
