// What a saved filter's history shows: its name, list, scope and tree.
import { auditPolicy } from '../../records/audit.ts';
import { SavedFilter } from './saved-filter.entity.ts';

export const savedFilterAudit = auditPolicy<SavedFilter>({
  entity: SavedFilter,
  type: 'saved_filter',
  show: (saved) => ({
    name: saved.name,
    entityType: saved.entityType,
    scope: saved.ownerId ? 'private' : 'company',
    filter: saved.filter,
  }),
});
