import { emOf, requireUser } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { SendMailSchema, SentMailSchema } from './mail-send.schemas.ts';
import { type MailSendDeps, sendMailFromCrm } from './mail-send.service.ts';

export function mailSendRoutes(deps: MailSendDeps): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/mails/send',
      operationId: 'sendMail',
      summary:
        'Send a mail about a record from your Microsoft 365 mailbox; it is filed on the record and its persons at once',
      description:
        "Subject and body default to the template's (templateId); placeholders are filled from the record, and the record's reference ([CRM-D-12]) is added to the subject unless it is there. The sync of Sent Items later finds the same mail filed: nothing is filed twice.",
      tags: ['Mail'],
      body: SendMailSchema,
      responses: {
        201: jsonResponse(SentMailSchema, 'Sent, and filed on the record and its persons'),
        404: { description: 'You do not see the record, or the template is not yours or your company’s' },
        409: { description: 'The CRM may not send mail for you (no Microsoft 365 access or no Mail.Send)' },
        422: { description: 'No recipient, or an address that is none' },
        502: { description: 'Microsoft 365 refused the mail' },
        503: { description: 'Microsoft 365 is busy: try again after Retry-After' },
      },
      async handler(ctx, { body }) {
        const sent = await sendMailFromCrm(emOf(ctx), requireUser(ctx), deps, body);
        ctx.status = 201;
        ctx.set('Location', `/api/v1/mails/${sent.id}`);
        ctx.body = sent;
      },
    }),
  ];
}
