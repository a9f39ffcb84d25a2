import type { MikroORM } from '@mikro-orm/core';
import { ProblemSchema } from '../../http/errors.ts';
import { API_VERSION } from '../../http/openapi.ts';
import { problem } from '../../http/problems.ts';
import { defineRoute, type RouteSpec } from '../../http/route.ts';
import { HealthSchema, type Readiness, ReadinessSchema } from './health.schemas.ts';
import { checkReadiness } from './health.service.ts';

const startedAt = Date.now();

export function healthRoutes(orm: MikroORM): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/health',
      operationId: 'getHealth',
      summary: 'Liveness: the process is up and answering',
      tags: ['Operations'],
      public: true,
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } } },
      handler(ctx) {
        ctx.body = { status: 'ok', version: API_VERSION, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/ready',
      operationId: 'getReadiness',
      summary: 'Readiness: the database is reachable and its migrations are current',
      tags: ['Operations'],
      public: true,
      responses: {
        200: { description: 'Ready to serve', content: { 'application/json': { schema: ReadinessSchema } } },
        503: {
          description: 'Not ready; `checks` says which part fails',
          content: { 'application/problem+json': { schema: ProblemSchema } },
        },
      },
      async handler(ctx) {
        const report = await checkReadiness(orm);
        if (!report.ready) {
          ctx.state.log.warn({ causes: report.causes, checks: report.checks }, 'not ready');
          throw problem(
            'not_ready',
            { problems: report.problems.join('; ') },
            { headers: { 'Retry-After': '5' }, extensions: { checks: report.checks } },
          );
        }
        const body: Readiness = { status: 'ready', checks: report.checks };
        ctx.body = body;
      },
    }),
  ];
}
