import { emOf, requireRole, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import {
  AdminNotificationsPageSchema,
  AdminNotificationsQuerySchema,
  MyNotificationSchema,
  MyNotificationsPageSchema,
  MyNotificationsQuerySchema,
  NotificationsMarkedSchema,
} from './notifications.schemas.ts';
import {
  listMyNotifications,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from './notifications.service.ts';

export function notificationsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/me/notifications',
      operationId: 'listMyNotifications',
      summary: 'My notifications, newest first (reminders, delegations, mentions …), with the unread count',
      tags: ['Notifications'],
      query: MyNotificationsQuerySchema,
      responses: { 200: jsonResponse(MyNotificationsPageSchema, 'A page of my notifications') },
      async handler(ctx, { query }) {
        const me = requireUser(ctx);
        ctx.body = await listMyNotifications(emOf(ctx), me.userId, {
          limit: query.limit,
          cursor: query.cursor,
          unread: query.unread === 'true',
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/me/notifications/{id}/read',
      operationId: 'markMyNotificationRead',
      summary: 'Mark one of my notifications read',
      tags: ['Notifications'],
      params: IdParamsSchema,
      responses: {
        200: jsonResponse(MyNotificationSchema, 'The notification, read'),
        404: { description: 'Not one of my notifications' },
      },
      async handler(ctx, { params }) {
        const me = requireUser(ctx);
        ctx.body = await markNotificationRead(emOf(ctx), me.userId, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/me/notifications/read-all',
      operationId: 'markAllMyNotificationsRead',
      summary: 'Mark all my notifications read',
      tags: ['Notifications'],
      responses: {
        200: jsonResponse(NotificationsMarkedSchema, 'How many were marked'),
      },
      async handler(ctx) {
        const me = requireUser(ctx);
        ctx.body = { marked: await markAllNotificationsRead(emOf(ctx), me.userId) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/notifications',
      operationId: 'listNotifications',
      summary: "The organisation's notifications with their delivery state, attempts and last error (admin)",
      tags: ['Notifications'],
      query: AdminNotificationsQuerySchema,
      responses: {
        200: jsonResponse(AdminNotificationsPageSchema, 'A page of notifications, newest first'),
        403: { description: 'Admins only' },
      },
      async handler(ctx, { query }) {
        requireRole(ctx, 'admin');
        ctx.body = await listNotifications(emOf(ctx), query);
      },
    }),
  ];
}
