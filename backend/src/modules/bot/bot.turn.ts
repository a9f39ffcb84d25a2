// One turn of the bot: what it does with each activity Teams sends (installation and conversation
// updates, messages, Universal Actions on its cards). Rules live in the task services; this only
// translates between Teams and them.

import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  type AdaptiveCard,
  type ComposeExtensionResponse,
  helpCard,
  searchResultsCard,
  shareMessage,
  shareResults,
  taskListCard,
} from '@crm/teams-app/cards';
import { parseCommand } from '@crm/teams-app/commands';
import { words } from '@crm/teams-app/i18n';
import { type Activity, ActivityTypes } from '@microsoft/agents-activity';
import type { TurnContext } from '@microsoft/agents-hosting';
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { inTenantTransaction } from '../../http/tenancy.ts';
import type { Logger } from '../../logger.ts';
import { db } from '../../records/sql.ts';
import { Tenant } from '../identity/tenant.entity.ts';
import { ownedScopes, search } from '../search/search.service.ts';
import { myTasks } from '../tasks/my-tasks.service.ts';
import { canonicalTimeZone } from '../tasks/task-time.ts';
import type { BotSettings } from './bot.settings.ts';
import { answerCardAction } from './bot-actions.ts';
import { BotConversation, type BotConversationType } from './bot-conversation.entity.ts';
import { type BotUser, botUser, isGuid } from './bot-users.ts';

export interface BotDeps {
  orm: MikroORM;
  settings: BotSettings;
  logger: Logger;
}

/** The tenant an activity comes from: the conversation's, which Teams' channel data must not contradict. */
export function tenantOf(activity: Activity): string | undefined {
  const conversationTenant = activity.conversation?.tenantId;
  const channelTenant = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const tenant = conversationTenant ?? channelTenant;
  if (!isGuid(tenant)) return undefined;
  if (channelTenant !== undefined && conversationTenant !== undefined && channelTenant !== conversationTenant)
    return undefined;
  return tenant.toLowerCase();
}

/** The user's time zone as Teams' client reports it (clientInfo entity). */
export function clientTimeZone(activity: Activity): string | undefined {
  const info = (activity.entities ?? []).find((entity) => entity.type === 'clientInfo') as
    | { timezone?: unknown }
    | undefined;
  return typeof info?.timezone === 'string' && info.timezone.length <= 100 ? info.timezone : undefined;
}

const languageOfLocale = (locale: string | undefined): 'de' | 'en' =>
  locale?.toLowerCase().startsWith('en') ? 'en' : 'de';

export const cardMessage = (content: AdaptiveCard): Partial<Activity> => ({
  type: ActivityTypes.Message,
  attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content }],
});

/** Runs `work` in the activity tenant's transaction as the CRM user who sent it (undefined: unknown there). */
export function asSender<T>(
  deps: BotDeps,
  activity: Activity,
  work: (em: EntityManager, sender: BotUser | undefined) => Promise<T>,
): Promise<T> {
  const tenantId = tenantOf(activity);
  if (!tenantId) return work(deps.orm.em.fork() as EntityManager, undefined);
  return inTenantTransaction(deps.orm.em as EntityManager, tenantId, async (em) =>
    work(em, await botUser(em, tenantId, activity.from?.aadObjectId)),
  );
}

export function botTurn(deps: BotDeps): (context: TurnContext) => Promise<void> {
  return async (context) => {
    const activity = context.activity;
    switch (activity.type) {
      case ActivityTypes.InstallationUpdate:
        if (activity.action === 'remove' || activity.action === 'remove-upgrade') await forget(deps, activity);
        else await remember(deps, context, { greet: true });
        return;
      case ActivityTypes.ConversationUpdate: {
        const botId = activity.recipient?.id;
        if (activity.membersRemoved?.some((member) => member.id === botId)) await forget(deps, activity);
        else if (activity.membersAdded?.some((member) => member.id === botId))
          await remember(deps, context, { greet: false });
        return;
      }
      case ActivityTypes.Message:
        await answerMessage(deps, context);
        return;
      case ActivityTypes.Event:
        // Teams tells the bot how far the user has read the 1:1 chat: what they saw there is read in the app too.
        if (activity.name === READ_RECEIPT) await markReadInApp(deps, activity);
        return;
      case ActivityTypes.Invoke:
        if (activity.name === 'adaptiveCard/action') {
          const body = await answerCardAction(deps, activity);
          await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } } as Activity);
        } else if (activity.name === 'composeExtension/query') {
          const body = await answerShareQuery(deps, activity);
          await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } } as Activity);
        }
        return;
      default:
        return;
    }
  };
}

/** Stores (or refreshes) the conversation reference of the sender; greets in their language when asked. */
async function remember(deps: BotDeps, context: TurnContext, options: { greet: boolean }): Promise<void> {
  const activity = context.activity;
  const sender = await asSender(deps, activity, async (em, user) => {
    if (!user || !activity.conversation?.id || !activity.serviceUrl || !activity.from?.id) return user;
    const conversationType = (activity.conversation.conversationType ?? 'personal') as BotConversationType;
    await em.upsert(
      BotConversation,
      {
        tenant: em.getReference(Tenant, user.principal.tenantId),
        userId: user.user.id,
        conversationId: activity.conversation.id,
        conversationType,
        serviceUrl: activity.serviceUrl,
        teamsUserId: activity.from.id,
        botId: activity.recipient?.id ?? `28:${deps.settings.appId}`,
        locale: activity.locale ?? null,
        // Only a zone a clock knows: the managers' digest computes their morning from it.
        timeZone: canonicalTimeZone(clientTimeZone(activity) ?? '') ?? null,
        goneAt: null,
        updatedAt: new Date(),
      },
      { onConflictFields: ['tenant', 'userId', 'conversationId'], onConflictAction: 'merge' },
    );
    return user;
  });
  if (!sender) {
    if (options.greet) await context.sendActivity(words(languageOfLocale(activity.locale)).signInHint);
    return;
  }
  if (options.greet) await context.sendActivity(words(sender.language).greeting(sender.user.displayName));
}

