// The Teams bot's own tables: where it can reach each user, and what it began to post.
import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../../ids.ts';
import { Tenant } from '../identity/tenant.entity.ts';

export type BotConversationType = 'personal' | 'groupChat' | 'channel';

/**
 * A conversation reference as Teams gave it when a user installed the app (or wrote to the bot):
 * enough to post to that conversation later without being asked (serviceUrl and conversation id).
 */
export const BotConversationSchema = defineEntity({
  name: 'BotConversation',
  tableName: 'bot_conversation',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    userId: p.uuid(),
    conversationId: p.text(),
    conversationType: p.text().$type<BotConversationType>(),
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
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
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
  properties: {
    notificationId: p.uuid().primary(),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    conversationId: p.text(),
    activityId: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    postedAt: p.datetime().nullable(),
  },
});
export class BotDelivery extends BotDeliverySchema.class {}
BotDeliverySchema.setClass(BotDelivery);
