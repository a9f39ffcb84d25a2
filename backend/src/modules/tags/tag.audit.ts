// Tagging tells on the tagged record: its tag names before and after, one entry per record and flush.
import { auditPolicy } from '../../records/audit.ts';
import type { HistoryChange } from '../../records/history.ts';
import { RecordTag } from './tag.entity.ts';

export const recordTagAudit = auditPolicy<RecordTag>({
  entity: RecordTag,
  async related(changes, db) {
    const byRecord = new Map<string, { type: string; id: string; added: string[]; removed: string[] }>();
    for (const { action, entity } of changes) {
      const key = `${entity.recordType}:${entity.recordId}`;
      const record = byRecord.get(key) ?? { type: entity.recordType, id: entity.recordId, added: [], removed: [] };
      (action === 'create' ? record.added : record.removed).push(entity.tag.id);
      byRecord.set(key, record);
    }
    const told: HistoryChange[] = [];
    for (const record of byRecord.values()) {
      // Runs before the flush writes: the record's tags as they were.
      const current = await db
        .selectFrom('record_tag')
        .innerJoin('tag', 'tag.id', 'record_tag.tag_id')
        .select(['tag.id', 'tag.name'])
        .where('record_tag.record_type', '=', record.type)
        .where('record_tag.record_id', '=', record.id)
        .orderBy((eb) => eb.fn('lower', ['tag.name']))
        .execute();
      const tagIds = [...new Set([...current.map((tag) => tag.id), ...record.added])].filter(
        (id) => !record.removed.includes(id),
      );
      const after =
        tagIds.length === 0
          ? []
          : await db
              .selectFrom('tag')
              .select('name')
              .where('id', 'in', tagIds)
              .orderBy((eb) => eb.fn('lower', ['name']))
              .execute();
      told.push({
        type: record.type,
        id: record.id,
        action: 'update',
        before: { tags: current.map((tag) => tag.name) },
        after: { tags: after.map((tag) => tag.name) },
      });
    }
    return told;
  },
});
