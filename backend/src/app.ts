// The Koa application: the middleware chain and every module's routes.
import { Router } from '@koa/router';
import type { MikroORM } from '@mikro-orm/core';
import Koa from 'koa';
import helmet from 'koa-helmet';
import type { Config } from './config.ts';
import { jsonBody } from './http/json-body.ts';
import { buildOpenApiDocument, serveOpenApi } from './http/openapi.ts';
import { ormContext } from './http/orm-context.ts';
import { requestContext } from './http/request-context.ts';
import { mountRoutes, type RouteSpec } from './http/route.ts';
import type { Logger } from './logger.ts';
import { healthRoutes } from './modules/health/health.routes.ts';

export interface AppDeps {
  orm: MikroORM;
  logger: Logger;
  /** Routes mounted after the modules' own (tests of the shared HTTP machinery use this). */
  extraRoutes?: readonly RouteSpec[];
}

export interface App extends Koa {
  /** Every declared route, as the OpenAPI document lists them. */
  readonly routeSpecs: readonly RouteSpec[];
}

export function createApp(config: Config, deps: AppDeps): App {
  const routes: RouteSpec[] = [...healthRoutes(deps.orm), ...(deps.extraRoutes ?? [])];
  const router = new Router();
  mountRoutes(router, routes);

  const app = new Koa() as App;
  Object.defineProperty(app, 'routeSpecs', { value: routes });
  // Errors are all answered by requestContext; what still reaches here happened after the response began.
  app.on('error', (error: unknown) => deps.logger.error({ err: error }, 'error after response started'));

  app.use(requestContext(deps.logger));
  app.use(helmet());
  app.use(serveOpenApi(() => buildOpenApiDocument(routes, config.publicUrl ?? '/')));
  app.use(jsonBody(config.jsonBodyLimitBytes));
  app.use(ormContext(deps.orm));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}
