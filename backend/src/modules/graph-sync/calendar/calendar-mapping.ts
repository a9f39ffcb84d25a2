// Activities as Outlook events and back: the fields both sides know (subject, notes, start, length),
// times written in the user's time zone (Outlook keeps a 09:00 Berlin series at 09:00 across daylight
// saving) and read as instants.
import sanitizeHtml from 'sanitize-html';
import { wallClockText } from '../../timeline/time-zones.ts';
import type { SyncedEventFields } from './event-link.entity.ts';

/** The category our events carry, and the one the "only CRM events" setting looks for. */
export const CRM_CATEGORY = 'CRM';
export const SYNCED_FIELDS = ['subject', 'description', 'startsAt', 'durationMinutes', 'location', 'allDay'] as const;
export type SyncedField = (typeof SYNCED_FIELDS)[number];

const MAX_SUBJECT = 300;
const MAX_LOCATION = 300;
const DAY_MINUTES = 1440;
const MAX_DESCRIPTION = 20_000;
const MAX_DURATION = 14_400;
/** An activity without a length is shown as this long in Outlook. */
export const DEFAULT_DURATION_MINUTES = 30;

export interface GraphDateTime {
  dateTime: string;
  timeZone: string;
}

/** The parts of Graph's event resource the sync reads. */
export interface OutlookEvent {
  id: string;
  changeKey?: string;
  lastModifiedDateTime?: string;
  subject?: string | null;
  body?: { contentType?: string; content?: string } | null;
  start?: GraphDateTime | null;
  end?: GraphDateTime | null;
  isCancelled?: boolean;
  isAllDay?: boolean;
  location?: { displayName?: string | null } | null;
  categories?: string[];
  attendees?: { emailAddress?: { address?: string; name?: string } }[];
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  seriesMasterId?: string | null;
  originalStart?: string;
  /** Set by us on create (the activity's id): Graph makes no second event for a retried create. */
  transactionId?: string | null;
  recurrence?: Record<string, unknown> | null;
  hasAttachments?: boolean;
  '@removed'?: { reason?: string };
}

/** The offset of a zone at an instant, in milliseconds (local minus UTC). */
function offsetMs(instant: Date, timeZone: string): number {
  const local = wallClockText(instant, timeZone);
  return Date.parse(`${local}Z`) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant of a Graph dateTime in its zone (IANA names, or UTC which Graph answers by default). */
export function instantOf(value: GraphDateTime): Date {
  const text = value.dateTime.replace(/(\.\d{3})\d*$/, '$1');
  if (/^(utc|etc\/utc|gmt)$/i.test(value.timeZone)) return new Date(`${text}Z`);
  // Two passes find the offset in force at the wall-clock time (exact except inside a DST gap).
  const guess = new Date(`${text}Z`);
  const first = new Date(guess.getTime() - offsetMs(guess, value.timeZone));
  return new Date(guess.getTime() - offsetMs(first, value.timeZone));
}

/** Plain text of an event body (Outlook writes HTML). */
export function bodyText(body: OutlookEvent['body']): string | null {
  const content = body?.content ?? '';
  const text =
    body?.contentType?.toLowerCase() === 'html'
      ? sanitizeHtml(content.replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>/gi, '\n'), {
          allowedTags: [],
          allowedAttributes: {},
        })
          .replace(/&amp;/g, '&')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&nbsp;/g, ' ')
      : content;
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed.slice(0, MAX_DESCRIPTION);
}

/** The calendar date (YYYY-MM-DD) of an instant in a zone. */
const dateIn = (instant: Date, timeZone: string) => wallClockText(instant, timeZone).slice(0, 10);

/** The date `days` after a date (YYYY-MM-DD), as calendars count (no zone, no daylight saving). */
function addDays(date: string, days: number): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

/**
 * What an Outlook event says about the activity's synced fields. An all-day event is a date (or
 * days) in the user's calendar: the activity starts at midnight of that date in the user's zone
 * (`timeZone`), not at midnight UTC, and lasts whole days.
 */
