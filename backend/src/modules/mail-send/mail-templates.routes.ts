import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import {
  CreateMailTemplateSchema,
  FilledMailTemplateSchema,
  FillMailTemplateSchema,
  MailTemplateListSchema,
  MailTemplateSchema,
  UpdateMailTemplateSchema,
} from './mail-send.schemas.ts';
import {
  createMailTemplate,
  deleteMailTemplate,
  fillMailTemplate,
  getMailTemplate,
  listMailTemplates,
  updateMailTemplate,
} from './mail-templates.service.ts';

const problems = {
  403: { description: "Only admins keep the company's mail templates" },
  404: { description: "Not yours or your company's" },
  409: { description: 'Name taken' },
  412: { description: 'Changed meanwhile (stale If-Match)' },
};

export function mailTemplatesRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/mail-templates',
      operationId: 'listMailTemplates',
      summary: "Your mail templates and your company's, company-wide first",
      tags: ['Mail'],
      responses: { 200: jsonResponse(MailTemplateListSchema, 'Templates') },
      async handler(ctx) {
        ctx.body = { items: await listMailTemplates(emOf(ctx), principalOf(ctx)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/mail-templates',
      operationId: 'createMailTemplate',
      summary: 'Save a mail template for yourself (private) or, as an admin, for the whole company',
      tags: ['Mail'],
      body: CreateMailTemplateSchema,
      responses: { 201: jsonResponse(MailTemplateSchema, 'The template, its body sanitized'), ...problems },
      async handler(ctx, { body }) {
        const template = await createMailTemplate(emOf(ctx), requireUser(ctx), body);
        ctx.status = 201;
        ctx.set('Location', `/api/v1/mail-templates/${template.id}`);
        setVersionTag(ctx, template.version);
        ctx.body = template;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/mail-templates/{id}',
      operationId: 'getMailTemplate',
      summary: 'One mail template',
      tags: ['Mail'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(MailTemplateSchema, 'The template'), 404: problems[404] },
      async handler(ctx, { params }) {
        const template = await getMailTemplate(emOf(ctx), principalOf(ctx), params.id);
        setVersionTag(ctx, template.version);
        ctx.body = template;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/mail-templates/{id}',
      operationId: 'updateMailTemplate',
      summary: "Change a mail template (yours; the company's as an admin); If-Match",
      tags: ['Mail'],
      params: IdParamsSchema,
      body: UpdateMailTemplateSchema,
      responses: { 200: jsonResponse(MailTemplateSchema, 'The changed template'), ...problems },
      async handler(ctx, { params, body }) {
        const template = await updateMailTemplate(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, template.version);
        ctx.body = template;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/mail-templates/{id}',
      operationId: 'deleteMailTemplate',
      summary: "Delete a mail template (yours; the company's as an admin); If-Match",
      tags: ['Mail'],
      params: IdParamsSchema,
      responses: { 204: { description: 'Deleted' }, ...problems },
      async handler(ctx, { params }) {
        await deleteMailTemplate(emOf(ctx), principalOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/mail-templates/{id}/fill',
      operationId: 'fillMailTemplate',
      summary: "A template's subject and body filled from a record you see, with its reference in the subject",
      tags: ['Mail'],
      params: IdParamsSchema,
      body: FillMailTemplateSchema,
      responses: {
        200: jsonResponse(FilledMailTemplateSchema, 'Subject and body, ready to send'),
        404: { description: "The template is not yours or your company's, or you do not see the record" },
      },
      async handler(ctx, { params, body }) {
        ctx.body = await fillMailTemplate(emOf(ctx), principalOf(ctx), params.id, body.record);
      },
    }),
  ];
}
