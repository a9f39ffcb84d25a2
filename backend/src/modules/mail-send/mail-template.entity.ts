// Mail templates (E3): a user's own or the whole company's (owner_id null, kept by admins).
import { defineEntity, p } from '@mikro-orm/core';
import { authorColumns, tenantColumn, tenantIsolation, userRef, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';

export const MailTemplateSchema = defineEntity({
  name: 'MailTemplate',
  tableName: 'mail_template',
  policies: tenantIsolation(),
  indexes: [{ name: 'mail_template_owner_idx', properties: ['tenant', 'ownerId'] }],
  uniques: [
    {
      name: 'mail_template_name_uq',
      expression:
        "CREATE UNIQUE INDEX mail_template_name_uq ON public.mail_template USING btree (tenant_id, COALESCE(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name))",
    },
  ],
  checks: [
    { name: 'mail_template_name_check', expression: '(length(name) >= 1) AND (length(name) <= 120)' },
    { name: 'mail_template_subject_check', expression: 'length(subject) <= 998' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    ownerId: () => userRef('owner_id').deleteRule('cascade'),
    name: p.text(),
    subject: p.text().default(''),
    /** Sanitized as filed mail is (mail-html.ts) before it is stored. */
    bodyHtml: p.text().default(''),
    ...versionedColumns(),
    ...authorColumns(),
  },
});
export class MailTemplate extends MailTemplateSchema.class {}
MailTemplateSchema.setClass(MailTemplate);
