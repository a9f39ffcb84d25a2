// POST /api/messages: where Teams (Azure Bot Service) sends the bot's activities. The Agents SDK's
// CloudAdapter checks the channel's token and runs the turn; Koa's context is given to it through a
// small request/response shim.
import type {
  Request as AgentsRequest,
  AuthConfiguration,
  CloudAdapter,
  TurnContext,
  WebResponse,
} from '@microsoft/agents-hosting';
import type { Context, Middleware } from 'koa';
import { problem } from '../../http/problems.ts';
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

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A caller on this machine (the socket's own address: forwarded headers do not count). */
function fromLoopback(ctx: Context): boolean {
  const address = ctx.req.socket.remoteAddress ?? '';
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function loopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

/**
 * An activity of the Microsoft 365 Agents Playground, taken without a channel token: only with
 * BOT_PLAYGROUND set, without any Authorization header, from a caller on this machine, answering to
 * a connector on this machine. Anything else goes through the channel token check.
 */
function playgroundActivity(settings: BotSettings, ctx: Context): boolean {
  if (!settings.playground || ctx.get('authorization') !== '' || !fromLoopback(ctx)) return false;
  const body = ctx.request.body as { serviceUrl?: unknown } | undefined;
  return loopbackUrl(body?.serviceUrl);
}

export function botEndpoint(settings: BotSettings, turn: (context: TurnContext) => Promise<void>): Middleware {
  // Loaded at the first activity: the SDK's CommonJS require()s jose, which an ES module graph still
  // being linked (the app's, which imports jose too) cannot give it.
  let adapter: Promise<CloudAdapter> | undefined;
  let playgroundAdapter: Promise<CloudAdapter> | undefined;
  const created = (configuration: AuthConfiguration) =>
    import('@microsoft/agents-hosting').then(({ CloudAdapter }) => {
      const created = new CloudAdapter(configuration);
      // A failing turn goes to the app's error handling (a problem answer and a log line).
      created.onTurnError = async (_context, error) => {
        throw error;
      };
      return created;
    });
  const adapterOf = () => (adapter ??= created(agentsAuthConfiguration(settings)));
  // No client id: the SDK's development mode, which takes unsigned activities and answers unsigned.
  const playgroundAdapterOf = () => (playgroundAdapter ??= created({ clientId: undefined } as AuthConfiguration));
  return async (ctx, next) => {
    if (ctx.path !== BOT_MESSAGES_PATH) return next();
    if (ctx.method !== 'POST') {
      throw problem(
        'method_not_allowed',
        { method: ctx.method, path: BOT_MESSAGES_PATH, allowed: 'POST' },
        { headers: { Allow: 'POST' } },
      );
    }
    const request: AgentsRequest = {
      method: 'POST',
      headers: ctx.req.headers as AgentsRequest['headers'],
      body: ctx.request.body as Record<string, unknown> | undefined,
    };
    const response = new KoaResponse();
    const adapter = await (playgroundActivity(settings, ctx) ? playgroundAdapterOf() : adapterOf());
    let authorized = false;
    await adapter.authorizeRequest(request, response, () => {
      authorized = true;
    });
    if (!authorized) {
      throw problem(
        'bot_channel_unauthenticated',
        { path: BOT_MESSAGES_PATH },
        { headers: { 'WWW-Authenticate': 'Bearer realm="crm-bot"' } },
      );
    }
    if (!request.body || typeof request.body !== 'object') {
      throw problem('bot_activity_missing');
    }
    await adapter.process(request, response, turn);
    response.applyTo(ctx);
  };
}
