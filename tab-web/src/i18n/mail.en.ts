// English text of the "Write mail" dialog on a record's page; the keys are the German file's.
import type { mailDe } from './mail.de.ts';

type Texts<T> = { [K in keyof T]: T[K] extends string ? string : Texts<T[K]> };

export const mailEn: Texts<typeof mailDe> = {
  open: 'Write mail',
  title: 'Write mail',
  to: 'To',
  cc: 'Cc',
  bcc: 'Bcc',
  addressesHint: 'Separate several addresses with commas',
  template: 'Template',
  noTemplate: 'No template',
  subject: 'Subject',
  subjectHint: "The record's reference is added",
  body: 'Text',
  send: 'Send',
  sending: 'Sending …',
  cancel: 'Cancel',
  sent: 'Sent and filed: {{subject}}',
};
