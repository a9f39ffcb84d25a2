// The areas the app lists, in the order the start page's tiles show them.
export const LIST_TYPES = ['person', 'organization', 'deal', 'lead', 'task', 'activity'] as const;
export type ListType = (typeof LIST_TYPES)[number];
export const isListType = (type: string | undefined): type is ListType =>
  (LIST_TYPES as readonly string[]).includes(type ?? '');
