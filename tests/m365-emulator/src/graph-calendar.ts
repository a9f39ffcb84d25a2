// Outlook calendars in Graph: /calendars, /events (series with exceptions), /calendarView and its delta.
// Times are kept as Outlook keeps them, wall-clock time in the event's time zone, so a series keeps its
// local hour across daylight saving changes.
import { DateTime, type Duration, IANAZone } from 'luxon';
import { type AttachmentWrites, attachmentRoutes } from './graph-attachments.ts';
import {
  badMethod,
  GraphError,
  type GraphReply,
  itemIdOf,
  itemNotFound,
  parseItemId,
  selectFrom,
  selectionOf,
} from './graph-common.ts';
import { type DeltaItem, syncStateNotFound } from './graph-delta.ts';
import {
  type EventItem,
  type FileAttachment,
  folderId,
  type Mailbox,
  type MailboxStore,
  newChangeKey,
  newItem,
  nowIso,
  type OccurrenceException,
  type OutlookCall,
  type OutlookFolder,
} from './graph-mailbox.ts';
import {
  answer,
  context,
  EXTENDED_PROPERTIES,
  expandExtendedProperties,
  extendedPropertyFilter,
  filterEquals,
  listPage,
  matchesVersion,
  removedEntry,
  writable,
  writeExtendedProperties,
} from './graph-outlook.ts';

const MAX_OCCURRENCES = 5000;

/** Windows time zone names Outlook uses, to IANA; IANA names are taken as they are. */
const WINDOWS_ZONES: Record<string, string> = {
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'Romance Standard Time': 'Europe/Paris',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'GTB Standard Time': 'Europe/Bucharest',
  'Russian Standard Time': 'Europe/Moscow',
  'Eastern Standard Time': 'America/New_York',
  'Central Standard Time': 'America/Chicago',
  'Mountain Standard Time': 'America/Denver',
  'Pacific Standard Time': 'America/Los_Angeles',
  'India Standard Time': 'Asia/Kolkata',
  'China Standard Time': 'Asia/Shanghai',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Singapore Standard Time': 'Asia/Singapore',
  'AUS Eastern Standard Time': 'Australia/Sydney',
};

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const INDEXES = ['first', 'second', 'third', 'fourth', 'last'];
const PATTERNS = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'];
const RANGES = ['endDate', 'noEnd', 'numbered'];

/** The event resource's writable properties and Outlook's values when not given. */
const EVENT_DEFAULTS: Record<string, unknown> = {
  subject: '',
  body: { contentType: 'html', content: '' },
  start: null,
  end: null,
  isAllDay: false,
  location: { displayName: '', locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {} },
  locations: [],
  attendees: [],
  categories: [],
  organizer: null,
  isCancelled: false,
  showAs: 'busy',
  importance: 'normal',
  sensitivity: 'normal',
  recurrence: null,
  reminderMinutesBeforeStart: 15,
  isReminderOn: true,
  responseRequested: true,
  isOnlineMeeting: false,
  onlineMeetingProvider: 'unknown',
  allowNewTimeProposals: true,
  hideAttendees: false,
  transactionId: null,
};

const knownZones = new Map<string, string>();

