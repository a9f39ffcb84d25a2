import type { GraphGateway } from '../../graph/graph-gateway.ts';
import { emOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import {
  FileByReferenceSchema,
  MailFilingListSchema,
  MailFilingStateSchema,
  MailFilingsQuerySchema,
} from './mail-filing.schemas.ts';
import { filingState, filingsOfMessage, requestFiling } from './mail-filing.service.ts';

export function mailFilingRoutes(options: { graph: GraphGateway }): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/mail-filings',
      operationId: 'fileMailByReference',
      summary: 'File a mail by its Graph id: the CRM fetches it and its attachments and files it',
      description:
        'Answers at once with a pending filing; the mail is fetched through Microsoft Graph (immutable ids) and filed as an upload to POST /api/v1/mails is (one mail per internetMessageId). The same idempotencyKey again answers with the same filing. When Graph cannot reach the mailbox (409 mail_filing_graph_unreachable), upload the mail to POST /api/v1/mails instead.',
      tags: ['Mail'],
      body: FileByReferenceSchema,
      responses: {
        202: jsonResponse(MailFilingStateSchema, 'Taken; poll its Location until filed or failed'),
        403: { description: 'Needs a signed-in user' },
        409: { description: 'Graph cannot reach the mailbox (upload instead), or the key names another mail' },
        422: { description: 'No record, an unknown record' },
      },
      async handler(ctx, { body }) {
        const { filing } = await requestFiling(emOf(ctx), requireUser(ctx), options.graph, body);
        ctx.status = 202;
        ctx.set('Location', `/api/v1/mail-filings/${filing.id}`);
        ctx.body = filing;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/mail-filings',
      operationId: 'listMailFilingsOfMessage',
      summary: "The caller's own filings by reference of one message, newest first",
      description:
        'A pane opened again on a mail finds a filing it started before, still pending or done since. Only the caller’s own filings are listed.',
      tags: ['Mail'],
      query: MailFilingsQuerySchema,
      responses: {
        200: jsonResponse(MailFilingListSchema, 'The filings (none: an empty list)'),
        403: { description: 'Needs a signed-in user' },
      },
      async handler(ctx, { query }) {
        ctx.body = await filingsOfMessage(emOf(ctx), requireUser(ctx), query.messageId);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/mail-filings/{id}',
      operationId: 'getMailFiling',
      summary: 'Where a filing by reference stands: pending, filed (with the mail) or failed (with the problem)',
      tags: ['Mail'],
      params: IdParamsSchema,
      responses: {
        200: jsonResponse(MailFilingStateSchema, 'The filing'),
        404: { description: 'Not found (or not yours)' },
      },
      async handler(ctx, { params }) {
        ctx.body = await filingState(emOf(ctx), requireUser(ctx), params.id);
      },
    }),
  ];
}
