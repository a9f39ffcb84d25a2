// Notes (T5): a sanitized body in its source format, rendered once on write.
import { defineEntity, p } from '@mikro-orm/core';
import { recordColumns, tenantColumn, tenantIsolation, trashable } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import type { RecordRef } from '../../records/record-links.ts';
import { Activity } from '../activities/activity.entity.ts';
import type { NoteFormat } from './note-body.ts';

export const NoteSchema = defineEntity({
  name: 'Note',
  filters: trashable(),
  tableName: 'note',
  policies: tenantIsolation(),
  indexes: [
    { name: 'note_activity_idx', where: 'activity_id IS NOT NULL', properties: ['activityId'] },
    {
      name: 'note_trash_idx',
      where: 'deleted_at IS NOT NULL',
      properties: ['tenant', 'deletedAt', 'id'],
      columns: [{ name: 'tenant_id' }, { name: 'deleted_at', sort: 'DESC' }, { name: 'id' }],
    },
  ],
  checks: [
    { name: 'note_format_check', expression: "format = ANY (ARRAY['html'::text, 'markdown'::text])" },
    { name: 'note_source_check', expression: '(length(source) >= 1) AND (length(source) <= 102400)' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    format: p.text().$type<NoteFormat>(),
    /** As the author wrote it (sanitized). */
    source: p.text(),
    bodyHtml: p.text(),
    bodyText: p.text(),
    /** The call or visit this note is the protocol of. */
    activityId: () => p.manyToOne(Activity).fieldName('activity_id').mapToPk().deleteRule('set null').nullable(),
    ...recordColumns(),
  },
});
export class Note extends NoteSchema.class {
  /** The records the note is on (record_link rows): set by its loader, shown in its history. */
  declare links?: RecordRef[];
}
NoteSchema.setClass(Note);
