// Comments (T6): one conversation per record, with @mentions.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, userRef, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';

export const CommentSchema = defineEntity({
  name: 'Comment',
  tableName: 'comment',
  policies: tenantIsolation(),
  indexes: [{ name: 'comment_record_idx', properties: ['tenant', 'recordType', 'recordId', 'createdAt', 'id'] }],
  checks: [
    { name: 'comment_body_check', expression: '(length(body) >= 1) AND (length(body) <= 10000)' },
    { name: 'comment_record_type_check', expression: "record_type ~ '^[a-z_]{1,40}$'::text" },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    recordType: p.text(),
    recordId: p.uuid(),
    /** As written, mentions as `@[Name](user:<uuid>)`. */
    body: p.text(),
    /** The mentioned users, in order of first mention. */
    mentions: p.array().columnType('uuid[]').$type<string[]>().default([]),
    authorId: () => userRef('author_id'),
    ...versionedColumns(),
    /** When the body last changed after it was written (null: never edited). */
    editedAt: p.datetime().nullable(),
  },
});
export class Comment extends CommentSchema.class {}
CommentSchema.setClass(Comment);
