import { z } from 'zod';
import { PageQuerySchema, pageOf } from '../../http/pagination.ts';

export const NOTIFICATION_STATES = ['pending', 'sending', 'sent', 'failed'] as const;

const NotificationStateSchema = z
  .enum(NOTIFICATION_STATES)
  .meta({ id: 'NotificationState', description: 'Delivery by the Teams bot: pending, sending, sent or failed' });

const KindSchema = z
  .string()
  .regex(/^[a-z_.]{1,60}$/, 'a kind such as task.reminder, task.delegated or mention')
  .meta({ description: 'What happened: task.reminder, task.delegated, task.overdue, mention …' });

const NotificationBase = {
  id: z.uuid(),
  kind: KindSchema,
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
  payload: z
    .record(z.string(), z.unknown())
    .meta({ description: 'What the notification is about: ids and titles (e.g. taskId, title, remindAt)' }),
  state: NotificationStateSchema,
};

export const MyNotificationSchema = z.object(NotificationBase).meta({ id: 'MyNotification' });

export const MyNotificationsPageSchema = z
  .object({
    items: z.array(MyNotificationSchema),
    nextCursor: z.string().nullable().meta({ description: 'Pass as cursor for the next page; null on the last page' }),
    unreadCount: z.number().int().meta({ description: 'Unread notifications in all' }),
  })
  .meta({ id: 'MyNotificationsPage' });

export const MyNotificationsQuerySchema = PageQuerySchema.extend({
  unread: z
    .enum(['true', 'false'], { error: 'unread is true or false' })
    .optional()
    .meta({ description: 'true: only unread notifications' }),
});

export const AdminNotificationSchema = z
  .object({
    ...NotificationBase,
    recipientId: z.uuid(),
    attempts: z.number().int().meta({ description: 'Delivery attempts so far' }),
    lastError: z.string().nullable().meta({ description: 'Why the last delivery attempt failed' }),
    nextAttemptAt: z.iso.datetime().meta({ description: 'When delivery is tried (again)' }),
    sentAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'AdminNotification' });

export const AdminNotificationsPageSchema = pageOf(AdminNotificationSchema, 'AdminNotificationsPage');

export const AdminNotificationsQuerySchema = PageQuerySchema.extend({
  state: z.enum(NOTIFICATION_STATES, { error: `state is one of ${NOTIFICATION_STATES.join(', ')}` }).optional(),
  kind: KindSchema.optional(),
  recipientId: z.uuid({ error: 'recipientId is the id of a user' }).optional(),
});

export type MyNotification = z.infer<typeof MyNotificationSchema>;
export type AdminNotification = z.infer<typeof AdminNotificationSchema>;

export const NotificationsMarkedSchema = z
  .object({ marked: z.number().int().meta({ description: 'How many were unread' }) })
  .meta({
    id: 'NotificationsMarked',
  });
