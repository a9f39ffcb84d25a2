// Notes (T5): a sanitized body in its source format, rendered once on write.
import { defineEntity, p } from '@mikro-orm/core';
import { recordColumns } from '../../entity-columns.ts';
import { TRASH_FILTER } from '../../http/tenancy.ts';
import { newId } from '../../ids.ts';
import type { RecordRef } from '../../records/record-links.ts';
import { Tenant } from '../identity/tenant.entity.ts';
import type { NoteFormat } from './note-body.ts';

const trashable = { [TRASH_FILTER]: { name: TRASH_FILTER, cond: { deletedAt: null }, default: true } };

export const NoteSchema = defineEntity({
  name: 'Note',
  filters: trashable,
  tableName: 'note',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    format: p.text().$type<NoteFormat>(),
    /** As the author wrote it (sanitized). */
    source: p.text(),
    bodyHtml: p.text(),
    bodyText: p.text(),
    /** The call or visit this note is the protocol of. */
    activityId: p.uuid().nullable(),
    ...recordColumns(),
  },
});
export class Note extends NoteSchema.class {
  /** The records the note is on (record_link rows): set by its loader, shown in its history. */
  declare links?: RecordRef[];
}
NoteSchema.setClass(Note);
