// POST /api/messages: where Teams (Azure Bot Service) sends the bot's activities. The Agents SDK's
// CloudAdapter checks the channel's token and runs the turn; Koa's context is given to it through a
// small request/response shim.
import type { Request as AgentsRequest, CloudAdapter, TurnContext, WebResponse } from '@microsoft/agents-hosting';
import type { Context, Middleware } from 'koa';
import { AppError } from '../../http/errors.ts';
import { agentsAuthConfiguration, type BotSettings } from './bot.settings.ts';

export const BOT_MESSAGES_PATH = '/api/messages';

/** The part of Node's response the SDK writes to, kept on Koa's context instead. */
class KoaResponse implements WebResponse {
  headersSent = false;
  writableEnded = false;
  statusCode = 200;
  body: unknown;
  readonly headers: Record<string, string> = {};

  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }
  send(body?: unknown): this {
    this.body = body;
    return this;
  }
  end(): this {
    this.writableEnded = true;
    return this;
  }
  applyTo(ctx: Context): void {
    ctx.set(this.headers);
    ctx.status = this.statusCode;
    if (this.body !== undefined) ctx.body = this.body;
  }
}

export function botEndpoint(settings: BotSettings, turn: (context: TurnContext) => Promise<void>): Middleware {
  // Loaded at the first activity: the SDK's CommonJS require()s jose, which an ES module graph still
  // being linked (the app's, which imports jose too) cannot give it.
  let adapter: Promise<CloudAdapter> | undefined;
  const adapterOf = () =>
    (adapter ??= import('@microsoft/agents-hosting').then(({ CloudAdapter }) => {
      const created = new CloudAdapter(agentsAuthConfiguration(settings));
      // A failing turn goes to the app's error handling (a problem answer and a log line).
      created.onTurnError = async (_context, error) => {
        throw error;
      };
      return created;
    }));
  return async (ctx, next) => {
    if (ctx.path !== BOT_MESSAGES_PATH) return next();
    if (ctx.method !== 'POST') {
      throw new AppError({
        status: 405,
        code: 'method_not_allowed',
        title: 'Method not allowed',
        detail: `${BOT_MESSAGES_PATH} takes only POST: activities from the Bot Framework.`,
        headers: { Allow: 'POST' },
      });
    }
    const request: AgentsRequest = {
      method: 'POST',
      headers: ctx.req.headers as AgentsRequest['headers'],
      body: ctx.request.body as Record<string, unknown> | undefined,
    };
    const response = new KoaResponse();
    const adapter = await adapterOf();
    let authorized = false;
    await adapter.authorizeRequest(request, response, () => {
      authorized = true;
    });
    if (!authorized) {
      throw new AppError({
        status: 401,
        code: 'bot_channel_unauthenticated',
        title: 'Not from the Bot Framework',
        detail: `${BOT_MESSAGES_PATH} takes activities only with a valid channel token (Authorization: Bearer <JWT> issued for this bot).`,
        headers: { 'WWW-Authenticate': 'Bearer realm="crm-bot"' },
      });
    }
    if (!request.body || typeof request.body !== 'object') {
      throw new AppError({
        status: 400,
        code: 'bot_activity_missing',
        title: 'No activity',
        detail: 'Send the activity as a JSON body (Content-Type: application/json).',
      });
    }
    await adapter.process(request, response, turn);
    response.applyTo(ctx);
  };
}
