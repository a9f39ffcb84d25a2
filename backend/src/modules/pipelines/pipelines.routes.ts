import type { RouterContext } from '@koa/router';
import { z } from 'zod';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, requireRole } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import {
  AddStageSchema,
  ArchiveStageSchema,
  CreatePipelineSchema,
  PIPELINE_KINDS,
  PipelineListSchema,
  PipelineParamsSchema,
  PipelineSchema,
  type PipelineView,
  RenamePipelineSchema,
  StageOrderSchema,
  StageParamsSchema,
  UpdateStageSchema,
} from './pipelines.schemas.ts';
import {
  addStage,
  archiveStage,
  createPipeline,
  getPipeline,
  listPipelines,
  renamePipeline,
  reorderStages,
  updateStage,
} from './pipelines.service.ts';

const answer = (ctx: RouterContext, pipeline: PipelineView, status = 200) => {
  ctx.status = status;
  setVersionTag(ctx, pipeline.version);
  ctx.body = pipeline;
};

const editProblems = {
  403: { description: 'Admins and sales managers only' },
  404: { description: 'Not found in your organisation' },
  409: { description: 'Name taken, or the stage change would leave deals without a fitting stage' },
  412: { description: 'Changed meanwhile (stale If-Match)' },
};

/** Who edits pipelines: admins and sales managers. */
const editor = (ctx: RouterContext) => requireRole(ctx, 'admin', 'sales_manager');

export function pipelinesRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/pipelines',
      operationId: 'listPipelines',
      summary: 'Pipelines of deals and leads with their active stages',
      tags: ['Pipelines'],
      query: z.object({ kind: z.enum(PIPELINE_KINDS).optional() }),
      responses: {
        200: jsonResponse(PipelineListSchema, 'Pipelines'),
      },
      async handler(ctx, { query }) {
        ctx.body = { items: await listPipelines(emOf(ctx), query.kind) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/pipelines',
      operationId: 'createPipeline',
      summary: 'Create a pipeline with its stages in order (admin, sales manager)',
      tags: ['Pipelines'],
      body: CreatePipelineSchema,
      responses: { 201: jsonResponse(PipelineSchema, 'The new pipeline'), ...editProblems },
      async handler(ctx, { body }) {
        const principal = editor(ctx);
        const pipeline = await createPipeline(emOf(ctx), principal, body);
        ctx.set('Location', `/api/v1/pipelines/${pipeline.id}`);
        answer(ctx, pipeline, 201);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/pipelines/{id}',
      operationId: 'getPipeline',
      summary: 'One pipeline with its active stages',
      tags: ['Pipelines'],
      params: PipelineParamsSchema,
      responses: { 200: jsonResponse(PipelineSchema, 'The pipeline'), 404: editProblems[404] },
      async handler(ctx, { params }) {
        answer(ctx, await getPipeline(emOf(ctx), params.id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/pipelines/{id}',
      operationId: 'renamePipeline',
      summary: 'Rename a pipeline (admin, sales manager); If-Match with its ETag',
      tags: ['Pipelines'],
      params: PipelineParamsSchema,
      body: RenamePipelineSchema,
      responses: { 200: jsonResponse(PipelineSchema, 'The renamed pipeline'), ...editProblems },
      async handler(ctx, { params, body }) {
        const principal = editor(ctx);
        answer(ctx, await renamePipeline(emOf(ctx), principal, params.id, body.name, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/pipelines/{id}/stages',
      operationId: 'addStage',
      summary: 'Add a stage, by default before the won and lost stages (admin, sales manager); If-Match',
      tags: ['Pipelines'],
      params: PipelineParamsSchema,
      body: AddStageSchema,
      responses: { 201: jsonResponse(PipelineSchema, 'The pipeline with the new stage'), ...editProblems },
      async handler(ctx, { params, body }) {
        const principal = editor(ctx);
        const pipeline = await addStage(emOf(ctx), principal, params.id, body, ifMatchVersion(ctx));
        ctx.set('Location', `/api/v1/pipelines/${pipeline.id}`);
        answer(ctx, pipeline, 201);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/pipelines/{id}/stages/{stageId}',
      operationId: 'updateStage',
      summary:
        "Rename a stage or change its probability, color or outcome (admin, sales manager); If-Match with the pipeline's ETag",
      tags: ['Pipelines'],
      params: StageParamsSchema,
      body: UpdateStageSchema,
      responses: { 200: jsonResponse(PipelineSchema, 'The pipeline'), ...editProblems },
      async handler(ctx, { params, body }) {
        const principal = editor(ctx);
        answer(ctx, await updateStage(emOf(ctx), principal, params.id, params.stageId, body, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/pipelines/{id}/stages/order',
      operationId: 'reorderStages',
      summary: "Put the stages in a new order (admin, sales manager); If-Match with the pipeline's ETag",
      tags: ['Pipelines'],
      params: PipelineParamsSchema,
      body: StageOrderSchema,
      responses: {
        200: jsonResponse(PipelineSchema, 'The pipeline'),
        422: { description: 'Not every active stage once' },
        ...editProblems,
      },
      async handler(ctx, { params, body }) {
        const principal = editor(ctx);
        answer(ctx, await reorderStages(emOf(ctx), principal, params.id, body.stageIds, ifMatchVersion(ctx)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/pipelines/{id}/stages/{stageId}/archive',
      operationId: 'archiveStage',
      summary:
        "Archive a stage once it is empty, or move its deals to another stage in the same call (admin, sales manager); If-Match with the pipeline's ETag",
      tags: ['Pipelines'],
      params: StageParamsSchema,
      body: ArchiveStageSchema,
      responses: {
        200: jsonResponse(PipelineSchema, 'The pipeline without the stage'),
        422: { description: 'moveDealsTo is not a fitting stage of this pipeline' },
        ...editProblems,
      },
      async handler(ctx, { params, body }) {
        const principal = editor(ctx);
        answer(
          ctx,
          await archiveStage(emOf(ctx), principal, params.id, params.stageId, body.moveDealsTo, ifMatchVersion(ctx)),
        );
      },
    }),
  ];
}
