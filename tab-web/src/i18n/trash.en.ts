// English text of the trash page (G4); the keys are the German file's.
import type { trashDe } from './trash.de.ts';

type Texts<T> = { [K in keyof T]: T[K] extends string ? string : Texts<T[K]> };

export const trashEn: Texts<typeof trashDe> = {
  nav: 'Trash',
  title: 'Trash',
  intro: 'Deleted records of every kind, most recently deleted first. Restored ones reappear in their list.',
  empty: 'The trash is empty.',
  loading: 'Loading the trash …',
  columns: { type: 'Kind', title: 'Record', deletedAt: 'Deleted on', deletedBy: 'Deleted by', actions: 'Actions' },
  unknownUser: 'unknown',
  restore: 'Restore',
  restoreLabel: 'Restore “{{title}}”',
  restored: '“{{title}}” is restored.',
  open: 'Open',
  purge: 'Delete for good',
  purgeLabel: 'Delete “{{title}}” for good',
  purgeQuestion: 'Delete “{{title}}” for good?',
  purgeExplain: 'The record is deleted forever and cannot be restored.',
  purged: '“{{title}}” is deleted for good.',
  cancel: 'Cancel',
  more: 'Load more',
};
