// German text of the trash page (G4); the English file has the same keys.
export const trashDe = {
  nav: 'Papierkorb',
  title: 'Papierkorb',
  intro:
    'Gelöschte Datensätze aller Arten, die zuletzt gelöschten zuerst. Wiederhergestellte erscheinen wieder in ihrer Liste.',
  empty: 'Der Papierkorb ist leer.',
  loading: 'Papierkorb wird geladen …',
  columns: {
    type: 'Art',
    title: 'Datensatz',
    deletedAt: 'Gelöscht am',
    deletedBy: 'Gelöscht von',
    actions: 'Aktionen',
  },
  unknownUser: 'unbekannt',
  restore: 'Wiederherstellen',
  restoreLabel: '„{{title}}“ wiederherstellen',
  restored: '„{{title}}“ ist wiederhergestellt.',
  open: 'Öffnen',
  purge: 'Endgültig löschen',
  purgeLabel: '„{{title}}“ endgültig löschen',
  purgeQuestion: '„{{title}}“ endgültig löschen?',
  purgeExplain: 'Der Datensatz wird für immer gelöscht und kann nicht wiederhergestellt werden.',
  purged: '„{{title}}“ ist endgültig gelöscht.',
  cancel: 'Abbrechen',
  more: 'Weitere laden',
};
