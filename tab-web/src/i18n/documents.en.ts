// English text of a record's documents section; the keys are the German file's.
import type { documentsDe } from './documents.de.ts';

type Texts<T> = { [K in keyof T]: T[K] extends string ? string : Texts<T[K]> };

export const documentsEn: Texts<typeof documentsDe> = {
  drop: 'Drag files here or',
  choose: 'Choose a file',
  dropZone: 'Upload documents: drop files here',
  uploading: 'Uploading …',
  uploaded: '“{{name}}” is uploaded (version {{number}}).',
  unchanged: '“{{name}}” is there in this very form already; nothing changed.',
  meta: 'Version {{number}} · {{size}} · {{who}}, {{when}}',
  fromMeeting: 'Attached to a meeting in Outlook',
  someone: 'someone',
  download: 'Download',
  downloadLabel: 'Download “{{name}}”',
  newVersion: 'New version',
  newVersionLabel: 'Upload a new version of “{{name}}”',
  versions: 'Versions',
  versionsLabel: 'Versions of “{{name}}”',
  version: 'Version {{number}}',
  downloadVersionLabel: 'Download version {{number}} of “{{name}}”',
  cloud: 'Open',
  empty: 'No documents yet.',
  loading: 'Loading the documents …',
};
