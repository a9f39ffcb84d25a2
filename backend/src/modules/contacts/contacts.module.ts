import type { CrmModule } from '../module.ts';
import { contactsRoutes } from './contacts.routes.ts';
import { businessContactsOverview, CONTACT_TYPES, contactOverview } from './overview.sections.ts';

export const contactsModule: CrmModule = {
  name: 'contacts',
  routes: ({ blobStore, graph }) => contactsRoutes(blobStore, graph),
  overviewSections: [
    { name: 'record', section: contactOverview, types: CONTACT_TYPES },
    { name: 'businessContacts', section: businessContactsOverview, types: CONTACT_TYPES },
  ],
};