export function eventFields(event: OutlookEvent, language: 'de' | 'en', timeZone = 'Europe/Berlin'): SyncedEventFields {
  const start = event.start ? instantOf(event.start) : new Date();
  const end = event.end ? instantOf(event.end) : start;
  const subject = (event.subject ?? '').trim().slice(0, MAX_SUBJECT);
  const location = (event.location?.displayName ?? '').trim().slice(0, MAX_LOCATION);
  const common = {
    subject: subject === '' ? (language === 'en' ? '(no subject)' : '(ohne Betreff)') : subject,
    description: bodyText(event.body),
    location: location === '' ? null : location,
  };
  if (event.isAllDay) {
    const firstDay = dateIn(start, timeZone);
    const days = Math.max(
      1,
      Math.round((Date.parse(`${dateIn(end, timeZone)}T00:00:00Z`) - Date.parse(`${firstDay}T00:00:00Z`)) / 86_400_000),
    );
    return {
      ...common,
      startsAt: instantOf({ dateTime: `${firstDay}T00:00:00`, timeZone }).toISOString(),
      durationMinutes: Math.min(days * DAY_MINUTES, MAX_DURATION),
      allDay: true,
    };
  }
  const minutes = Math.round((end.getTime() - start.getTime()) / 60_000);
  return {
    ...common,
    startsAt: start.toISOString(),
    durationMinutes: Math.min(Math.max(minutes, 0), MAX_DURATION),
    allDay: false,
  };
}

export interface Attendee {
  address: string;
  name: string;
}

/** The event body Graph takes for an activity (POST and PATCH alike). */
export function eventBody(
  fields: SyncedEventFields,
  options: { timeZone: string; attendees?: readonly Attendee[] | undefined; occurrence: boolean },
): Record<string, unknown> {
  const start = new Date(fields.startsAt);
  const end = new Date(start.getTime() + (fields.durationMinutes ?? DEFAULT_DURATION_MINUTES) * 60_000);
  // All day: from midnight of its date to midnight of the day after its last, in the user's zone.
  const firstDay = dateIn(start, options.timeZone);
  const days = Math.max(1, Math.round((fields.durationMinutes ?? DAY_MINUTES) / DAY_MINUTES));
  const timing = fields.allDay
    ? {
        isAllDay: true,
        start: { dateTime: `${firstDay}T00:00:00`, timeZone: options.timeZone },
        end: { dateTime: `${addDays(firstDay, days)}T00:00:00`, timeZone: options.timeZone },
      }
    : {
        isAllDay: false,
        start: { dateTime: wallClockText(start, options.timeZone), timeZone: options.timeZone },
        end: { dateTime: wallClockText(end, options.timeZone), timeZone: options.timeZone },
      };
  return {
    subject: fields.subject,
    body: { contentType: 'text', content: fields.description ?? '' },
    ...timing,
    location: { displayName: fields.location ?? '' },
    // An occurrence keeps the series' attendees and categories.
    ...(options.occurrence
      ? {}
      : {
          categories: [CRM_CATEGORY],
          attendees: (options.attendees ?? []).map((attendee) => ({
            emailAddress: { address: attendee.address, name: attendee.name },
            type: 'required',
          })),
        }),
  };
}

/** Whether the two sides say the same about a field (an unset length reads as Outlook's default). */
export function sameValue(field: SyncedField, a: SyncedEventFields, b: SyncedEventFields): boolean {
  if (field === 'startsAt') return new Date(a.startsAt).getTime() === new Date(b.startsAt).getTime();
  if (field === 'allDay') return (a.allDay ?? false) === (b.allDay ?? false);
  if (field === 'durationMinutes') {
    return (a.durationMinutes ?? DEFAULT_DURATION_MINUTES) === (b.durationMinutes ?? DEFAULT_DURATION_MINUTES);
  }
  return (a[field] ?? null) === (b[field] ?? null);
}
