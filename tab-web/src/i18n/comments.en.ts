// English text of a record's comments section; the keys are the German file's.
import type { commentsDe } from './comments.de.ts';

type Texts<T> = { [K in keyof T]: T[K] extends string ? string : Texts<T[K]> };

export const commentsEn: Texts<typeof commentsDe> = {
  loading: 'Loading the comments …',
  empty: 'No comments yet.',
  older: 'Show older comments',
  conversation: 'Conversation',
  someone: 'Someone',
  edited: '(edited)',
  write: 'Write a comment',
  writeHint: 'Type @ to mention a colleague; they get notified.',
  send: 'Comment',
  sending: 'Sending …',
  sent: 'Your comment is saved.',
  edit: 'Edit',
  editLabel: 'Edit the comment by {{who}} of {{when}}',
  editBox: 'Edit the comment',
  save: 'Save',
  saved: 'The comment is changed.',
  cancel: 'Cancel',
  delete: 'Delete',
  deleteLabel: 'Delete the comment by {{who}} of {{when}}',
  confirmDelete: 'Delete this comment?',
  keep: 'Keep it',
  deleted: 'The comment is deleted.',
  suggestions: 'Colleagues to mention',
  suggested_one: 'One suggestion; Enter takes it, Escape closes.',
  suggested_other: '{{count}} suggestions; choose with the arrow keys, Enter takes one, Escape closes.',
  noneSuggested: 'Nobody by that name.',
};