export function ianaZone(name: string): string {
  const known = knownZones.get(name);
  if (known) return known;
  const zone = WINDOWS_ZONES[name] ?? name;
  if (!DateTime.local().setZone(zone).isValid) {
    throw new GraphError(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. '${name}' is not one.`,
    );
  }
  knownZones.set(name, zone);
  return zone;
}

/** Parsed dateTimeTimeZone values: a calendar view of 20,000 events reads each one again and again. */
const parsedTimes = new WeakMap<object, DateTime>();

/** A dateTimeTimeZone as an instant in its zone. */
function parseDateTimeTimeZone(value: unknown, name: string): DateTime {
  const cached = typeof value === 'object' && value !== null ? parsedTimes.get(value) : undefined;
  if (cached) return cached;
  const instant = readDateTimeTimeZone(value, name);
  if (typeof value === 'object' && value !== null) parsedTimes.set(value, instant);
  return instant;
}

const OFFSET_SLOT_MS = 15 * 60_000;
const offsets = new Map<string, number>();

/**
 * A zone's UTC offset in minutes at an instant. Zones change their offset only at quarter hours, so the offset of
 * each 15-minute slot is asked of Intl once: reading 20,000 events' times stays fast.
 */
function offsetAt(zone: string, at: number): number {
  const slot = Math.floor(at / OFFSET_SLOT_MS);
  const key = `${zone}|${slot}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = IANAZone.create(zone).offset(slot * OFFSET_SLOT_MS);
    offsets.set(key, offset);
  }
  return offset;
}

/** The instant (in UTC) of a dateTimeTimeZone: Graph writes wall-clock times, with up to seven fraction digits. */
function readDateTimeTimeZone(value: unknown, name: string): DateTime {
  const given = (value ?? {}) as Record<string, unknown>;
  if (typeof given.dateTime !== 'string') {
    throw new GraphError(400, 'ErrorInvalidRequest', `The property '${name}' needs a dateTime and a timeZone.`);
  }
  const zone = ianaZone(typeof given.timeZone === 'string' && given.timeZone !== '' ? given.timeZone : 'UTC');
  const invalid = (): GraphError =>
    new GraphError(400, 'ErrorInvalidRequest', `Cannot read '${given.dateTime}' as a date and time.`);
  const parts = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?$/.exec(given.dateTime);
  if (!parts) {
    // Anything else ISO 8601 (an offset, if given, wins over the zone).
    const instant = DateTime.fromISO(given.dateTime.replace(/(\.\d{3})\d+/, '$1'), { zone });
    if (!instant.isValid) throw invalid();
    return instant.toUTC();
  }
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map((part) => Number(part ?? 0));
  const millisecond = Number((parts[7] ?? '0').slice(0, 3).padEnd(3, '0'));
  const wallClock = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second, millisecond);
  const check = new Date(wallClock);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== (month ?? 1) - 1 || (hour ?? 0) > 23) throw invalid();
  // The offset at the wall-clock time read as UTC is right but near a change; the second look settles it.
  const guess = wallClock - offsetAt(zone, wallClock) * 60_000;
  return DateTime.fromMillis(wallClock - offsetAt(zone, guess) * 60_000, { zone: 'utc' });
}

/** Graph's dateTimeTimeZone of an instant, in the zone the caller asked for (Prefer: outlook.timezone) or UTC. */
function writeDateTime(instant: DateTime, preferredZone: string | undefined): { dateTime: string; timeZone: string } {
  const name = preferredZone ?? 'UTC';
  const at = instant.toMillis();
  const wallClock = at + offsetAt(ianaZone(name), at) * 60_000;
  return { dateTime: `${new Date(wallClock).toISOString().slice(0, 23)}0000`, timeZone: name };
}

