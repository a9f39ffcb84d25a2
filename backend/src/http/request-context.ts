// First middleware of the chain: gives every request an id and a logger, turns every error
// into an RFC 9457 problem (never a stack trace), and writes one access log line.
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.ts';
import { AppError, formatBytes, type Problem, problemType } from './errors.ts';

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    log: Logger;
  }
}

const REQUEST_ID = /^[\w.:@-]{1,128}$/;

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  message?: unknown;
  headers?: unknown;
  /** The byte limit a too-large body broke (raw-body sets it). */
  limit?: unknown;
}

interface MatchedLayer {
  methods: string[];
}

/** Errors raised by Koa, the router and the body parser carry an HTTP status; map the ones a client caused. */
function fromHttpError(
  error: HttpishError,
  ctx: { method: string; path: string; matched?: MatchedLayer[] },
): AppError | undefined {
  const status = Number(error.status ?? error.statusCode);
  if (!Number.isInteger(status) || status < 400 || status > 599) return undefined;
  switch (status) {
    case 400:
      // co-body marks a body it could not parse as JSON with a SyntaxError of status 400.
      if (error instanceof SyntaxError) {
        return new AppError({
          status,
          code: 'malformed_json',
          title: 'The request body is not valid JSON',
          detail:
            'The request body could not be parsed as JSON. Check for trailing commas, unquoted keys or a truncated body.',
        });
      }
      return new AppError({
        status,
        code: 'bad_request',
        title: 'Bad request',
        detail:
          typeof error.message === 'string' && error.expose ? error.message : 'The request could not be understood.',
      });
    case 413:
      return new AppError({
        status,
        code: 'payload_too_large',
        title: 'The request body is too large',
        detail: `The request body exceeds the limit of ${formatBytes(typeof error.limit === 'number' ? error.limit : 1024 * 1024)}. Send less data, or split it into several requests.`,
        extensions: typeof error.limit === 'number' ? { limitBytes: error.limit } : {},
      });
    case 415:
      return new AppError({
        status,
        code: 'unsupported_media_type',
        title: 'Unsupported media type',
        detail:
          typeof error.message === 'string' && error.expose
            ? error.message
            : 'This endpoint accepts application/json only; send the body as JSON with Content-Type: application/json.',
      });
    case 405: {
      // The router throws without the Allow header; the routes it matched know the methods.
      const allowed = [...new Set((ctx.matched ?? []).flatMap((layer) => layer.methods))];
      return new AppError({
        status,
        code: 'method_not_allowed',
        title: 'Method not allowed',
        detail: `${ctx.method} is not allowed on ${ctx.path}; use ${allowed.join(', ') || 'another method'}.`,
        headers: allowed.length > 0 ? { Allow: allowed.join(', ') } : {},
      });
    }
    case 501:
      return new AppError({
        status,
        code: 'not_implemented',
        title: 'Method not implemented',
        detail: `The HTTP method ${ctx.method} is not supported by this API.`,
      });
    default:
      return status < 500 && error.expose
        ? new AppError({
            status,
            code: `http_${status}`,
            title: 'Request failed',
            detail: String(error.message),
          })
        : undefined;
  }
}

export function requestContext(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError({
          status: 404,
          code: 'route_not_found',
          title: 'Not found',
          detail: `There is no ${ctx.method} ${ctx.path}; the API is described at /api/openapi.json.`,
        });
      }
    } catch (caught) {
      const problem =
        caught instanceof AppError
          ? caught
          : fromHttpError(caught as HttpishError, ctx as typeof ctx & { matched?: MatchedLayer[] });
      const appError =
        problem ??
        new AppError({
          status: 500,
          code: 'internal_error',
          title: 'Internal server error',
          detail: `Something went wrong on our side. It has been logged; quote request id ${requestId} when you report it.`,
        });
      if (!problem) ctx.state.log.error({ err: caught }, 'unhandled error');
      else if (problem.status >= 500) ctx.state.log.error({ err: problem, cause: problem.cause }, problem.code);
      for (const [name, value] of Object.entries(appError.headers)) ctx.set(name, value);
      const body: Problem = {
        ...appError.extensions,
        type: problemType(appError.code),
        title: appError.title,
        status: appError.status,
        detail: appError.detail,
        instance: ctx.path,
        requestId,
        ...(appError.errors ? { errors: appError.errors } : {}),
      };
      ctx.status = appError.status;
      ctx.type = 'application/problem+json';
      ctx.body = body;
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, durationMs: Math.round(durationMs * 100) / 100 },
        'request',
      );
    }
  };
}
