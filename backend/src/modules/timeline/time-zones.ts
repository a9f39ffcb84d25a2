// Calendar days in an IANA time zone without a date library: the offset of a zone at an instant
// comes from Intl, which knows the same tz database as PostgreSQL.

const SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

/** Whether a name is an IANA time zone (Europe/Berlin, UTC); numeric offsets are not zones. */
export function isTimeZone(name: string): boolean {
  if (!SHAPE.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The canonical spelling of a zone name Intl accepts (europe/berlin → Europe/Berlin). */
export function canonicalTimeZone(name: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function wallClock(instant: number, timeZone: string) {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Milliseconds the zone is ahead of UTC at the instant. */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const epochOf = (instant: Date | string | number): number =>
  typeof instant === 'number' ? instant : typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
const two = (n: number) => String(n).padStart(2, '0');

/** The calendar day (YYYY-MM-DD) of an instant in the zone. */
export function dayIn(instant: Date | string | number, timeZone: string): string {
  const wall = wallClock(epochOf(instant), timeZone);
  return `${wall.year}-${two(wall.month)}-${two(wall.day)}`;
}

/** The wall-clock time of an instant in the zone, YYYY-MM-DDTHH:MM:SS without an offset (as Graph's `dateTime`). */
export function wallClockText(instant: Date | string | number, timeZone: string): string {
  const wall = wallClock(epochOf(instant), timeZone);
  return `${wall.year}-${two(wall.month)}-${two(wall.day)}T${two(wall.hour)}:${two(wall.minute)}:${two(wall.second)}`;
}

/** The first instant of a calendar day in the zone (midnight, or the first hour after a gap). */
export function startOfDay(day: string, timeZone: string): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(year, month - 1, date);
  let instant = midnightUtc - offsetAt(midnightUtc, timeZone);
  // Once more with the offset that holds at the guess: right across a change of offset.
  instant = midnightUtc - offsetAt(instant, timeZone);
  // Where midnight does not exist (a gap at 00:00), the day starts at its first existing instant.
  while (dayIn(instant, timeZone) !== day && instant < midnightUtc + 86_400_000) instant += 15 * 60_000;
  while (dayIn(instant - 15 * 60_000, timeZone) === day) instant -= 15 * 60_000;
  return instant;
}

/** The days from one to another, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let time = Date.parse(`${from}T00:00:00Z`); time <= Date.parse(`${to}T00:00:00Z`); time += 86_400_000) {
    days.push(new Date(time).toISOString().slice(0, 10));
  }
  return days;
}
