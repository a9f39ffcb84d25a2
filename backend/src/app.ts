// The Koa application: the middleware chain and every module's routes.
import { Router } from '@koa/router';
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import Koa from 'koa';
import helmet from 'koa-helmet';
import type { Config } from './config.ts';
import { GraphGateway } from './graph/graph-gateway.ts';
import { authProblem, bearerToken, TokenVerifier } from './http/auth.ts';
import { jsonBody } from './http/json-body.ts';
import { buildOpenApiDocument, serveOpenApi } from './http/openapi.ts';
import { ormContext } from './http/orm-context.ts';
import { problem } from './http/problems.ts';
import { requestContext } from './http/request-context.ts';
import { type Authenticate, mountRoutes, type RouteSpec } from './http/route.ts';
import { inTenantTransaction } from './http/tenancy.ts';
import type { Logger } from './logger.ts';
import { activitiesRoutes } from './modules/activities/activities.routes.ts';
import { serveAddin } from './modules/addin/addin.static.ts';
import { commentsRoutes } from './modules/comments/comments.routes.ts';
import { contactsRoutes } from './modules/contacts/contacts.routes.ts';
import { customFieldsRoutes } from './modules/custom-fields/custom-fields.routes.ts';
import { documentsRoutes } from './modules/documents/documents.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { identityRoutes } from './modules/identity/identity.routes.ts';
import { resolvePrincipal } from './modules/identity/identity.service.ts';
import { setupRoutes } from './modules/identity/setup.routes.ts';
import { leadsRoutes } from './modules/leads/leads.routes.ts';
import { FILE_MAIL_PATH, mailRoutes } from './modules/mail/mail.routes.ts';
import { notesRoutes } from './modules/notes/notes.routes.ts';
import { notificationsRoutes } from './modules/notifications/notifications.routes.ts';
import { prospectsRoutes } from './modules/prospects/prospects.routes.ts';
import { recordPeopleRoutes } from './modules/record-people/record-people.routes.ts';
import { recordsRoutes } from './modules/records/records.routes.ts';
import { relationsRoutes } from './modules/relations/relations.routes.ts';
import { salesRoutes } from './modules/sales/sales.routes.ts';
import { stageTemplatesRoutes } from './modules/sales/stage-templates.routes.ts';
import { searchRoutes } from './modules/search/search.routes.ts';
import { settingsRoutes } from './modules/settings/settings.routes.ts';
import { tagsRoutes } from './modules/tags/tags.routes.ts';
import { absencesRoutes } from './modules/tasks/absences.routes.ts';
import { tasksRoutes } from './modules/tasks/tasks.routes.ts';
import { timelineRoutes } from './modules/timeline/timeline.routes.ts';
import { serveWebApp } from './modules/web-app/web-app.static.ts';
import { actAs } from './records/acting-user.ts';
import { PostgresBlobStore } from './storage/blob-store.ts';

export interface AppDeps {
  orm: MikroORM;
  logger: Logger;
  /** Routes mounted after the modules' own (tests of the shared HTTP machinery use this). */
  extraRoutes?: readonly RouteSpec[];
  /** Where the Outlook add-in's build is (default addin-outlook/dist). */
  addinDir?: string;
}

export interface App extends Koa {
  /** Every declared route, as the OpenAPI document lists them. */
  readonly routeSpecs: readonly RouteSpec[];
}

export function createApp(config: Config, deps: AppDeps): App {
  const graph = new GraphGateway(config.entra);
  const blobStore = new PostgresBlobStore();
  const routes: RouteSpec[] = [
    ...healthRoutes(deps.orm),
    ...identityRoutes(),
    ...setupRoutes(config, deps.orm, graph),
    ...contactsRoutes(),
    ...searchRoutes(),
    ...recordsRoutes(),
    ...tagsRoutes(),
    ...customFieldsRoutes(),
    ...relationsRoutes(),
    ...recordPeopleRoutes(),
    ...activitiesRoutes(),
    ...notesRoutes(),
    ...commentsRoutes(),
    ...timelineRoutes(),
    ...tasksRoutes(),
    ...absencesRoutes(),
    ...salesRoutes(),
    ...documentsRoutes({ store: blobStore, maxBytes: config.documentMaxBytes }),
    ...mailRoutes({
      store: blobStore,
      documentMaxBytes: config.documentMaxBytes,
      filingMaxBytes: config.mailFilingMaxBytes,
    }),
    ...notificationsRoutes(),
    ...stageTemplatesRoutes(),
    ...leadsRoutes(),
    ...prospectsRoutes(),
    ...settingsRoutes(),
    ...(deps.extraRoutes ?? []),
  ];
  const verifier = new TokenVerifier(config.entra);
  const authenticate: Authenticate = async (ctx, run, readBody) => {
    const raw = bearerToken(ctx.get('authorization'));
    if (!raw) {
      throw authProblem(problem('unauthenticated'));
    }
    const token = await verifier.verify(raw);
    if (readBody) await readBody();
    await inTenantTransaction(deps.orm.em as EntityManager, token.tenantId, async (em) => {
      ctx.state.em = em;
      const principal = await resolvePrincipal(em, token);
      ctx.state.principal = principal;
      await actAs(principal.userId, run);
    });
  };
  const router = new Router();
  mountRoutes(router, routes, authenticate);

  const app = new Koa() as App;
  Object.defineProperty(app, 'routeSpecs', { value: routes });
  // Errors are all answered by requestContext; what still reaches here happened after the response began.
  app.on('error', (error: unknown) => deps.logger.error({ err: error }, 'error after response started'));

  app.use(requestContext(deps.logger));
  app.use(helmet());
  app.use(serveAddin(config, deps.addinDir ? { dir: deps.addinDir } : {}));
  app.use(serveWebApp(config));
  app.use(serveOpenApi(() => buildOpenApiDocument(routes, config.publicUrl ?? '/')));
  app.use(
    jsonBody(config.jsonBodyLimitBytes, [
      { method: 'POST', path: FILE_MAIL_PATH, limitBytes: config.mailFilingMaxBytes },
    ]),
  );
  app.use(ormContext(deps.orm));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}
