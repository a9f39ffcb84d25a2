import type { z } from 'zod';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, requireRole, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import {
  CreateTeamSchema,
  IdParamsSchema,
  MeSchema,
  SetTeamMembersSchema,
  TeamListSchema,
  TeamViewSchema,
  UpdateTeamSchema,
  UpdateUserSchema,
  UserListQuerySchema,
  UserPickQuerySchema,
  UserRefListSchema,
  UsersPageSchema,
  UserViewSchema,
} from './identity.schemas.ts';
import {
  createTeam,
  deleteTeam,
  getTeam,
  getUser,
  listTeams,
  listUsers,
  pickUsers,
  setTeamMembers,
  teamsOf,
  updateTeam,
  updateUser,
} from './identity.service.ts';
import type { User } from './user.entity.ts';

const noContent = { description: 'Done' };
const notFound = { description: 'Not found in your organisation' };
const forbidden = { description: 'Not allowed for your role' };

function userView(user: User): z.infer<typeof UserViewSchema> {
  return {
    id: user.id,
    entraObjectId: user.entraObjectId,
    displayName: user.displayName,
    email: user.email,
    jobTitle: user.jobTitle ?? null,
    language: user.language === 'en' ? 'en' : 'de',
    roles: [...user.roles],
    active: user.active,
    lastSeenAt: user.lastSeenAt?.toISOString() ?? null,
    version: user.version,
    createdAt: user.createdAt.toISOString(),
  };
}

export function identityRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      summary: 'The signed-in user, their organisation, roles, teams and language',
      tags: ['Identity'],
      responses: { 200: jsonResponse(MeSchema, 'The signed-in user') },
      async handler(ctx) {
        const principal = requireUser(ctx);
        const teams = await teamsOf(emOf(ctx), principal.userId);
        const body: z.infer<typeof MeSchema> = {
          user: {
            id: principal.userId,
            displayName: principal.displayName,
            email: principal.email,
            jobTitle: principal.jobTitle,
            language: principal.language,
          },
          tenant: { id: principal.tenantId, name: principal.tenantName },
          roles: [...principal.roles],
          teams,
          language: principal.language,
        };
        ctx.body = body;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/users',
      operationId: 'listUsers',
      summary: 'Users of the organisation, by name (admin)',
      tags: ['Administration'],
      query: UserListQuerySchema,
      responses: { 200: jsonResponse(UsersPageSchema, 'A page of users'), 403: forbidden },
      async handler(ctx, { query }) {
        requireRole(ctx, 'admin');
        const page = await listUsers(emOf(ctx), query);
        ctx.body = { items: page.items.map(userView), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/users',
      operationId: 'pickUsers',
      summary:
        'Active users of the organisation by name or email (any signed-in user): id, name and email, for pickers such as an owner filter',
      tags: ['Identity'],
      query: UserPickQuerySchema,
      responses: { 200: jsonResponse(UserRefListSchema, 'Up to `limit` users, by name') },
      async handler(ctx, { query }) {
        requireUser(ctx);
        ctx.body = { items: await pickUsers(emOf(ctx), query) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/users/{id}',
      operationId: 'getUser',
      summary: 'One user (admin)',
      tags: ['Administration'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(UserViewSchema, 'The user'), 403: forbidden, 404: notFound },
      async handler(ctx, { params }) {
        requireRole(ctx, 'admin');
        const user = await getUser(emOf(ctx), params.id);
        setVersionTag(ctx, user.version);
        ctx.body = userView(user);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/admin/users/{id}',
      operationId: 'updateUser',
      summary: "Set a user's roles or deactivate them (admin); If-Match with the user's ETag",
      tags: ['Administration'],
      params: IdParamsSchema,
      body: UpdateUserSchema,
      responses: {
        200: jsonResponse(UserViewSchema, 'The updated user'),
        403: forbidden,
        404: notFound,
        409: { description: 'Would leave no administrator' },
        412: { description: 'Changed meanwhile' },
      },
      async handler(ctx, { params, body }) {
        const principal = requireRole(ctx, 'admin');
        const user = await updateUser(emOf(ctx), principal, params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, user.version);
        ctx.body = userView(user);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/teams',
      operationId: 'listTeams',
      summary: 'Teams of the organisation with managers and members',
      tags: ['Identity'],
      responses: {
        200: jsonResponse(TeamListSchema, 'All teams'),
      },
      async handler(ctx) {
        ctx.body = { items: await listTeams(emOf(ctx)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/teams/{id}',
      operationId: 'getTeam',
      summary: 'One team',
      tags: ['Identity'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(TeamViewSchema, 'The team'), 404: notFound },
      async handler(ctx, { params }) {
        const team = await getTeam(emOf(ctx), params.id);
        setVersionTag(ctx, team.version);
        ctx.body = team;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/teams',
      operationId: 'createTeam',
      summary: 'Create a team with its manager and members (admin)',
      tags: ['Administration'],
      body: CreateTeamSchema,
      responses: {
        201: jsonResponse(TeamViewSchema, 'The new team'),
        403: forbidden,
        409: { description: 'Name taken' },
        422: { description: 'Unknown user' },
      },
      async handler(ctx, { body }) {
        const principal = requireRole(ctx, 'admin');
        const team = await createTeam(emOf(ctx), principal.tenantId, body);
        ctx.status = 201;
        ctx.set('Location', `/api/v1/teams/${team.id}`);
        setVersionTag(ctx, team.version);
        ctx.body = team;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/admin/teams/{id}',
      operationId: 'updateTeam',
      summary: "Rename a team or change its manager (admin); If-Match with the team's ETag",
      tags: ['Administration'],
      params: IdParamsSchema,
      body: UpdateTeamSchema,
      responses: {
        200: jsonResponse(TeamViewSchema, 'The updated team'),
        403: forbidden,
        404: notFound,
        409: { description: 'Name taken' },
        412: { description: 'Changed meanwhile' },
      },
      async handler(ctx, { params, body }) {
        requireRole(ctx, 'admin');
        const team = await updateTeam(emOf(ctx), params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, team.version);
        ctx.body = team;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/admin/teams/{id}/members',
      operationId: 'setTeamMembers',
      summary: "Replace a team's members (admin)",
      tags: ['Administration'],
      params: IdParamsSchema,
      body: SetTeamMembersSchema,
      responses: {
        200: jsonResponse(TeamViewSchema, 'The team with its new members'),
        403: forbidden,
        404: notFound,
        412: { description: 'Changed meanwhile' },
        422: { description: 'Unknown user' },
      },
      async handler(ctx, { params, body }) {
        const principal = requireRole(ctx, 'admin');
        const team = await setTeamMembers(
          emOf(ctx),
          principal.tenantId,
          params.id,
          body.memberIds,
          ifMatchVersion(ctx),
        );
        setVersionTag(ctx, team.version);
        ctx.body = team;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/admin/teams/{id}',
      operationId: 'deleteTeam',
      summary: 'Delete a team (admin); its members stay users',
      tags: ['Administration'],
      params: IdParamsSchema,
      responses: { 204: noContent, 403: forbidden, 404: notFound, 412: { description: 'Changed meanwhile' } },
      async handler(ctx, { params }) {
        requireRole(ctx, 'admin');
        await deleteTeam(emOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
  ];
}
