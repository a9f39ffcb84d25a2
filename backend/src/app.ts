// The Koa application: the middleware chain, and the modules it is made of (CRM_MODULES).
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
import { activitiesModule } from './modules/activities/activities.module.ts';
import { serveAddin } from './modules/addin/addin.static.ts';
import { attentionModule } from './modules/attention/attention.module.ts';
import { boardModule } from './modules/board/board.module.ts';
import { botMiddleware } from './modules/bot/bot.middleware.ts';
import { calendarModule } from './modules/calendar/calendar.module.ts';
import { commentsModule } from './modules/comments/comments.module.ts';
import { contactsModule } from './modules/contacts/contacts.module.ts';
import { customFieldsModule } from './modules/custom-fields/custom-fields.module.ts';
import { dashboardsModule } from './modules/dashboards/dashboards.module.ts';
import { dealsModule } from './modules/deals/deals.module.ts';
import { documentsModule } from './modules/documents/documents.module.ts';
import { graphSyncModule } from './modules/graph-sync/graph-sync.module.ts';
import { healthModule } from './modules/health/health.module.ts';
import { identityModule } from './modules/identity/identity.module.ts';
import { resolvePrincipal } from './modules/identity/identity.service.ts';
import { leadsModule } from './modules/leads/leads.module.ts';
import { lostReasonsModule } from './modules/lost-reasons/lost-reasons.module.ts';
import { mailModule } from './modules/mail/mail.module.ts';
import { FILE_MAIL_PATH } from './modules/mail/mail.routes.ts';
import { mailCaptureModule } from './modules/mail-capture/mail-capture.module.ts';
import { mailFilingModule } from './modules/mail-filing/mail-filing.module.ts';
import { mailSendModule } from './modules/mail-send/mail-send.module.ts';
import type { CrmModule } from './modules/module.ts';
import { notesModule } from './modules/notes/notes.module.ts';
import { notificationsModule } from './modules/notifications/notifications.module.ts';
import { pipelinesModule } from './modules/pipelines/pipelines.module.ts';
import { prospectsModule } from './modules/prospects/prospects.module.ts';
import { recordPeopleModule } from './modules/record-people/record-people.module.ts';
import { recordsModule } from './modules/records/records.module.ts';
import { relationsModule } from './modules/relations/relations.module.ts';
import { reportsModule } from './modules/reports/reports.module.ts';
import { savedFiltersModule } from './modules/saved-filters/saved-filters.module.ts';
import { searchModule } from './modules/search/search.module.ts';
import { settingsModule } from './modules/settings/settings.module.ts';
import { stageTemplatesModule } from './modules/stage-templates/stage-templates.module.ts';
import { tagsModule } from './modules/tags/tags.module.ts';
import { tasksModule } from './modules/tasks/tasks.module.ts';
import { timelineModule } from './modules/timeline/timeline.module.ts';
import { serveWebApp } from './modules/web-app/web-app.static.ts';
import { installModules, type Wiring } from './modules/wiring.ts';
import { actAs } from './records/acting-user.ts';
import { PostgresBlobStore } from './storage/blob-store.ts';

/**
 * Every module of the CRM. The order is the order of the routes (and of the OpenAPI document),
 * of merge hooks, tenant setup steps and event listeners.
 */
export const CRM_MODULES: readonly CrmModule[] = [
  healthModule,
  identityModule,
  contactsModule,
  searchModule,
  recordsModule,
  tagsModule,
  customFieldsModule,
  relationsModule,
  recordPeopleModule,
  activitiesModule,
  notesModule,
  commentsModule,
  timelineModule,
  calendarModule,
  tasksModule,
  pipelinesModule,
  lostReasonsModule,
  dealsModule,
  attentionModule,
  boardModule,
  savedFiltersModule,
  dashboardsModule,
  documentsModule,
  mailModule,
  mailSendModule,
  notificationsModule,
  stageTemplatesModule,
  leadsModule,
  prospectsModule,
  reportsModule,
  settingsModule,
  graphSyncModule,
  mailCaptureModule,
  mailFilingModule,
];

/** The sections of a record's 360° view, in the order the view shows (and loads) them. */
export const OVERVIEW_SECTIONS: readonly string[] = [
  'record',
  'businessContacts',
  'tags',
  'history',
  'activities',
  'notes',
  'tasks',
  'comments',
  'documents',
  'leads',
  'mails',
  'people',
  'relations',
  'deals',
];

/** Assembles the modules and installs them as this process's wiring. */
export function wireModules(modules: readonly CrmModule[] = CRM_MODULES): Wiring {
  return installModules(modules, OVERVIEW_SECTIONS);
}

export interface AppDeps {
  orm: MikroORM;
  logger: Logger;
  /** The modules the app is made of (default CRM_MODULES; tests may leave some out). */
  modules?: readonly CrmModule[];
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
  const wiring = wireModules(deps.modules);
  const context = { config, orm: deps.orm, graph: new GraphGateway(config.entra), blobStore: new PostgresBlobStore() };
  const routes: RouteSpec[] = [
    ...wiring.modules.flatMap((module) => module.routes?.(context) ?? []),
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
  app.use(botMiddleware(config, deps));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}
