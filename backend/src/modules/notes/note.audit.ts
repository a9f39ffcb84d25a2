// What a note's history shows: its body as written, the records it is on, its activity.
import { auditPolicy } from '../../records/audit.ts';
import { sortedLinks } from '../../records/record-links.ts';
import { Note } from './note.entity.ts';

export const noteAudit = auditPolicy<Note>({
  entity: Note,
  type: 'note',
  show: (note) => ({
    body: { format: note.format, body: note.source },
    links: sortedLinks(note.links ?? []),
    activityId: note.activityId ?? null,
  }),
});
