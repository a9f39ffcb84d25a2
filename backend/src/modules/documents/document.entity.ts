// Documents, their versions and the content-addressed blobs holding the bytes.
import { defineEntity, p } from '@mikro-orm/core';
import { recordColumns, tenantColumn, tenantIsolation, trashable, userRef } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { Activity } from '../activities/activity.entity.ts';
import { Mail } from '../mail/mail.entity.ts';

export const BlobSchema = defineEntity({
  name: 'Blob',
  tableName: 'blob',
  policies: tenantIsolation(),
  checks: [
    { name: 'blob_sha256_check', expression: "sha256 ~ '^[0-9a-f]{64}$'::text" },
    { name: 'blob_size_check', expression: 'size >= 0' },
  ],
  properties: {
    tenant: () => tenantColumn().primary().updateRule('no action'),
    sha256: p.text().primary(),
    size: p.bigint(),
    data: p.blob(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});
export class Blob extends BlobSchema.class {}
BlobSchema.setClass(Blob);

export const DocumentSchema = defineEntity({
  name: 'Document',
  tableName: 'document',
  filters: trashable(),
  policies: tenantIsolation(),
  indexes: [
    {
      name: 'document_mail_idx',
      where: 'mail_id IS NOT NULL',
      properties: ['tenant', 'mail'],
    },
    {
      name: 'document_activity_idx',
      where: 'activity_id IS NOT NULL',
      properties: ['tenant', 'activity'],
    },
    {
      name: 'document_trash_idx',
      where: 'deleted_at IS NOT NULL',
      properties: ['tenant', 'deletedAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'deleted_at', sort: 'DESC' }, { name: 'id' }],
    },
  ],
  checks: [
    {
      name: 'document_check',
      expression: "(kind = 'cloud'::text) = (cloud_url IS NOT NULL)",
    },
    { name: 'document_cloud_url_check', expression: 'length(cloud_url) <= 2000' },
    { name: 'document_content_id_check', expression: 'length(content_id) <= 500' },
    { name: 'document_latest_version_check', expression: 'latest_version >= 0' },
    {
      name: 'document_name_check',
      expression: '(length(name) >= 1) AND (length(name) <= 255)',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    name: p.text(),
    kind: p.enum(['file', 'cloud']).default('file'),
    cloudUrl: p.text().nullable(),
    mail: () => p.manyToOne(Mail).fieldName('mail_id').deleteRule('cascade').nullable(),
    /** The meeting whose Outlook attachment this document first came as (the documents section says so). */
    activity: () => p.manyToOne(Activity).fieldName('activity_id').deleteRule('set null').nullable(),
    isInline: p.boolean().default(false),
    contentId: p.text().nullable(),
    latestVersion: p.integer().default(0),
    ...recordColumns(),
  },
});
export class Document extends DocumentSchema.class {}
DocumentSchema.setClass(Document);

export const DocumentVersionSchema = defineEntity({
  name: 'DocumentVersion',
  tableName: 'document_version',
  policies: tenantIsolation(),
  checks: [
    {
      name: 'document_version_content_type_check',
      expression: '(length(content_type) >= 1) AND (length(content_type) <= 200)',
    },
    {
      name: 'document_version_declared_type_check',
      expression: 'length(declared_type) <= 200',
    },
    { name: 'document_version_number_check', expression: 'number >= 1' },
    { name: 'document_version_size_check', expression: 'size >= 0' },
  ],
  indexes: [{ name: 'document_version_blob_idx', properties: ['blob'] }],
  properties: {
    tenant: () => tenantColumn(),
    document: () =>
      p.manyToOne(Document).fieldName('document_id').primary().updateRule('no action').deleteRule('cascade'),
    number: p.integer().primary(),
    blob: () => p.manyToOne(Blob).fieldNames('tenant_id', 'sha256').updateRule('no action').deleteRule('no action'),
    size: p.bigint(),
    contentType: p.text(),
    declaredType: p.text().nullable(),
    uploadedBy: () => userRef('uploaded_by'),
    uploadedAt: p.datetime().defaultRaw(`now()`),
  },
});
export class DocumentVersion extends DocumentVersionSchema.class {}
DocumentVersionSchema.setClass(DocumentVersion);
