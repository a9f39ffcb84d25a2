import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import { validationFailed } from './errors.ts';
import { unstorableTextIn } from './storable-text.ts';

/** A route whose JSON bodies may be larger than the default (mail filing carries attachments). */
export interface LargerJsonBody {
  method: 'POST' | 'PUT' | 'PATCH';
  /** The request path, exactly. */
  path: string;
  limitBytes: number;
}

const parserWith = (limitBytes: number): Middleware =>
  bodyParser({
    enableTypes: ['json'],
    extendTypes: { json: ['application/json', '+json'] },
    jsonLimit: limitBytes,
    jsonStrict: true,
    encoding: 'utf-8',
    parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  }) as Middleware;

/** Refuses text no column can hold (NUL, half a surrogate pair) in the query string and the parsed body. */
function refuseUnstorableText(ctx: Context): void {
  const errors = [
    ...(ctx.querystring === '' ? [] : unstorableTextIn(ctx.query, 'query')),
    ...unstorableTextIn(ctx.request.body, 'body'),
  ];
  if (errors.length > 0) throw validationFailed(errors);
}

/**
 * Parses JSON bodies (and nothing else) up to the limit: too large answers 413, malformed 400.
 * Whether a route accepts a body at all, and of which type (415), is the route's business.
 * Text that cannot be stored is refused here, once for every route: 400 naming where it sits.
 */
export function jsonBody(limitBytes: number, larger: readonly LargerJsonBody[] = []): Middleware {
  const standard = parserWith(limitBytes);
  const special = new Map(larger.map((route) => [`${route.method} ${route.path}`, parserWith(route.limitBytes)]));
  return (ctx, next) =>
    (special.get(`${ctx.method} ${ctx.path}`) ?? standard)(ctx, async () => {
      refuseUnstorableText(ctx);
      await next();
    });
}
