// German text of the "Mail schreiben" dialog on a record's page (under the key `mail`).
export const mailDe = {
  open: 'Mail schreiben',
  title: 'Mail schreiben',
  to: 'An',
  cc: 'Cc',
  bcc: 'Bcc',
  addressesHint: 'Mehrere Adressen durch Komma trennen',
  template: 'Vorlage',
  noTemplate: 'Ohne Vorlage',
  subject: 'Betreff',
  subjectHint: 'Die Referenz des Datensatzes wird angehängt',
  body: 'Text',
  send: 'Senden',
  sending: 'Wird gesendet …',
  cancel: 'Abbrechen',
  sent: 'Gesendet und abgelegt: {{subject}}',
};
