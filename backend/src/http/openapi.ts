import type { Middleware } from 'koa';
import { createDocument, type ZodOpenApiObject } from 'zod-openapi';
import { ProblemSchema } from './errors.ts';
import { problem } from './problems.ts';
import { openApiPaths, type RouteSpec } from './route.ts';

export const API_VERSION = '0.1.0';

export function buildOpenApiDocument(
  routes: readonly RouteSpec[],
  publicUrl: string,
): ReturnType<typeof createDocument> {
  const document: ZodOpenApiObject = {
    openapi: '3.1.0',
    info: {
      title: 'CRM for Microsoft 365 API',
      version: API_VERSION,
      description:
        'REST API of the CRM. Errors are RFC 9457 problem details (application/problem+json). ' +
        'Send an Entra ID access token for this API as a Bearer token.',
    },
    servers: [{ url: publicUrl }],
    security: [{ bearer: [] }],
    paths: openApiPaths(routes),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: ProblemSchema },
    },
  };
  return createDocument(document);
}

/** Serves the document, built once on first request. */
export function serveOpenApi(build: () => unknown): Middleware {
  let json: string | undefined;
  return (ctx, next) => {
    if (ctx.path !== '/api/openapi.json') return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      throw problem(
        'method_not_allowed',
        { method: ctx.method, path: ctx.path, allowed: 'GET' },
        { headers: { Allow: 'GET, HEAD' } },
      );
    }
    json ??= JSON.stringify(build());
    ctx.type = 'application/json';
    ctx.body = json;
    return undefined;
  };
}
