// GET/PUT /api/v1/capture-rules (the organisation's; admins change them) and /api/v1/me/capture-rules
// (the signed-in user's own): what mail is filed automatically.
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf, requireRole, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import {
  CaptureRulesInputSchema,
  CaptureRulesViewSchema,
  MailCaptureViewSchema,
  UserCaptureRulesInputSchema,
  UserCaptureRulesViewSchema,
} from './capture-rules.schemas.ts';
import {
  readCaptureRules,
  readUserCaptureRules,
  writeCaptureRules,
  writeUserCaptureRules,
} from './capture-rules.service.ts';
import { mailCapture, unfileCapturedMail } from './mail-capture.service.ts';

const tagged = (ctx: Parameters<typeof setVersionTag>[0], version: number | null) => {
  if (version !== null) setVersionTag(ctx, version);
};

export function captureRulesRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/capture-rules',
      operationId: 'getCaptureRules',
      summary: "The organisation's rules for filing mail automatically",
      tags: ['Mail capture'],
      responses: { 200: jsonResponse(CaptureRulesViewSchema, 'The rules in force (defaults while none were set)') },
      async handler(ctx) {
        principalOf(ctx);
        const rules = await readCaptureRules(emOf(ctx));
        tagged(ctx, rules.version);
        ctx.body = rules;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/capture-rules',
      operationId: 'putCaptureRules',
      summary:
        'Set the organisation\'s capture rules (administrators); If-Match with the version changed ("0" for none yet)',
      tags: ['Mail capture'],
      body: CaptureRulesInputSchema,
      responses: {
        200: jsonResponse(CaptureRulesViewSchema, 'The rules as kept'),
        400: { description: 'Not valid rules (the problem names the field)' },
        403: { description: 'Needs the CRM role admin' },
        412: { description: 'Changed meanwhile (stale If-Match)' },
      },
      async handler(ctx, { body }) {
        requireRole(ctx, 'admin');
        const rules = await writeCaptureRules(emOf(ctx), body, ifMatchVersion(ctx));
        tagged(ctx, rules.version);
        ctx.body = rules;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/me/capture-rules',
      operationId: 'getMyCaptureRules',
      summary: 'Your own capture rules: opted out, addresses never filed',
      tags: ['Mail capture'],
      responses: { 200: jsonResponse(UserCaptureRulesViewSchema, 'Your rules') },
      async handler(ctx) {
        const user = requireUser(ctx);
        const rules = await readUserCaptureRules(emOf(ctx), user.userId);
        tagged(ctx, rules.version);
        ctx.body = rules;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/me/capture-rules',
      operationId: 'putMyCaptureRules',
      summary: 'Set your own capture rules; If-Match with the version changed ("0" for none yet)',
      tags: ['Mail capture'],
      body: UserCaptureRulesInputSchema,
      responses: {
        200: jsonResponse(UserCaptureRulesViewSchema, 'Your rules as kept'),
        400: { description: 'Not valid rules' },
        412: { description: 'Changed meanwhile (stale If-Match)' },
      },
      async handler(ctx, { body }) {
        const user = requireUser(ctx);
        const rules = await writeUserCaptureRules(emOf(ctx), user.userId, body, ifMatchVersion(ctx));
        tagged(ctx, rules.version);
        ctx.body = rules;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/mails/{id}/capture',
      operationId: 'getMailCapture',
      summary:
        'How a mail came to be filed automatically: which rule, for which addresses, from whose mailbox, when; and who un-filed it',
      tags: ['Mail capture'],
      params: IdParamsSchema,
      responses: {
        200: jsonResponse(MailCaptureViewSchema, 'The audit of the mail'),
        404: { description: 'Not found' },
      },
      async handler(ctx, { params }) {
        principalOf(ctx);
        ctx.body = await mailCapture(emOf(ctx), params.id);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/mails/{id}/capture',
      operationId: 'unfileCapturedMail',
      summary:
        'Un-file a mail from every record (whoever filed it, sales managers, admins); the sync does not file it again',
      tags: ['Mail capture'],
      params: IdParamsSchema,
      responses: {
        200: jsonResponse(MailCaptureViewSchema, 'The audit, with the un-filing'),
        403: { description: 'Not yours to un-file' },
        404: { description: 'Not found' },
      },
      async handler(ctx, { params }) {
        ctx.body = await unfileCapturedMail(emOf(ctx), requireUser(ctx), params.id);
      },
    }),
  ];
}
