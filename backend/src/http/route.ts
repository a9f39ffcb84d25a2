// Routes are declared once, with the zod schemas they validate with: the same declaration
// mounts the Koa handler and describes the operation in the OpenAPI document.
import type { Router, RouterContext } from '@koa/router';
import type { z } from 'zod';
import type {
  ZodOpenApiOperationObject,
  ZodOpenApiPathsObject,
  ZodOpenApiRequestBodyObject,
  ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { type FieldError, type FieldIssue, ProblemSchema, toPointer, validationFailed } from './errors.ts';
import { requestLanguage, zodParseOptions } from './language.ts';
import { problem, problemText } from './problems.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<P, Q, B> {
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
}

export interface RouteSpec<
  P extends AnyObjectSchema | undefined = AnyObjectSchema | undefined,
  Q extends AnyObjectSchema | undefined = AnyObjectSchema | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  /** OpenAPI style path, e.g. `/api/v1/persons/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: P;
  query?: Q;
  /** A JSON request body; requests to this route must send `Content-Type: application/json`. */
  body?: B;
  /**
   * Reads a body that is not JSON (a multipart upload) after the caller's token is verified and
   * before the tenant transaction opens, so a slow upload never holds a database connection.
   */
  readBody?: (ctx: RouterContext) => Promise<void>;
  /** How the OpenAPI document describes the body `readBody` reads. */
  requestBody?: ZodOpenApiRequestBodyObject;
  responses: ZodOpenApiResponsesObject;
  /** Routes that need no signed-in user (health, documents). */
  public?: boolean;
  handler: (ctx: RouterContext, input: RouteInput<P, Q, B>) => Promise<void> | void;
}

/** Keeps the spec's generic types when collecting routes of different shapes in one list. */
export function defineRoute<
  P extends AnyObjectSchema | undefined = undefined,
  Q extends AnyObjectSchema | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

function fieldErrors(where: FieldError['in'], error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ in: where, pointer: toPointer(issue.path), detail: issue.message }));
}

function requestHasBody(ctx: RouterContext): boolean {
  const length = ctx.get('content-length');
  return (length !== '' && length !== '0') || ctx.get('transfer-encoding') !== '';
}

function parseInput(spec: RouteSpec, ctx: RouterContext): { params: unknown; query: unknown; body: unknown } {
  const errors: FieldIssue[] = [];
  const parseOptions = zodParseOptions(requestLanguage(ctx));
  const take = <S extends z.ZodType | undefined>(schema: S, where: FieldError['in'], value: unknown): unknown => {
    if (!schema) return undefined;
    const result = schema.safeParse(value, parseOptions);
    if (result.success) return result.data;
    errors.push(...fieldErrors(where, result.error));
    return undefined;
  };
  const params = take(spec.params, 'path', ctx.params);
  const query = take(spec.query, 'query', ctx.query);
  let body: unknown;
  if (spec.body) {
    if (requestHasBody(ctx) && !ctx.request.is('application/json', '+json')) {
      throw problem('unsupported_media_type_of_route', {
        operation: `${spec.method.toUpperCase()} ${spec.path}`,
        received: ctx.request.type || { en: 'a body without Content-Type', de: 'einen Body ohne Content-Type' },
      });
    }
    if (!requestHasBody(ctx)) {
      errors.push({ in: 'body', pointer: '#', detail: problemText('body_required') });
    } else {
      body = take(spec.body, 'body', ctx.request.body);
    }
  }
  if (errors.length > 0) throw validationFailed(errors);
  return { params, query, body };
}

/**
 * Establishes who calls (or answers 401/403), then runs the rest of the request as them;
 * `readBody`, when the route has one, runs between the two.
 */
export type Authenticate = (
  ctx: RouterContext,
  run: () => Promise<void>,
  readBody?: () => Promise<void>,
) => Promise<void>;

export function mountRoutes(router: Router, routes: readonly RouteSpec[], authenticate: Authenticate): void {
  for (const spec of routes) {
    const koaPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    const handle = async (ctx: RouterContext) => {
      const input = parseInput(spec, ctx);
      await spec.handler(ctx, input as RouteInput<undefined, undefined, undefined>);
    };
    // Authentication comes before validation: strangers learn nothing about a route's input.
    router[spec.method](spec.operationId, koaPath, (ctx) =>
      spec.public
        ? handle(ctx)
        : authenticate(
            ctx,
            () => handle(ctx),
            spec.readBody && (() => (spec.readBody as (ctx: RouterContext) => Promise<void>)(ctx)),
          ),
    );
  }
}

/** A response of the OpenAPI document with a JSON body. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The paths object of the OpenAPI document, derived from the route declarations. */
export function openApiPaths(routes: readonly RouteSpec[]): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const spec of routes) {
    const operation: ZodOpenApiOperationObject = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      ...(spec.params || spec.query
        ? {
            requestParams: {
              ...(spec.params ? { path: spec.params } : {}),
              ...(spec.query ? { query: spec.query } : {}),
            },
          }
        : {}),
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
      ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
      responses: {
        ...spec.responses,
        ...(spec.params || spec.query || spec.body ? { 400: problemResponse('The request is not valid') } : {}),
        ...(spec.body
          ? { 413: problemResponse('Body larger than 1 MB'), 415: problemResponse('Body is not JSON') }
          : {}),
        // A route with its own body limit or media types says so itself.
        ...(spec.responses['413'] ? { 413: spec.responses['413'] } : {}),
        ...(spec.responses['415'] ? { 415: spec.responses['415'] } : {}),
        ...(spec.public ? {} : { 401: problemResponse('Missing or invalid access token') }),
        default: problemResponse('Any other problem'),
      },
      ...(spec.public ? { security: [] } : {}),
    };
    const pathItem = paths[spec.path] ?? {};
    pathItem[spec.method] = operation;
    paths[spec.path] = pathItem;
  }
  return paths;
}
