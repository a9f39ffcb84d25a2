import type { CrmModule } from '../module.ts';
import { notesRoutes } from './notes.routes.ts';
import { noteSearchContext, notesOverview } from './notes.service.ts';

export const notesModule: CrmModule = {
  name: 'notes',
  routes: () => notesRoutes(),
  overviewSections: [{ name: 'notes', section: notesOverview }],
  searchContexts: { note: noteSearchContext },
};