function eventFields(input: Record<string, unknown>, partial: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (
      name.startsWith('@odata.') ||
      ['id', 'changeKey', 'type', 'seriesMasterId', 'originalStart', EXTENDED_PROPERTIES].includes(name)
    )
      continue;
    if (!(name in EVENT_DEFAULTS)) {
      throw new GraphError(
        400,
        'RequestBodyRead',
        `The property '${name}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
    fields[name] = value;
  }
  if ('start' in fields) parseDateTimeTimeZone(fields.start, 'start');
  if ('end' in fields) parseDateTimeTimeZone(fields.end, 'end');
  if (Array.isArray(fields.attendees)) {
    fields.attendees = fields.attendees.map((entry: unknown) => {
      const attendee = (entry ?? {}) as Record<string, unknown>;
      const email = (attendee.emailAddress ?? {}) as Record<string, unknown>;
      return {
        type: attendee.type ?? 'required',
        status: attendee.status ?? { response: 'none', time: '0001-01-01T00:00:00Z' },
        emailAddress: { name: email.name ?? email.address ?? null, address: email.address ?? null },
      };
    });
  }
  if (typeof fields.location === 'object' && fields.location !== null) {
    fields.location = { ...(EVENT_DEFAULTS.location as object), ...(fields.location as object) };
  }
  if (fields.recurrence !== undefined && fields.recurrence !== null) checkRecurrence(fields.recurrence);
  return partial ? fields : { ...structuredClone(EVENT_DEFAULTS), ...fields };
}

function checkRecurrence(value: unknown): void {
  const recurrence = value as { pattern?: Record<string, unknown>; range?: Record<string, unknown> };
  const pattern = recurrence.pattern ?? {};
  const range = recurrence.range ?? {};
  const invalid = (message: string): GraphError => new GraphError(400, 'ErrorInvalidRecurrence', message);
  if (!PATTERNS.includes(String(pattern.type)))
    throw invalid(`Recurrence pattern type '${pattern.type}' is not supported.`);
  if (!RANGES.includes(String(range.type))) throw invalid(`Recurrence range type '${range.type}' is not supported.`);
  if (typeof range.startDate !== 'string' || !DateTime.fromISO(range.startDate).isValid) {
    throw invalid('The recurrence range needs a startDate.');
  }
  if (range.type === 'endDate' && (typeof range.endDate !== 'string' || !DateTime.fromISO(range.endDate).isValid)) {
    throw invalid('A recurrence range of type endDate needs an endDate.');
  }
  if (range.type === 'numbered' && !(Number(range.numberOfOccurrences) > 0)) {
    throw invalid('A numbered recurrence range needs numberOfOccurrences greater than 0.');
  }
  if (['weekly', 'relativeMonthly', 'relativeYearly'].includes(String(pattern.type))) {
    const days = pattern.daysOfWeek;
    if (
      !Array.isArray(days) ||
      days.length === 0 ||
      days.some((day) => !WEEKDAYS.includes(String(day).toLowerCase()))
    ) {
      throw invalid(`A ${pattern.type} pattern needs daysOfWeek.`);
    }
  }
  if (['absoluteMonthly', 'absoluteYearly'].includes(String(pattern.type)) && !(Number(pattern.dayOfMonth) >= 1)) {
    throw invalid(`An ${pattern.type} pattern needs dayOfMonth.`);
  }
}

interface Timing {
  start: DateTime;
  end: DateTime;
}

/** The zone a series repeats in: its recurrence's, or its start's. */
function seriesZone(master: EventItem): string {
  const range = (master.fields.recurrence as { range?: { recurrenceTimeZone?: string } } | null)?.range;
  const start = master.fields.start as { timeZone?: string } | null;
  return ianaZone(range?.recurrenceTimeZone || start?.timeZone || 'UTC');
}

function timingOf(fields: Record<string, unknown>): Timing {
  return { start: parseDateTimeTimeZone(fields.start, 'start'), end: parseDateTimeTimeZone(fields.end, 'end') };
}

/**
 * The original starts of a series' occurrences up to `until`, in the series' time zone. A day of the month
 * that a month lacks (the 31st, 29 February) falls on its last day, as in Outlook.
 */
function occurrenceStarts(master: EventItem, until: DateTime): DateTime[] {
  const recurrence = master.fields.recurrence as {
    pattern: {
      type: string;
      interval?: number;
      daysOfWeek?: string[];
      dayOfMonth?: number;
      month?: number;
      index?: string;
      firstDayOfWeek?: string;
    };
    range: {
      type: string;
      startDate: string;
      endDate?: string;
      numberOfOccurrences?: number;
      recurrenceTimeZone?: string;
    };
  };
  const { pattern, range } = recurrence;
  const { start } = timingOf(master.fields);
  const zone = seriesZone(master);
  const local = start.setZone(zone);
  const interval = Math.max(1, Number(pattern.interval ?? 1));
  const first = DateTime.fromISO(range.startDate, { zone });
  const last =
    range.type === 'endDate' && range.endDate ? DateTime.fromISO(range.endDate, { zone }).endOf('day') : undefined;
  const limit = range.type === 'numbered' ? Number(range.numberOfOccurrences) : Number.POSITIVE_INFINITY;
  const days = (pattern.daysOfWeek ?? []).map((day) => WEEKDAYS.indexOf(day.toLowerCase()) + 1);
  const at = (date: DateTime): DateTime =>
    DateTime.fromObject(
      {
        year: date.year,
        month: date.month,
        day: date.day,
        hour: local.hour,
        minute: local.minute,
        second: local.second,
      },
      { zone },
    );
  const relativeDay = (month: DateTime): DateTime | undefined => {
    const matching: DateTime[] = [];
    for (let day = month.startOf('month'); day.month === month.month; day = day.plus({ days: 1 })) {
      if (days.includes(day.weekday)) matching.push(day);
    }
    const index = INDEXES.indexOf(pattern.index ?? 'first');
    return index === 4 ? matching[matching.length - 1] : matching[index];
  };
  const starts: DateTime[] = [];
  const push = (date: DateTime | undefined): boolean => {
    if (!date || date < first.startOf('day')) return true;
    if ((last && date > last) || starts.length >= limit || starts.length >= MAX_OCCURRENCES) return false;
    const occurrence = at(date);
    if (occurrence > until) return false;
    starts.push(occurrence);
    return true;
  };
  switch (pattern.type) {
    case 'daily':
      for (let date = first; push(date); date = date.plus({ days: interval }));
      break;
    case 'weekly': {
      const firstDay = WEEKDAYS.indexOf((pattern.firstDayOfWeek ?? 'sunday').toLowerCase()) + 1;
      let week = first.minus({ days: (first.weekday - firstDay + 7) % 7 });
      for (let going = true; going; week = week.plus({ weeks: interval })) {
        for (let offset = 0; offset < 7 && going; offset += 1) {
          const date = week.plus({ days: offset });
          if (days.includes(date.weekday)) going = push(date);
        }
      }
      break;
    }
    case 'absoluteMonthly':
    case 'relativeMonthly':
      for (let month = first.startOf('month'), going = true; going; month = month.plus({ months: interval })) {
        const date =
          pattern.type === 'relativeMonthly'
            ? relativeDay(month)
            : month.set({ day: Math.min(Number(pattern.dayOfMonth), month.daysInMonth ?? 28) });
        going = push(date) && month <= until;
      }
      break;
    default:
      for (let year = first.startOf('year'), going = true; going; year = year.plus({ years: interval })) {
        const month = year.set({ month: Number(pattern.month ?? first.month) });
        const date =
          pattern.type === 'relativeYearly'
            ? relativeDay(month)
            : month.set({ day: Math.min(Number(pattern.dayOfMonth), month.daysInMonth ?? 28) });
        going = push(date) && year <= until;
      }
  }
  return starts;
}

/** One occurrence of a series, as the calendar view shows it. */
interface Occurrence {
  master: EventItem;
  key: string;
  start: DateTime;
  end: DateTime;
  exception: OccurrenceException | undefined;
}

/** The occurrences of a series that overlap [from, until); `only` picks one by its original start. */
function occurrencesOf(master: EventItem, from: DateTime, until: DateTime, only?: string): Occurrence[] {
  const { start, end } = timingOf(master.fields);
  // In wall-clock units: an all-day occurrence stays a day long across a change of summer time.
  const zone = seriesZone(master);
  const duration: Duration = end.setZone(zone).diff(start.setZone(zone), ['days', 'hours', 'minutes', 'seconds']);
  const occurrences: Occurrence[] = [];
  const last = only ? DateTime.fromISO(only, { zone: 'utc' }) : until;
  for (const originalStart of occurrenceStarts(master, last)) {
    const key = originalStart.toUTC().toISO() ?? '';
    if (master.cancelled.has(key) || (only !== undefined && key !== only)) continue;
    const exception = master.exceptions.get(key);
    const moved =
      exception && (exception.fields.start || exception.fields.end)
        ? timingOf({ ...master.fields, ...exception.fields })
        : undefined;
    const occurrenceStart = moved?.start ?? originalStart;
    const occurrenceEnd = moved?.end ?? originalStart.plus(duration);
    if (only === undefined && (occurrenceEnd <= from || occurrenceStart >= until)) continue;
    occurrences.push({ master, key, start: occurrenceStart, end: occurrenceEnd, exception });
  }
  return occurrences;
}

const occurrenceInternalId = (master: EventItem, key: string): string => `${master.internalId}~${key}`;

function eventResource(
  item: EventItem,
  preferences: OutlookCall['preferences'],
  occurrence?: Occurrence,
): Record<string, unknown> {
  const immutable = preferences.immutableIds;
  const fields = occurrence?.exception ? { ...item.fields, ...occurrence.exception.fields } : item.fields;
  const timing = occurrence ? { start: occurrence.start, end: occurrence.end } : timingOf(fields);
  const changeKey = occurrence ? `${item.changeKey}${occurrence.exception?.changeKey ?? ''}` : item.changeKey;
  const id = itemIdOf(
    occurrence ? occurrenceInternalId(item, occurrence.key) : item.internalId,
    item.folderId,
    immutable,
  );
  const recurring = item.fields.recurrence !== null && item.fields.recurrence !== undefined;
  const body = (fields.body ?? {}) as { content?: string };
  const start = (item.fields.start ?? {}) as { timeZone?: string };
  const end = (item.fields.end ?? {}) as { timeZone?: string };
  return {
    '@odata.etag': `W/"${changeKey}"`,
    id,
    createdDateTime: item.createdDateTime,
    lastModifiedDateTime: occurrence?.exception?.lastModifiedDateTime ?? item.lastModifiedDateTime,
    changeKey,
    categories: fields.categories,
    transactionId: fields.transactionId,
    originalStartTimeZone: start.timeZone ?? 'UTC',
    originalEndTimeZone: end.timeZone ?? 'UTC',
    iCalUId: `040000008200E00074C5B7101A82E008${Buffer.from(item.internalId).toString('hex').slice(0, 56).toUpperCase()}`,
    reminderMinutesBeforeStart: fields.reminderMinutesBeforeStart,
    isReminderOn: fields.isReminderOn,
    hasAttachments: item.attachments.length > 0,
    subject: fields.subject,
    bodyPreview: String(body.content ?? '')
      .replace(/<[^>]*>/g, '')
      .trim()
      .slice(0, 255),
    importance: fields.importance,
    sensitivity: fields.sensitivity,
    isAllDay: fields.isAllDay,
    isCancelled: fields.isCancelled,
    isOrganizer: true,
    responseRequested: fields.responseRequested,
    seriesMasterId: occurrence ? itemIdOf(item.internalId, item.folderId, immutable) : null,
    showAs: fields.showAs,
    type: occurrence
      ? occurrence.exception
        ? 'exception'
        : 'occurrence'
      : recurring
        ? 'seriesMaster'
        : 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: fields.isOnlineMeeting,
    onlineMeetingProvider: fields.onlineMeetingProvider,
    allowNewTimeProposals: fields.allowNewTimeProposals,
    hideAttendees: fields.hideAttendees,
    ...(occurrence ? { originalStart: `${occurrence.key.replace(/\.\d{3}Z$/, 'Z')}` } : {}),
    recurrence: occurrence ? null : fields.recurrence,
    responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    body: fields.body,
    start: writeDateTime(timing.start, preferences.timeZone),
    end: writeDateTime(timing.end, preferences.timeZone),
    location: fields.location,
    locations: fields.locations,
    attendees: fields.attendees,
    organizer: fields.organizer,
  };
}

/** Writes used by Graph's routes and by the control API ("as Outlook would"). */
export const eventWrites = {
  /** A checked new event, not yet in a mailbox. */
  build(mailbox: Mailbox, calendar: string, input: Record<string, unknown>): EventItem {
    const fields = eventFields(input, false);
    if (!fields.start || !fields.end) {
      throw new GraphError(400, 'ErrorInvalidRequest', 'An event needs a start and an end.');
    }
    const { start, end } = timingOf(fields);
    if (end < start)
      throw new GraphError(400, 'ErrorInvalidRequest', 'The end of an event cannot be before its start.');
    fields.organizer ??= { emailAddress: { name: mailbox.owner.name, address: mailbox.owner.address } };
    const item: EventItem = {
      ...newItem(calendar, fields),
      exceptions: new Map(),
      cancelled: new Set(),
      attachments: [],
    };
    writeExtendedProperties(item, input);
    return item;
  },
  create(store: MailboxStore, mailbox: Mailbox, calendar: string, input: Record<string, unknown>): EventItem {
    const item = eventWrites.build(mailbox, calendar, input);
    mailbox.events.set(item.internalId, item);
    store.changed(mailbox, 'event', item, 'created');
    return item;
  },
  update(store: MailboxStore, mailbox: Mailbox, item: EventItem, patch: Record<string, unknown>): EventItem {
    const fields = eventFields(patch, true);
    const next = { ...item.fields, ...fields };
    const { start, end } = timingOf(next);
    if (end < start)
      throw new GraphError(400, 'ErrorInvalidRequest', 'The end of an event cannot be before its start.');
    // Outlook drops a series' exceptions when its pattern or times change.
    if ('recurrence' in fields || 'start' in fields || 'end' in fields) {
      item.exceptions.clear();
      item.cancelled.clear();
    }
    item.fields = next;
    writeExtendedProperties(item, patch);
    store.changed(mailbox, 'event', item, 'updated');
    return item;
  },
  remove(store: MailboxStore, mailbox: Mailbox, item: EventItem): void {
    mailbox.events.delete(item.internalId);
    store.changed(mailbox, 'event', item, 'deleted');
  },
  updateOccurrence(
    store: MailboxStore,
    mailbox: Mailbox,
    master: EventItem,
    key: string,
    patch: Record<string, unknown>,
  ): void {
    const fields = eventFields(patch, true);
    delete fields.recurrence;
    const earlier = master.exceptions.get(key);
    master.exceptions.set(key, {
      changeKey: newChangeKey(),
      lastModifiedDateTime: nowIso(),
      fields: { ...earlier?.fields, ...fields },
    });
    store.notify(mailbox, 'event', master.folderId, occurrenceInternalId(master, key), 'updated');
  },
  /** A file attached in Outlook: the event changes (a new changeKey, seen by delta and subscriptions). */
  addAttachment(store: MailboxStore, mailbox: Mailbox, item: EventItem, attachment: FileAttachment): void {
    item.attachments.push(attachment);
    store.changed(mailbox, 'event', item, 'updated');
  },
  removeAttachment(store: MailboxStore, mailbox: Mailbox, item: EventItem, attachmentId: string): void {
    const index = item.attachments.findIndex((attachment) => attachment.id === attachmentId);
    if (index < 0) throw itemNotFound();
    item.attachments.splice(index, 1);
    store.changed(mailbox, 'event', item, 'updated');
  },
  removeOccurrence(store: MailboxStore, mailbox: Mailbox, master: EventItem, key: string): void {
    master.exceptions.delete(key);
    master.cancelled.add(key);
    store.notify(mailbox, 'event', master.folderId, occurrenceInternalId(master, key), 'deleted');
  },
  /** A drag to another calendar in Outlook: the mutable id changes, the immutable one stays. */
  move(store: MailboxStore, mailbox: Mailbox, item: EventItem, calendar: string): EventItem {
    if (!mailbox.calendars.has(calendar)) throw itemNotFound();
    store.changed(mailbox, 'event', item, 'deleted');
    item.folderId = calendar;
    store.changed(mailbox, 'event', item, 'created');
    return item;
  },
  createCalendar(mailbox: Mailbox, name: string): OutlookFolder {
    if ([...mailbox.calendars.values()].some((calendar) => calendar.displayName.toLowerCase() === name.toLowerCase())) {
      throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const calendar: OutlookFolder = { id: folderId(), displayName: name, parentFolderId: undefined, isDefault: false };
    mailbox.calendars.set(calendar.id, calendar);
    return calendar;
  },
};

/** An event or an occurrence by either kind of id; a mutable id of an item that moved since finds nothing. */
export function findEvent(mailbox: Mailbox, id: string): { item: EventItem; key: string | undefined } {
  const parsed = parseItemId(id);
  const [internalId, key] = (parsed?.internalId ?? '').split('~');
  const item = internalId ? mailbox.events.get(internalId) : undefined;
  if (!item || (parsed?.folderId !== undefined && parsed.folderId !== item.folderId)) throw itemNotFound();
  const epoch = DateTime.fromMillis(0);
  if (key !== undefined && (!item.fields.recurrence || occurrencesOf(item, epoch, epoch, key).length === 0)) {
    throw itemNotFound();
  }
  return { item, key };
}

function calendarResource(calendar: OutlookFolder, mailbox: Mailbox): Record<string, unknown> {
  return {
    id: calendar.id,
    name: calendar.displayName,
    color: 'auto',
    hexColor: '',
    isDefaultCalendar: calendar.isDefault,
    changeKey: Buffer.from(calendar.id).toString('base64').slice(0, 16),
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: !calendar.isDefault,
    owner: { name: mailbox.owner.name, address: mailbox.owner.address },
  };
}

/** Routes /calendars…, /calendar…, /events… and /calendarView… of a mailbox; undefined when none matches. */
export function calendarRoutes(call: OutlookCall): GraphReply | undefined {
  const { path, mailbox, method } = call;
  const [first, second, third, fourth, ...more] = path;
  if (first === 'events') {
    if (second === undefined) return eventCollection(call, mailbox.defaultCalendarId);
    if (third === undefined) return eventItem(call, second);
    if (third === 'instances' && fourth === undefined) {
      const { item } = findEvent(mailbox, second);
      return calendarView(call, item.folderId, item);
    }
    if (third === 'attachments' && more.length === 0) return eventAttachments(call, second, fourth);
    return undefined;
  }
  if (first === 'calendarView') {
    if (second === undefined) return calendarView(call, mailbox.defaultCalendarId);
    if (second === 'delta' && third === undefined)
      return calendarViewDelta(call, mailbox.defaultCalendarId, 'calendarView');
    return undefined;
  }
  let calendar: OutlookFolder | undefined;
  let rest: Array<string | undefined>;
  if (first === 'calendar') {
    calendar = mailbox.calendars.get(mailbox.defaultCalendarId);
    rest = [second, third, fourth, ...more];
  } else if (first === 'calendars') {
    if (second === undefined) {
      if (method === 'GET') {
        return answer(call, {
          '@odata.context': context(call, 'calendars'),
          value: filterEquals(
            call.query,
            [...mailbox.calendars.values()].map((entry) => calendarResource(entry, mailbox)),
            ['name'],
          ),
        });
      }
      if (method === 'POST') {
        writable(call, 'event');
        const body = call.body();
        if (typeof body.name !== 'string' || body.name.trim() === '') {
          throw new GraphError(400, 'ErrorInvalidRequest', 'A calendar needs a name.');
        }
        const created = eventWrites.createCalendar(mailbox, body.name);
        return answer(
          call,
          { '@odata.context': context(call, 'calendars/$entity'), ...calendarResource(created, mailbox) },
          undefined,
          201,
        );
      }
      throw badMethod();
    }
    calendar = mailbox.calendars.get(second);
    rest = [third, fourth, ...more];
  } else {
    return undefined;
  }
  if (!calendar) throw itemNotFound();
  const [sub, subId, subRest, attachmentId, ...beyond] = rest;
  if (sub === undefined) {
    if (method === 'GET')
      return answer(call, {
        '@odata.context': context(call, 'calendars/$entity'),
        ...calendarResource(calendar, mailbox),
      });
    if (method === 'DELETE') {
      writable(call, 'event');
      if (calendar.isDefault)
        throw new GraphError(400, 'ErrorInvalidRequest', 'The default calendar cannot be deleted.');
      for (const item of [...mailbox.events.values()]) {
        if (item.folderId === calendar.id) eventWrites.remove(call.store, mailbox, item);
      }
      mailbox.calendars.delete(calendar.id);
      return { status: 204 };
    }
    throw badMethod();
  }
  if (sub === 'events' && subId === undefined) return eventCollection(call, calendar.id);
  if (sub === 'events' && subRest === undefined && subId !== undefined) return eventItem(call, subId, calendar.id);
  if (sub === 'events' && subId !== undefined && subRest === 'attachments' && beyond.length === 0) {
    return eventAttachments(call, subId, attachmentId, calendar.id);
  }
  if (sub === 'calendarView' && subId === undefined) return calendarView(call, calendar.id);
  if (sub === 'calendarView' && subId === 'delta' && subRest === undefined) {
    return calendarViewDelta(call, calendar.id, `calendars/${calendar.id}/calendarView`);
  }
  return undefined;
}

function eventCollection(call: OutlookCall, calendar: string): GraphReply {
  const { mailbox, preferences } = call;
  if (call.method === 'POST') {
    writable(call, 'event');
    const input = call.body();
    // Graph's transactionId: a client's retry of a create it got no answer to makes no second event.
    const retried =
      typeof input.transactionId === 'string'
        ? [...mailbox.events.values()].find((event) => event.fields.transactionId === input.transactionId)
        : undefined;
    const item = retried ?? eventWrites.create(call.store, mailbox, calendar, input);
    return answer(
      call,
      { '@odata.context': context(call, 'events/$entity'), ...eventResource(item, preferences) },
      undefined,
      201,
    );
  }
  if (call.method !== 'GET') throw badMethod();
  const matches = extendedPropertyFilter(call.query) ?? (() => true);
  const items = [...mailbox.events.values()].filter((item) => item.folderId === calendar && matches(item));
  return listPage(
    call,
    items,
    (item) => expandExtendedProperties(call.query, item, eventResource(item, preferences)),
    'events',
  );
}

function eventItem(call: OutlookCall, id: string, calendar?: string): GraphReply {
  const { mailbox, store, preferences } = call;
  const { item, key } = findEvent(mailbox, id);
  if (calendar !== undefined && item.folderId !== calendar) throw itemNotFound();
  const render = (): Record<string, unknown> => {
    if (key === undefined) return eventResource(item, preferences);
    const [occurrence] = occurrencesOf(item, DateTime.fromMillis(0), DateTime.fromMillis(0), key);
    if (!occurrence) throw itemNotFound();
    return eventResource(item, preferences, occurrence);
  };
  if (call.method === 'GET') {
    return answer(call, {
      '@odata.context': context(call, 'events/$entity'),
      ...expandExtendedProperties(call.query, item, selectFrom(render(), selectionOf(call.query))),
    });
  }
  writable(call, 'event');
  matchesVersion(call, String(render().changeKey));
  if (call.method === 'PATCH') {
    if (key === undefined) eventWrites.update(store, mailbox, item, call.body());
    else eventWrites.updateOccurrence(store, mailbox, item, key, call.body());
    return answer(call, { '@odata.context': context(call, 'events/$entity'), ...render() });
  }
  if (call.method === 'DELETE') {
    if (key === undefined) eventWrites.remove(store, mailbox, item);
    else eventWrites.removeOccurrence(store, mailbox, item, key);
    return { status: 204 };
  }
  throw badMethod();
}

/**
 * An event's attachments. An occurrence shows its series' attachments; they are added to and removed
 * from the series (or a single event), as Outlook attaches a file to a whole series.
 */
function eventAttachments(call: OutlookCall, id: string, attachmentId: string | undefined, calendar?: string) {
  const { mailbox, store } = call;
  const { item, key } = findEvent(mailbox, id);
  if (calendar !== undefined && item.folderId !== calendar) throw itemNotFound();
  const writes: AttachmentWrites | undefined =
    key === undefined
      ? {
          check: () => {
            writable(call, 'event');
            matchesVersion(call, item.changeKey);
          },
          add: (attachment) => eventWrites.addAttachment(store, mailbox, item, attachment),
          remove: (attachment) => eventWrites.removeAttachment(store, mailbox, item, attachment.id),
        }
      : undefined;
  return attachmentRoutes(call, item.attachments, `events('${id}')`, attachmentId, writes);
}

function windowOf(query: URLSearchParams): { from: DateTime; until: DateTime } {
  const read = (name: string): DateTime => {
    const text = query.get(name);
    if (text === null) {
      throw new GraphError(
        400,
        'ErrorInvalidParameter',
        `This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.`,
      );
    }
    const value = DateTime.fromISO(text, { zone: 'utc' });
    if (!value.isValid)
      throw new GraphError(400, 'ErrorInvalidParameter', `The value '${text}' of parameter '${name}' is invalid.`);
    return value;
  };
  const from = read('startDateTime');
  const until = read('endDateTime');
  if (until <= from)
    throw new GraphError(400, 'ErrorInvalidParameter', 'The end of the time window must be after its start.');
  return { from, until };
}

/** Singles, occurrences and exceptions of a calendar (or of one series) within a window, in time order. */
function viewItems(
  mailbox: Mailbox,
  calendar: string,
  from: DateTime,
  until: DateTime,
  series?: EventItem,
): Array<{ item: EventItem; occurrence?: Occurrence; start: DateTime }> {
  const entries: Array<{ item: EventItem; occurrence?: Occurrence; start: DateTime }> = [];
  for (const item of series ? [series] : mailbox.events.values()) {
    if (item.folderId !== calendar) continue;
    if (item.fields.recurrence) {
      for (const occurrence of occurrencesOf(item, from, until))
        entries.push({ item, occurrence, start: occurrence.start });
      continue;
    }
    const { start, end } = timingOf(item.fields);
    if (end > from && start < until) entries.push({ item, start });
  }
  return entries.sort((a, b) => a.start.toMillis() - b.start.toMillis());
}

function calendarView(call: OutlookCall, calendar: string, series?: EventItem): GraphReply {
  if (call.method !== 'GET') throw badMethod();
  const { query, preferences, mailbox } = call;
  const { from, until } = windowOf(query);
  const entries = viewItems(mailbox, calendar, from, until, series);
  return listPage(
    call,
    entries,
    (entry) => eventResource(entry.item, preferences, entry.occurrence),
    series ? 'events' : 'calendarView',
  );
}

function calendarViewDelta(call: OutlookCall, calendar: string, linkPath: string): GraphReply {
  if (call.method !== 'GET') throw badMethod();
  const { mailbox, preferences, query } = call;
  const immutable = preferences.immutableIds;
  const prefix = `events|${mailbox.tenantId}|${mailbox.userId}|${calendar}|${immutable}|`;
  let scope: string;
  if (query.get('$skiptoken') === null && query.get('$deltatoken') === null) {
    const { from, until } = windowOf(query);
    scope = `${prefix}${from.toISO()}|${until.toISO()}`;
  } else {
    // Later rounds carry the window in their token, as Graph's do.
    const known = call.delta.scopeOf(query);
    if (!known?.startsWith(prefix)) throw syncStateNotFound();
    scope = known;
  }
  const [fromText, untilText] = scope.slice(prefix.length).split('|');
  const { body, pageSize: size } = call.delta.page({
    scope,
    query,
    maxPageSize: preferences.maxPageSize,
    current: (): DeltaItem[] => {
      const from = DateTime.fromISO(fromText ?? '', { zone: 'utc' });
      const until = DateTime.fromISO(untilText ?? '', { zone: 'utc' });
      return viewItems(mailbox, calendar, from, until).map(({ item, occurrence }) => ({
        key: occurrence ? occurrenceInternalId(item, occurrence.key) : item.internalId,
        changeKey: occurrence ? `${item.changeKey}${occurrence.exception?.changeKey ?? ''}` : item.changeKey,
        folderId: item.folderId,
        render: () => eventResource(item, preferences, occurrence),
      }));
    },
    removed: (key, seen) => removedEntry('event', key, seen.folderId, immutable),
    link: (token) => `${call.base}/${linkPath}/delta?${token}`,
  });
  return answer(call, { '@odata.context': context(call, 'calendarView/delta'), ...body }, size);
}
