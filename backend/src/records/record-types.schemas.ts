// The kinds of record that tags, relations, tasks, notes and comments point at, as the API names
// them. Part of the API contract, so it imports nothing of the server.
export const RECORD_TYPES = ['person', 'organization', 'business_contact', 'deal', 'lead'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