/** The app was removed from a conversation: the bot forgets it, for every user it stored it for. */
async function forget(deps: BotDeps, activity: Activity): Promise<void> {
  const tenantId = tenantOf(activity);
  const conversationId = activity.conversation?.id;
  if (!tenantId || !conversationId) return;
  await inTenantTransaction(deps.orm.em as EntityManager, tenantId, (em) =>
    em.nativeDelete(BotConversation, { conversationId }),
  );
}

const LIST_LIMIT = 10;

async function answerMessage(deps: BotDeps, context: TurnContext): Promise<void> {
  const activity = context.activity;
  const reply = await asSender(deps, activity, async (em, sender): Promise<Partial<Activity> | string> => {
    if (!sender) return words(languageOfLocale(activity.locale)).signInHint;
    const w = words(sender.language);
    const cardContext = {
      language: sender.language,
      timeZone: clientTimeZone(activity) ?? 'Europe/Berlin',
      teamsAppId: deps.settings.teamsAppId,
    };
    const command = parseCommand(activity.text ?? '');
    switch (command.kind) {
      case 'help':
        return cardMessage(helpCard(cardContext));
      case 'myTasks':
      case 'today':
      case 'overdue': {
        const mine = await myTasks(em, sender.user.id, { timeZone: cardContext.timeZone, limit: LIST_LIMIT });
        const sections =
          command.kind === 'myTasks'
            ? [mine.overdue, mine.today, mine.next7Days, mine.waitingForMe]
            : [mine[command.kind]];
        const items = sections.flatMap((section) => section.items).slice(0, LIST_LIMIT);
        const total = sections.reduce((sum, section) => sum + section.total, 0);
        const title = command.kind === 'myTasks' ? w.myTasks : command.kind === 'today' ? w.today : w.overdue;
        return cardMessage(taskListCard(title, items, total, cardContext));
      }
      case 'search': {
        if (command.text === '') return w.searchNeedsText;
        const hits = await search(em, {
          q: command.text.slice(0, 200),
          limit: LIST_LIMIT,
          owned: await ownedScopes(sender.principal),
        });
        return cardMessage(searchResultsCard(command.text, hits, cardContext));
      }
      default:
        return w.unknownCommand(command.text);
    }
  });
  await context.sendActivity(typeof reply === 'string' ? reply : (reply as Activity));
}

/** What the message extension may share: the records a chat can use a card of. */
const SHAREABLE_TYPES = ['person', 'organization', 'business_contact', 'deal'] as const;
export const SHARE_COMMAND_ID = 'shareRecord';

/** The message extension's search: the sender's visible persons, organizations and deals, as cards to insert. */
async function answerShareQuery(deps: BotDeps, activity: Activity): Promise<ComposeExtensionResponse> {
  const query = (activity.value ?? {}) as {
    commandId?: string;
    parameters?: { name?: string; value?: unknown }[];
    queryOptions?: { skip?: number; count?: number };
  };
  return asSender(deps, activity, async (em, sender) => {
    if (!sender) return shareMessage(words(languageOfLocale(activity.locale)).signInHint);
    const context = {
      language: sender.language,
      timeZone: clientTimeZone(activity) ?? 'Europe/Berlin',
      teamsAppId: deps.settings.teamsAppId,
    };
    const text = query.parameters?.find((parameter) => parameter.name !== 'initialRun')?.value;
    const q = typeof text === 'string' ? text.trim().slice(0, 200) : '';
    if (query.commandId !== SHARE_COMMAND_ID || q === '') return shareMessage(words(sender.language).typeToShare);
    const count = Math.min(Math.max(query.queryOptions?.count ?? 25, 1), 25);
    const hits = await search(em, {
      q,
      types: SHAREABLE_TYPES,
      limit: count,
      owned: await ownedScopes(sender.principal, SHAREABLE_TYPES),
    });
    if (hits.length === 0) return shareMessage(words(sender.language).noHits(q));
    return shareResults(hits, context);
  });
}

/** Teams' read receipt event for bots (needs the ChatMessageReadReceipt.Read.Chat permission in the manifest). */
const READ_RECEIPT = 'application/vnd.microsoft.readReceipt';

/** The notifications the bot posted into this chat up to the last message the user read: read in the app too. */
async function markReadInApp(deps: BotDeps, activity: Activity): Promise<void> {
  const lastRead = (activity.value as { lastReadMessageId?: unknown } | undefined)?.lastReadMessageId;
  const conversationId = activity.conversation?.id;
  // Teams' message ids in a chat are increasing numbers (milliseconds); anything else says nothing.
  if (typeof lastRead !== 'string' || !/^[0-9]{1,20}$/.test(lastRead) || !conversationId) return;
  await asSender(deps, activity, async (em, sender) => {
    if (!sender) return;
    await db(em)
      .updateTable('notification')
      .set({ read_at: sql<Date>`coalesce(read_at, now())` })
      .where('recipient_id', '=', sender.user.id)
      .where('read_at', 'is', null)
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('bot_delivery')
          .select('notification_id')
          .where('conversation_id', '=', conversationId)
          .where('activity_id', '~', '^[0-9]{1,20}$')
          .where(sql<number>`activity_id::numeric`, '<=', sql<number>`${lastRead}::numeric`),
      )
      .execute();
  });
}
