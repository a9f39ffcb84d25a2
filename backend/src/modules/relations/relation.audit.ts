// A relation tells on the records it joins: both ends when it is made, the from-record when it goes.
import { auditPolicy } from '../../records/audit.ts';
import type { HistoryChange } from '../../records/history.ts';
import { Relation } from './relation.entity.ts';

export const relationAudit = auditPolicy<Relation>({
  entity: Relation,
  async related(changes, db) {
    const typeIds = [...new Set(changes.map((change) => change.entity.type.id))];
    const types = new Map(
      (
        await db.selectFrom('relation_type').select(['id', 'name', 'reverse_name']).where('id', 'in', typeIds).execute()
      ).map((type) => [type.id, type]),
    );
    return changes.flatMap(({ action, entity }): HistoryChange[] => {
      const type = types.get(entity.type.id);
      if (!type) return [];
      const from = { type: entity.fromType, id: entity.fromId };
      const to = { type: entity.toType, id: entity.toId };
      const outgoing = { relation: type.name, to };
      if (action === 'delete') {
        return [{ ...from, action: 'update', before: { relations: outgoing }, after: { relations: null } }];
      }
      return [
        { ...from, action: 'update', before: { relations: null }, after: { relations: outgoing } },
        {
          ...to,
          action: 'update',
          before: { relations: null },
          after: { relations: { relation: type.reverse_name, to: from } },
        },
      ];
    });
  },
});
