// The Teams bot's own tables: where it can reach each user, and what it began to post.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, timestampColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { User } from '../identity/user.entity.ts';
import { Notification } from '../notifications/notification.entity.ts';

export const BOT_CONVERSATION_TYPES = ['personal', 'groupChat', 'channel'] as const;
export type BotConversationType = (typeof BOT_CONVERSATION_TYPES)[number];

/**
 * A conversation reference as Teams gave it when a user installed the app (or wrote to the bot):
 * enough to post to that conversation later without being asked (serviceUrl and conversation id).
 */
export const BotConversationSchema = defineEntity({
  name: 'BotConversation',
  tableName: 'bot_conversation',
  policies: tenantIsolation(),
  indexes: [{ name: 'bot_conversation_conversation_idx', properties: ['tenant', 'conversationId'] }],
  uniques: [{ name: 'bot_conversation_user_uq', properties: ['tenant', 'userId', 'conversationId'] }],
  checks: [
    { name: 'bot_conversation_bot_id_check', expression: 'length(bot_id) <= 200' },
    { name: 'bot_conversation_conversation_id_check', expression: 'length(conversation_id) <= 500' },
    { name: 'bot_conversation_service_url_check', expression: 'length(service_url) <= 500' },
    { name: 'bot_conversation_teams_user_id_check', expression: 'length(teams_user_id) <= 200' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    userId: () => p.manyToOne(User).fieldName('user_id').mapToPk().deleteRule('cascade'),
    conversationId: p.text(),
    conversationType: p.enum([...BOT_CONVERSATION_TYPES]),
    serviceUrl: p.text(),
    /** The user's Teams id (`29:…`), which only this bot sees. */
    teamsUserId: p.text(),
    /** The bot's Teams id (`28:<app id>`). */
    botId: p.text(),
    locale: p.text().nullable(),
    /** IANA time zone Teams reported for the user's client (clientInfo); snoozing to 09:00 uses it. */
    timeZone: p.text().nullable(),
    /** When Teams answered 403 for it (bot removed or blocked): nothing is posted here any more. */
    goneAt: p.datetime().nullable(),
    ...timestampColumns(),
  },
});
export class BotConversation extends BotConversationSchema.class {}
BotConversationSchema.setClass(BotConversation);

/**
 * One notification the bot began to post: written (and committed) before the post, completed with
 * Teams' activity id after it. A row without an activity id after a crash means "maybe posted":
 * Teams offers no way to ask, so the deliverer never posts that notification again.
 */
export const BotDeliverySchema = defineEntity({
  name: 'BotDelivery',
  tableName: 'bot_delivery',
  policies: tenantIsolation(),
  indexes: [{ name: 'bot_delivery_tenant_idx', properties: ['tenant'] }],
  properties: {
    notificationId: () =>
      p
        .manyToOne(Notification)
        .primary()
        .fieldName('notification_id')
        .mapToPk()
        .deleteRule('cascade')
        .updateRule('no action'),
    tenant: () => tenantColumn(),
    conversationId: p.text(),
    activityId: p.text().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    postedAt: p.datetime().nullable(),
  },
});
export class BotDelivery extends BotDeliverySchema.class {}
BotDeliverySchema.setClass(BotDelivery);
