// The record types the app has pages for, and where a record's page is: /app/records/{type}/{id}
// (the Outlook pane's "Im CRM öffnen" links and Teams deep links use it).
export const PAGE_TYPES = ['person', 'organization', 'business_contact', 'deal', 'lead'] as const;
export type PageType = (typeof PAGE_TYPES)[number];

export const isPageType = (type: string): type is PageType => (PAGE_TYPES as readonly string[]).includes(type);

export function recordPath(type: string, id: string): string | null {
  return isPageType(type) ? `/records/${type}/${encodeURIComponent(id)}` : null;
}

/**
 * Where a Teams deep link's sub-page (`deal/<id>`, as the bot's cards and shared records name it) opens in
 * the app; null for anything else (a task's link opens the start page, which lists the user's tasks).
 */
export function deepLinkPath(subPage: string | undefined): string | null {
  // Pages without a record: the profile (the sync alert's "View sync").
  if (subPage === 'profile') return '/profile';
  const match = /^([a-z_]+)\/([0-9a-f-]{36})$/i.exec(subPage ?? '');
  return match ? recordPath(match[1] as string, (match[2] as string).toLowerCase()) : null;
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

/**
 * When an activity is, as a person reads it: an all-day one by its date alone (its first day, when
 * it lasts several), any other by date and time, in the user's language and zone.
 */
export function activityWhen(activity: Record<string, unknown>, language: string): string {
  if (typeof activity.startsAt !== 'string' || activity.startsAt === '') return '';
  const at = new Date(activity.startsAt);
  return activity.allDay === true
    ? at.toLocaleDateString(language, { dateStyle: 'medium' })
    : at.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
}
