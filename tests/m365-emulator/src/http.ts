// A very small router over node:https: handlers get a parsed request and return a reply.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface EmulatorRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly params: Record<string, string>;
  readonly body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  html?: string;
  text?: string;
}

export type Handler = (request: EmulatorRequest) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  readonly #routes: Route[] = [];

  /** `path` uses `:name` for one segment, e.g. `/:tenant/oauth2/v2.0/token`. */
  on(methods: string | string[], path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    for (const method of Array.isArray(methods) ? methods : [methods]) {
      this.#routes.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler });
    }
    return this;
  }

  /** The reply of the first matching route; 405 when only the method differs; undefined when no path matches. */
  async dispatch(request: Omit<EmulatorRequest, 'params'>): Promise<Reply | undefined> {
    let pathMatched = false;
    for (const route of this.#routes) {
      const match = route.pattern.exec(request.url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method && !(route.method === 'GET' && request.method === 'HEAD')) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = decodeURIComponent(match[index + 1] ?? '');
      });
      return await route.handler({ ...request, params });
    }
    return pathMatched ? { status: 405, json: { error: 'method_not_allowed' } } : undefined;
  }
}

export async function readBody(request: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new Error('Request body too large.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function send(response: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let body: string | undefined;
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (reply.html !== undefined) {
    body = reply.html;
    headers['content-type'] ??= 'text/html; charset=utf-8';
  } else if (reply.text !== undefined) {
    body = reply.text;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  response.writeHead(reply.status, headers);
  response.end(body);
}

/** Form fields of an application/x-www-form-urlencoded body (empty when the body is something else). */
export function formOf(request: EmulatorRequest): URLSearchParams {
  const type = String(request.headers['content-type'] ?? '');
  return type.includes('application/x-www-form-urlencoded')
    ? new URLSearchParams(request.body.toString('utf8'))
    : new URLSearchParams();
}

export function jsonOf(request: EmulatorRequest): unknown {
  const text = request.body.toString('utf8');
  return text.trim() === '' ? {} : JSON.parse(text);
}

export function redirect(location: string): Reply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' } };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A /_emulator control route: the JSON body is the in-process method's argument, its result the reply
 * (204 when it answers nothing). `refuse` turns the part's own errors into replies; anything else is thrown.
 */
export function controlRoute(refuse: (error: unknown) => Reply | undefined) {
  return (run: (body: Record<string, unknown>, request: EmulatorRequest) => unknown | Promise<unknown>) =>
    async (request: EmulatorRequest): Promise<Reply> => {
      try {
        const body = request.method === 'GET' ? {} : (jsonOf(request) as Record<string, unknown>);
        const result = await run(body, request);
        return result === undefined ? { status: 204 } : { status: 200, json: result };
      } catch (error) {
        const reply = refuse(error);
        if (reply) return reply;
        if (error instanceof SyntaxError) {
          return { status: 400, json: { error: 'invalid_request', error_description: error.message } };
        }
        throw error;
      }
    };
}
