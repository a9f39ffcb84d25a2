import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { requireRecord } from '../../records/record-types.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import {
  CommentListQuerySchema,
  CommentSchema,
  CommentsPageSchema,
  RecordParamsSchema,
  WriteCommentSchema,
} from './comments.schemas.ts';
import { createComment, deleteComment, listComments, updateComment } from './comments.service.ts';

const problem = (description: string) => ({ description });

export function commentsRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/records/{type}/{id}/comments',
      operationId: 'listComments',
      summary: 'The comments on a record, oldest first',
      tags: ['Comments'],
      params: RecordParamsSchema,
      query: CommentListQuerySchema,
      responses: { 200: jsonResponse(CommentsPageSchema, 'A page of comments'), 404: problem('No such record') },
      async handler(ctx, { params, query }) {
        await requireRecord(emOf(ctx), params.type, params.id);
        ctx.body = await listComments(emOf(ctx), params, query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/records/{type}/{id}/comments',
      operationId: 'createComment',
      summary: 'Comment on a record; @[Name](user:<id>) mentions notify the colleague',
      tags: ['Comments'],
      params: RecordParamsSchema,
      body: WriteCommentSchema,
      responses: {
        201: jsonResponse(CommentSchema, 'The comment'),
        404: problem('No such record'),
        422: problem('Mentions someone who is not an active user of your organisation'),
      },
      async handler(ctx, { params, body }) {
        const principal = requireUser(ctx);
        await requireRecord(emOf(ctx), params.type, params.id);
        const comment = await createComment(emOf(ctx), principal, params, body.body);
        ctx.status = 201;
        setVersionTag(ctx, comment.version);
        ctx.body = comment;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/comments/{id}',
      operationId: 'updateComment',
      summary: 'Edit a comment (its author or an admin); new mentions notify; If-Match with its ETag',
      tags: ['Comments'],
      params: IdParamsSchema,
      body: WriteCommentSchema,
      responses: {
        200: jsonResponse(CommentSchema, 'The comment'),
        403: problem('Not your comment'),
        404: problem('Not found'),
        412: problem('Changed meanwhile'),
        422: problem('Mentions someone who is not an active user of your organisation'),
      },
      async handler(ctx, { params, body }) {
        const comment = await updateComment(emOf(ctx), requireUser(ctx), params.id, body.body, ifMatchVersion(ctx));
        setVersionTag(ctx, comment.version);
        ctx.body = comment;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/comments/{id}',
      operationId: 'deleteComment',
      summary: 'Delete a comment (its author or an admin)',
      tags: ['Comments'],
      params: IdParamsSchema,
      responses: {
        204: { description: 'Deleted' },
        403: problem('Not your comment'),
        404: problem('Not found'),
        412: problem('Changed meanwhile'),
      },
      async handler(ctx, { params }) {
        await deleteComment(emOf(ctx), requireUser(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
  ];
}
