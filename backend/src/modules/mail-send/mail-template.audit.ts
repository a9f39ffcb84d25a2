// What a mail template's history shows: its name, scope, subject and body.
import { auditPolicy } from '../../records/audit.ts';
import { MailTemplate } from './mail-template.entity.ts';

export const mailTemplateAudit = auditPolicy<MailTemplate>({
  entity: MailTemplate,
  type: 'mail_template',
  show: (template) => ({
    name: template.name,
    scope: template.ownerId ? 'private' : 'company',
    subject: template.subject,
    bodyHtml: template.bodyHtml,
  }),
});
