import type { RouterContext } from '@koa/router';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { PageQuerySchema } from '../../http/pagination.ts';
import { emOf, requireRole, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import {
  createAbsence,
  deleteAbsence,
  listAbsences,
  requireUserOfTenant,
  returnFromAbsence,
  updateAbsence,
} from './absences.service.ts';
import {
  AbsenceParams,
  AbsencesPageSchema,
  type AbsenceView,
  AbsenceViewSchema,
  CreateAbsenceSchema,
  ReturnResultSchema,
  ReturnSchema,
  UpdateAbsenceSchema,
  UserAbsenceParams,
  UserIdParams,
} from './tasks.schemas.ts';

const problem = (description: string) => ({ description });
const answer = (ctx: RouterContext, absence: AbsenceView, status = 200) => {
  ctx.status = status;
  setVersionTag(ctx, absence.version);
  ctx.body = absence;
};

const writeProblems = {
  404: problem('No such absence'),
  409: problem('Overlaps another absence, has begun or is over'),
  412: problem('Changed meanwhile (stale If-Match)'),
  422: problem('Substitute is the absent user, deactivated or of another organisation'),
};

/**
 * The same five routes for one's own absences and, for admins, anyone's: `whose` names the
 * absent user of a request (after checking the caller may act for them).
 */
function absenceRoutes(options: {
  base: string;
  idParam: 'id' | 'absenceId';
  operation: (verb: string) => string;
  tag: string;
  who: string;
  whose: (ctx: RouterContext, params: Record<string, string>) => Promise<string>;
}): RouteSpec[] {
  const itemParams = options.idParam === 'id' ? AbsenceParams : UserAbsenceParams;
  const collectionParams = options.idParam === 'id' ? undefined : UserIdParams;
  const absenceId = (params: Record<string, string>) => params[options.idParam] as string;
  return [
    defineRoute({
      method: 'get',
      path: options.base,
      operationId: options.operation('list'),
      summary: `Absences of ${options.who}, latest end first`,
      tags: [options.tag],
      ...(collectionParams ? { params: collectionParams } : {}),
      query: PageQuerySchema,
      responses: { 200: jsonResponse(AbsencesPageSchema, 'A page of absences'), 404: problem('No such user') },
      async handler(ctx, { params, query }) {
        const userId = await options.whose(ctx, (params ?? {}) as Record<string, string>);
        ctx.body = await listAbsences(emOf(ctx), userId, query);
      },
    }),
    defineRoute({
      method: 'post',
      path: options.base,
      operationId: options.operation('create'),
      summary: `Record an absence of ${options.who} with a substitute; one that has begun hands over at once`,
      tags: [options.tag],
      ...(collectionParams ? { params: collectionParams } : {}),
      body: CreateAbsenceSchema,
      responses: { 201: jsonResponse(AbsenceViewSchema, 'The absence'), ...writeProblems },
      async handler(ctx, { params, body }) {
        const userId = await options.whose(ctx, (params ?? {}) as Record<string, string>);
        answer(ctx, await createAbsence(emOf(ctx), requireUser(ctx), userId, body), 201);
      },
    }),
    defineRoute({
      method: 'patch',
      path: `${options.base}/{${options.idParam}}`,
      operationId: options.operation('update'),
      summary: `Change an absence of ${options.who} (a new substitute takes over the handed-over tasks); If-Match`,
      tags: [options.tag],
      params: itemParams,
      body: UpdateAbsenceSchema,
      responses: { 200: jsonResponse(AbsenceViewSchema, 'The absence'), ...writeProblems },
      async handler(ctx, { params, body }) {
        const values = params as Record<string, string>;
        const userId = await options.whose(ctx, values);
        answer(
          ctx,
          await updateAbsence(emOf(ctx), requireUser(ctx), userId, absenceId(values), body, ifMatchVersion(ctx)),
        );
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${options.base}/{${options.idParam}}`,
      operationId: options.operation('delete'),
      summary: `Delete an absence of ${options.who} that has not begun (one under way is ended by returning)`,
      tags: [options.tag],
      params: itemParams,
      responses: { 204: { description: 'Deleted' }, ...writeProblems },
      async handler(ctx, { params }) {
        const values = params as Record<string, string>;
        const userId = await options.whose(ctx, values);
        await deleteAbsence(emOf(ctx), requireUser(ctx), userId, absenceId(values), ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: `${options.base}/{${options.idParam}}/return`,
      operationId: options.operation('return'),
      summary: `End an absence of ${options.who} now; giveBack moves the still-open handed-over tasks back`,
      tags: [options.tag],
      params: itemParams,
      body: ReturnSchema,
      responses: { 200: jsonResponse(ReturnResultSchema, 'The ended absence'), ...writeProblems },
      async handler(ctx, { params, body }) {
        const values = params as Record<string, string>;
        const userId = await options.whose(ctx, values);
        ctx.body = await returnFromAbsence(emOf(ctx), requireUser(ctx), userId, absenceId(values), body.giveBack);
      },
    }),
  ];
}

export function absencesRoutes(): RouteSpec[] {
  return [
    ...absenceRoutes({
      base: '/api/v1/me/absences',
      idParam: 'id',
      operation: (verb) => `${verb}MyAbsence${verb === 'list' ? 's' : ''}`,
      tag: 'Absences',
      who: 'the signed-in user',
      whose: async (ctx) => requireUser(ctx).userId,
    }),
    ...absenceRoutes({
      base: '/api/v1/admin/users/{id}/absences',
      idParam: 'absenceId',
      operation: (verb) => `${verb}UserAbsence${verb === 'list' ? 's' : ''}`,
      tag: 'Administration',
      who: 'any user (admin)',
      whose: async (ctx, params) => {
        requireRole(ctx, 'admin');
        const userId = params.id as string;
        await requireUserOfTenant(emOf(ctx), userId);
        return userId;
      },
    }),
  ];
}
