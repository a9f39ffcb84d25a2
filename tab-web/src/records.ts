// The record types the app has pages for, and where a record's page is: /app/records/{type}/{id}
// (the Outlook pane's "Im CRM öffnen" links and Teams deep links use it).
export const PAGE_TYPES = ['person', 'organization', 'business_contact', 'deal', 'lead'] as const;
export type PageType = (typeof PAGE_TYPES)[number];

export const isPageType = (type: string): type is PageType => (PAGE_TYPES as readonly string[]).includes(type);

export function recordPath(type: string, id: string): string | null {
  return isPageType(type) ? `/records/${type}/${encodeURIComponent(id)}` : null;
}

/** A record's name as people say it, from what the API answers for its type. */
export function titleOf(type: string, record: Record<string, unknown> | undefined): string {
  if (!record) return '';
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : '');
  switch (type) {
    case 'person':
      return [text('title'), text('firstName'), text('lastName')].filter(Boolean).join(' ');
    case 'organization':
      return text('name');
    case 'deal':
      return text('title');
    case 'lead':
      return text('companyName') || [text('firstName'), text('lastName')].filter(Boolean).join(' ') || text('title');
    case 'business_contact':
      return [text('personName'), text('organizationName')].filter(Boolean).join(' · ');
    default:
      return text('title') || text('name');
  }
}
