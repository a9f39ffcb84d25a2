import { z } from 'zod';
import { responseSink } from '../../http/csv-response.ts';
import { requestLanguage } from '../../http/language.ts';
import { emOf, principalOf } from '../../http/principal.ts';
import { defineRoute, type RouteSpec } from '../../http/route.ts';
import { reportCsv, reportFileName } from './reports.csv.ts';
import { REPORT_NAMES, ReportParamsSchema, ReportQuerySchema, ReportSchema } from './reports.schemas.ts';
import { reportName, runReport } from './reports.service.ts';

export function reportsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/reports/{name}',
      operationId: 'getReport',
      summary: `A report (${REPORT_NAMES.join(', ')}) over what the caller may see; as CSV for Excel with Accept: text/csv (UTF-8 with BOM, semicolons, formula-safe cells)`,
      tags: ['Reports'],
      params: ReportParamsSchema,
      query: ReportQuerySchema,
      responses: {
        200: {
          description: 'The report, as JSON or as a CSV file (attachment) with a table per section',
          content: { 'application/json': { schema: ReportSchema }, 'text/csv': { schema: z.string() } },
        },
        400: { description: 'A filter the report does not take, or a bad value' },
        404: { description: 'No report of that name' },
      },
      async handler(ctx, { params, query }) {
        const name = reportName(params.name, query);
        const principal = principalOf(ctx);
        // The caller's language unless the request names one (a download in the UI's language).
        const language = ctx.get('Accept-Language') ? requestLanguage(ctx) : principal.language;
        const report = await runReport(emOf(ctx), principal, name, query, language);
        if (ctx.accepts('application/json', 'text/csv') === 'text/csv') {
          const sink = responseSink(ctx);
          sink.start(reportFileName(report, language));
          await sink.write(reportCsv(report, language));
          sink.end();
          return;
        }
        ctx.body = report;
      },
    }),
  ];
}
