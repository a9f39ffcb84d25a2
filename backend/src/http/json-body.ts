import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';

/**
 * Parses JSON bodies (and nothing else) up to the limit: too large answers 413, malformed 400.
 * Whether a route accepts a body at all, and of which type (415), is the route's business.
 */
export function jsonBody(limitBytes: number): Middleware {
  return bodyParser({
    enableTypes: ['json'],
    extendTypes: { json: ['application/json', '+json'] },
    jsonLimit: limitBytes,
    jsonStrict: true,
    encoding: 'utf-8',
    parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  }) as Middleware;
}
