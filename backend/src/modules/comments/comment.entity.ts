// Comments (T6): one conversation per record, with @mentions.
import { defineEntity, p } from '@mikro-orm/core';
import { versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { Tenant } from '../identity/tenant.entity.ts';

export const CommentSchema = defineEntity({
  name: 'Comment',
  tableName: 'comment',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    recordType: p.text(),
    recordId: p.uuid(),
    /** As written, mentions as `@[Name](user:<uuid>)`. */
    body: p.text(),
    /** The mentioned users, in order of first mention. */
    mentions: p.array().columnType('uuid[]').$type<string[]>().default([]),
    authorId: p.uuid().nullable(),
    ...versionedColumns(),
    /** When the body last changed after it was written (null: never edited). */
    editedAt: p.datetime().nullable(),
  },
});
export class Comment extends CommentSchema.class {}
CommentSchema.setClass(Comment);
