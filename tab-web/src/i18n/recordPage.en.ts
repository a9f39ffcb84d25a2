// English text of a 360° page's header, layout and relations (C10, V8, C4); the keys are the
// German file's.
import type { recordPageDe } from './recordPage.de.ts';

type Texts<T> = { [K in keyof T]: T[K] extends string ? string : Texts<T[K]> };

export const recordPageEn: Texts<typeof recordPageDe> = {
  actions: {
    call: 'Call',
    teamsCall: 'Teams call',
    mail: 'Write mail',
    route: 'Plan route',
    routeTitle: 'Plan a route to {{address}} in Bing Maps',
    teamsCallTitle: 'Call in Microsoft Teams: {{email}}',
  },
  customize: {
    open: 'Customize page',
    title: 'Customize page',
    intro: 'Applies to your pages of this kind, on every device. Other users see their own setting.',
    actions: 'Buttons in the header',
    sections: 'Sections: shown, order, width',
    shown: 'Show {{name}}',
    wide: 'Full width',
    wideLabel: '{{name}} at full width',
    up: 'Move {{name}} up',
    down: 'Move {{name}} down',
    close: 'Close',
    saving: 'Saving …',
    reset: 'Restore the default',
  },
  relations: {
    add: 'Add relation',
    type: 'Kind of relation',
    target: 'To',
    searchTarget: 'Search a person, organization, deal …',
    save: 'Add',
    remove: 'Remove: {{label}} {{title}}',
    removed: 'Relation removed.',
    added: 'Relation added.',
  },
};
