import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { validationFailed } from '../../http/errors.ts';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { requestLanguage } from '../../http/language.ts';
import { emOf, requireRole, requireUser } from '../../http/principal.ts';
import { problem } from '../../http/problems.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { listSharedMailboxes, sharedMailboxView } from '../mail-capture/shared-mailboxes.service.ts';
import type { ModuleContext } from '../module.ts';
import { readContactsScope, writeContactsScope } from './contacts/contacts-scope.ts';
import { MailboxConnection } from './graph-sync.entity.ts';
import {
  AdminSyncSchema,
  ContactsScopeSchema,
  MailboxSyncSchema,
  MySyncSchema,
  StoredContactsScopeSchema,
  SyncConnectSchema,
  SyncRunQueuedSchema,
  SyncUserParamsSchema,
  ValidationQuerySchema,
} from './graph-sync.schemas.ts';
import { acceptNotifications, mailboxHealth, queueRun, setMailboxSync, syncNow } from './graph-sync.service.ts';

export const NOTIFICATIONS_PATH = '/api/graph/notifications';

const NotificationsBodySchema = z.object({
  value: z
    .array(
      z.looseObject({
        subscriptionId: z.string().max(200),
        clientState: z.string().max(1000).optional(),
        tenantId: z.string().max(100).optional(),
        lifecycleEvent: z.string().max(100).optional(),
      }),
    )
    .max(1000),
});

export function graphSyncRoutes(context: ModuleContext): RouteSpec[] {
  const single = async (em: EntityManager, userId: string, ctx: Parameters<typeof requestLanguage>[0]) => {
    const [health] = await mailboxHealth(em, { userId }, requestLanguage(ctx));
    return health;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/me/sync',
      operationId: 'getMySync',
      summary: "My mailbox's Outlook sync: last success, backlog, last error (in my language)",
      tags: ['Sync'],
      responses: { 200: jsonResponse(MySyncSchema, 'My mailbox, when connected') },
      async handler(ctx) {
        const me = requireUser(ctx);
        ctx.body = { mailboxes: await mailboxHealth(emOf(ctx), { userId: me.userId }, requestLanguage(ctx)) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/me/sync',
      operationId: 'connectMySync',
      summary: 'Connect my mailbox to the Outlook sync (or stop it)',
      tags: ['Sync'],
      body: SyncConnectSchema,
      responses: { 200: jsonResponse(MySyncSchema, 'My mailbox after the change') },
      async handler(ctx, { body }) {
        const me = requireUser(ctx);
        const em = emOf(ctx);
        await setMailboxSync(em, me, me.userId, body.enabled);
        ctx.body = { mailboxes: await mailboxHealth(em, { userId: me.userId }, requestLanguage(ctx)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/me/sync/run',
      operationId: 'runMySync',
      summary: 'Sync now: queue a run of my mailbox (also after access was restored)',
      tags: ['Sync'],
      responses: {
        202: jsonResponse(SyncRunQueuedSchema, 'A run is queued'),
        409: { description: 'My mailbox is not connected' },
      },
      async handler(ctx) {
        const me = requireUser(ctx);
        const queued = await syncNow(emOf(ctx), me.userId);
        ctx.status = 202;
        ctx.body = { queued };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/me/sync/scope',
      operationId: 'getMySyncScope',
      summary: 'Which of my persons go to Outlook: every person I own, or only those with a tag',
      tags: ['Sync'],
      responses: { 200: jsonResponse(StoredContactsScopeSchema, 'My scope') },
      async handler(ctx) {
        const me = requireUser(ctx);
        const stored = await readContactsScope(emOf(ctx), me.userId);
        if (stored.version !== null) setVersionTag(ctx, stored.version);
        ctx.body = stored;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/me/sync/scope',
      operationId: 'putMySyncScope',
      summary:
        'Choose which of my persons go to Outlook (a tag, or null for all I own); persons leaving the scope leave the folder "CRM". If-Match with the version you changed ("0" for none yet)',
      tags: ['Sync'],
      body: ContactsScopeSchema,
      responses: {
        200: jsonResponse(StoredContactsScopeSchema, 'My scope as kept'),
        404: { description: 'No such tag in the organisation' },
        412: { description: 'Changed meanwhile (stale If-Match)' },
      },
      async handler(ctx, { body }) {
        const me = requireUser(ctx);
        const em = emOf(ctx);
        const stored = await writeContactsScope(em, me.userId, body, ifMatchVersion(ctx));
        // The folder follows at once: a run adds and removes what the new scope says.
        const connection = await em.findOne(MailboxConnection, { userId: me.userId });
        if (connection?.enabled) await queueRun(em, connection.id);
        if (stored.version !== null) setVersionTag(ctx, stored.version);
        ctx.body = stored;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/sync',
      operationId: 'listMailboxSyncs',
      summary: 'Every connected mailbox of the organisation with its sync health (admins)',
      tags: ['Sync'],
      responses: {
        200: jsonResponse(AdminSyncSchema, 'Every mailbox'),
        403: { description: 'Admins only' },
      },
      async handler(ctx) {
        requireRole(ctx, 'admin');
        const em = emOf(ctx);
        const language = requestLanguage(ctx);
        const shared = await listSharedMailboxes(em);
        ctx.body = {
          mailboxes: await mailboxHealth(em, {}, language),
          sharedMailboxes: shared.map((mailbox) => sharedMailboxView(mailbox, language)),
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/admin/sync/users/{userId}',
      operationId: 'connectUserSync',
      summary: "Connect a user's mailbox to the Outlook sync, or stop it (admins; the app has the tenant's consent)",
      tags: ['Sync'],
      params: SyncUserParamsSchema,
      body: SyncConnectSchema,
      responses: {
        200: jsonResponse(MailboxSyncSchema.nullable(), "The user's mailbox after the change"),
        403: { description: 'Admins only' },
        404: { description: 'No such user in the organisation' },
      },
      async handler(ctx, { params, body }) {
        const admin = requireRole(ctx, 'admin');
        const em = emOf(ctx);
        await setMailboxSync(em, admin, params.userId, body.enabled);
        ctx.body = (await single(em, params.userId, ctx)) ?? null;
      },
    }),
    defineRoute({
      method: 'post',
      path: NOTIFICATIONS_PATH,
      operationId: 'graphNotifications',
      summary: "Microsoft Graph's change and lifecycle notifications, and its validation handshake",
      description:
        "With ?validationToken= the token is answered as text/plain at once. Notifications are checked against their subscription's clientState and only queue a sync run; 202 when any was accepted, 403 when none was.",
      tags: ['Sync'],
      public: true,
      query: ValidationQuerySchema,
      responses: {
        200: { description: 'The validation token', content: { 'text/plain': { schema: z.string() } } },
        202: { description: 'Accepted: a run is queued' },
        403: { description: 'No subscription matches (wrong clientState): nothing was done' },
      },
      async handler(ctx, { query }) {
        if (query.validationToken !== undefined) {
          ctx.status = 200;
          ctx.type = 'text/plain';
          ctx.body = query.validationToken;
          return;
        }
        const parsed = NotificationsBodySchema.safeParse(ctx.request.body);
        if (!parsed.success) {
          throw validationFailed(
            parsed.error.issues.map((issue) => ({
              in: 'body',
              pointer: `#/${issue.path.join('/')}`,
              detail: issue.message,
            })),
          );
        }
        const result = await acceptNotifications(context.orm.em as EntityManager, parsed.data.value, ctx.state.log);
        if (result.accepted === 0 && result.refused > 0) throw problem('graph_notification_refused');
        ctx.status = 202;
        ctx.body = null;
      },
    }),
  ];
}
