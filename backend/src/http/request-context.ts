// First middleware of the chain: gives every request an id and a logger, turns every error
// into an RFC 9457 problem (never a stack trace), and writes one access log line.
import { randomUUID } from 'node:crypto';
import { OptimisticLockError } from '@mikro-orm/core';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.ts';
import { AppError, formatBytes, type Problem, problemType } from './errors.ts';
import { requestLanguage } from './language.ts';
import { problem } from './problems.ts';

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
  const exposed = typeof error.message === 'string' && error.expose ? error.message : undefined;
  switch (status) {
    case 400:
      // co-body marks a body it could not parse as JSON with a SyntaxError of status 400.
      if (error instanceof SyntaxError) return problem('malformed_json');
      return exposed ? problem('bad_request', { message: exposed }) : problem('bad_request_unexplained');
    case 413: {
      const limit = typeof error.limit === 'number' ? error.limit : undefined;
      return problem(
        'payload_too_large',
        { limit: formatBytes(limit ?? 1024 * 1024) },
        { extensions: limit === undefined ? {} : { limitBytes: limit } },
      );
    }
    case 415:
      return exposed
        ? problem('unsupported_media_type_explained', { message: exposed })
        : problem('unsupported_media_type');
    case 405: {
      // The router throws without the Allow header; the routes it matched know the methods.
      const allowed = [...new Set((ctx.matched ?? []).flatMap((layer) => layer.methods))];
      return allowed.length > 0
        ? problem(
            'method_not_allowed',
            { method: ctx.method, path: ctx.path, allowed },
            { headers: { Allow: allowed.join(', ') } },
          )
        : problem('method_not_allowed_here', { method: ctx.method, path: ctx.path });
    }
    case 501:
      return problem('not_implemented', { method: ctx.method });
    default:
      return status < 500 && error.expose
        ? problem('http_error', { message: String(error.message) }, { status, code: `http_${status}` })
        : undefined;
  }
}

/**
 * PostgreSQL states (and the pool's wait) that mean "too busy right now", not "broken": a burst
 * waited too long for a pooled connection, the server refused more connections, or two
 * transactions deadlocked or could not be serialized. Nothing was written (the transaction rolled
 * back); the client may simply try again.
 */
const BUSY_STATES = new Set(['40001', '40P01', '53300', '57P03']);

function databaseBusy(caught: unknown): AppError | undefined {
  // A row this request read was changed by another one before this one wrote it (its version no
  // longer matched): the transaction rolled back; reloading and repeating is the answer.
  if (caught instanceof OptimisticLockError) return problem('changed_meanwhile', {}, { cause: caught });
  const error = caught as { code?: unknown; message?: unknown; cause?: unknown } | null;
  if (!error || typeof error !== 'object') return undefined;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message : '';
  if ((code && BUSY_STATES.has(code)) || /timeout exceeded when trying to connect/i.test(message)) {
    return problem('database_busy', {}, { headers: { 'Retry-After': '2' }, cause: caught });
  }
  return error.cause && error.cause !== caught ? databaseBusy(error.cause) : undefined;
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
        throw problem('route_not_found', { method: ctx.method, path: ctx.path });
      }
    } catch (caught) {
      const known =
        caught instanceof AppError
          ? caught
          : (databaseBusy(caught) ??
            fromHttpError(caught as HttpishError, ctx as typeof ctx & { matched?: MatchedLayer[] }));
      const appError = known ?? problem('internal_error', { requestId });
      if (!known) ctx.state.log.error({ err: caught }, 'unhandled error');
      else if (known.status >= 500) ctx.state.log.error({ err: known, cause: known.cause }, known.code);
      for (const [name, value] of Object.entries(appError.headers)) ctx.set(name, value);
      const language = requestLanguage(ctx);
      const { title, detail, errors } = appError.render(language);
      const body: Problem = {
        ...appError.extensions,
        type: problemType(appError.code),
        title,
        status: appError.status,
        detail,
        instance: ctx.path,
        requestId,
        ...(errors ? { errors } : {}),
      };
      ctx.status = appError.status;
      ctx.type = 'application/problem+json';
      ctx.set('Content-Language', language);
      ctx.vary('Accept-Language');
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
