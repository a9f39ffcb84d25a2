// Time zones and reminder offsets of tasks.

/** The IANA name of a time zone as the platform knows it (case fixed), or null for anything else. */
export function canonicalTimeZone(name: string): string | null {
  // Offsets and abbreviations are not places: a task's day must follow daylight saving time.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{1,63}$/.test(name) || !name.includes('/')) return name === 'UTC' ? 'UTC' : null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const DURATION = /^P(?:(\d{1,3})W)?(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?(?:(\d{1,5})M)?(?:(\d{1,6})S)?)?$/;

/** Milliseconds of an ISO 8601 duration of weeks, days, hours, minutes and seconds (a day is 24 h); null if not one. */
export function durationMs(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const ms =
    ((((weeks ?? 0) * 7 + (days ?? 0)) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60_000 + (seconds ?? 0) * 1000;
  return ms;
}

/** Longest reminder offset: a year. */
export const MAX_REMIND_BEFORE_MS = 366 * 24 * 3_600_000;
