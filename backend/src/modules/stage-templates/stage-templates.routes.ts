// Stage task templates (D3) and whether deals move on by themselves: admins and sales managers
// edit them, everyone reads them.
import type { RouterContext } from '@koa/router';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, requireRole } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { PipelineParamsSchema } from '../pipelines/pipelines.schemas.ts';
import {
  AutomationSchema,
  CreateTaskTemplateSchema,
  TaskTemplateListSchema,
  TaskTemplateSchema,
  type TaskTemplateView,
  TemplateParamsSchema,
  TemplateStageParamsSchema,
  UpdateAutomationSchema,
  UpdateTaskTemplateSchema,
} from './stage-templates.schemas.ts';
import {
  automationOf,
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  updateAutomation,
  updateTemplate,
} from './stage-templates.service.ts';

const BASE = '/api/v1/pipelines/{id}/stages/{stageId}/task-templates';

const answer = (ctx: RouterContext, template: TaskTemplateView, status = 200) => {
  ctx.status = status;
  setVersionTag(ctx, template.version);
  ctx.body = template;
};

const problems = {
  403: { description: 'Admins and sales managers only' },
  404: { description: 'No such pipeline, stage or template in your organisation' },
  412: { description: 'Changed meanwhile (stale If-Match)' },
  422: { description: 'A user or team that is not there, or a stage of a lead pipeline' },
};

/** Who edits templates and automation: admins and sales managers, as the pipeline editor. */
const editor = (ctx: RouterContext) => requireRole(ctx, 'admin', 'sales_manager');

export function stageTemplatesRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: BASE,
      operationId: 'listStageTaskTemplates',
      summary: 'The task templates of a stage, in order, and whether deals leave the stage by themselves',
      tags: ['Pipelines'],
      params: TemplateStageParamsSchema,
      responses: { 200: jsonResponse(TaskTemplateListSchema, 'The templates'), 404: problems[404] },
      async handler(ctx, { params }) {
        ctx.body = await listTemplates(emOf(ctx), params.id, params.stageId);
      },
    }),
    defineRoute({
      method: 'post',
      path: BASE,
      operationId: 'createStageTaskTemplate',
      summary:
        'Add a task template to a stage of a deal pipeline: title, relative due date (dueInDays or dueIn), assignee rule, required (admin, sales manager)',
      tags: ['Pipelines'],
      params: TemplateStageParamsSchema,
      body: CreateTaskTemplateSchema,
      responses: {
        201: jsonResponse(TaskTemplateSchema, 'The new template'),
        409: { description: 'The stage has the most templates a stage may have' },
        ...problems,
      },
      async handler(ctx, { params, body }) {
        const principal = editor(ctx);
        const template = await createTemplate(emOf(ctx), principal, params.id, params.stageId, body);
        ctx.set('Location', `/api/v1/pipelines/${params.id}/stages/${params.stageId}/task-templates/${template.id}`);
        answer(ctx, template, 201);
      },
    }),
    defineRoute({
      method: 'get',
      path: `${BASE}/{templateId}`,
      operationId: 'getStageTaskTemplate',
      summary: 'One task template',
      tags: ['Pipelines'],
      params: TemplateParamsSchema,
      responses: { 200: jsonResponse(TaskTemplateSchema, 'The template'), 404: problems[404] },
      async handler(ctx, { params }) {
        answer(ctx, await getTemplate(emOf(ctx), params.id, params.stageId, params.templateId));
      },
    }),
    defineRoute({
      method: 'patch',
      path: `${BASE}/{templateId}`,
      operationId: 'updateStageTaskTemplate',
      summary: 'Change a task template (admin, sales manager); tasks made already stay as they are; If-Match',
      tags: ['Pipelines'],
      params: TemplateParamsSchema,
      body: UpdateTaskTemplateSchema,
      responses: { 200: jsonResponse(TaskTemplateSchema, 'The changed template'), ...problems },
      async handler(ctx, { params, body }) {
        const principal = editor(ctx);
        answer(
          ctx,
          await updateTemplate(
            emOf(ctx),
            principal,
            params.id,
            params.stageId,
            params.templateId,
            body,
            ifMatchVersion(ctx),
          ),
        );
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${BASE}/{templateId}`,
      operationId: 'deleteStageTaskTemplate',
      summary: 'Remove a task template (admin, sales manager); the tasks it made stay; If-Match',
      tags: ['Pipelines'],
      params: TemplateParamsSchema,
      responses: { 204: { description: 'Removed' }, 403: problems[403], 404: problems[404], 412: problems[412] },
      async handler(ctx, { params }) {
        const principal = editor(ctx);
        await deleteTemplate(emOf(ctx), principal, params.id, params.stageId, params.templateId, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/pipelines/{id}/automation',
      operationId: 'getPipelineAutomation',
      summary: "Whether deals move on by themselves once a stage's required tasks are done, per pipeline and stage",
      tags: ['Pipelines'],
      params: PipelineParamsSchema,
      responses: { 200: jsonResponse(AutomationSchema, 'The settings'), 404: problems[404] },
      async handler(ctx, { params }) {
        const automation = await automationOf(emOf(ctx), params.id);
        setVersionTag(ctx, automation.version);
        ctx.body = automation;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/pipelines/{id}/automation',
      operationId: 'updatePipelineAutomation',
      summary:
        "Set autoAdvance for the pipeline and/or its stages (admin, sales manager); If-Match with the pipeline's ETag",
      tags: ['Pipelines'],
      params: PipelineParamsSchema,
      body: UpdateAutomationSchema,
      responses: { 200: jsonResponse(AutomationSchema, 'The settings'), ...problems },
      async handler(ctx, { params, body }) {
        const principal = editor(ctx);
        const automation = await updateAutomation(emOf(ctx), principal, params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, automation.version);
        ctx.body = automation;
      },
    }),
  ];
}
