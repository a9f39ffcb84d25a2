// GET/POST /api/v1/shared-mailboxes and DELETE /api/v1/shared-mailboxes/{id}: the team mailboxes an
// administrator names to be filed through Graph with the app's access (Y3).
import { requestLanguage } from '../../http/language.ts';
import { emOf, requireRole } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { SharedMailboxViewSchema } from '../graph-sync/graph-sync.schemas.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import { SharedMailboxInputSchema, SharedMailboxListSchema } from './shared-mailboxes.schemas.ts';
import {
  addSharedMailbox,
  listSharedMailboxes,
  removeSharedMailbox,
  sharedMailboxView,
} from './shared-mailboxes.service.ts';

export function sharedMailboxesRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/shared-mailboxes',
      operationId: 'listSharedMailboxes',
      summary: 'The shared mailboxes filed through Graph, with their health (administrators)',
      tags: ['Mail capture'],
      responses: {
        200: jsonResponse(SharedMailboxListSchema, 'The shared mailboxes'),
        403: { description: 'Needs the CRM role admin' },
      },
      async handler(ctx) {
        requireRole(ctx, 'admin');
        const language = requestLanguage(ctx);
        const mailboxes = await listSharedMailboxes(emOf(ctx));
        ctx.body = { items: mailboxes.map((mailbox) => sharedMailboxView(mailbox, language)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/shared-mailboxes',
      operationId: 'addSharedMailbox',
      summary: 'Name a shared mailbox to be filed through Graph (administrators)',
      tags: ['Mail capture'],
      body: SharedMailboxInputSchema,
      responses: {
        201: jsonResponse(SharedMailboxViewSchema, 'The shared mailbox as kept'),
        400: { description: 'Not an email address' },
        403: { description: 'Needs the CRM role admin' },
        409: { description: 'The mailbox is named already' },
      },
      async handler(ctx, { body }) {
        const principal = requireRole(ctx, 'admin');
        const mailbox = await addSharedMailbox(emOf(ctx), principal, body);
        ctx.status = 201;
        ctx.body = sharedMailboxView(mailbox, requestLanguage(ctx));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/shared-mailboxes/{id}',
      operationId: 'removeSharedMailbox',
      summary: 'Stop filing a shared mailbox (administrators); what it filed stays',
      tags: ['Mail capture'],
      params: IdParamsSchema,
      responses: {
        204: { description: 'Removed' },
        403: { description: 'Needs the CRM role admin' },
        404: { description: 'Not found' },
      },
      async handler(ctx, { params }) {
        requireRole(ctx, 'admin');
        await removeSharedMailbox(emOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
  ];
}
