// The timeline (T8): what happens on each day of a range, for a calendar view by day, week or
// month. Every registered source answers one bounded query; the entries land on the days of the
// caller's time zone.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import type { RecordRef } from '../../records/record-links.ts';
import { type TimelineEntry, timelineSources } from '../../records/timeline.ts';
import { dayIn, daysBetween, startOfDay } from './time-zones.ts';

/** The longest range one request may ask for: a quarter. */
export const MAX_TIMELINE_DAYS = 93;
/** Entries per source and request; a fuller range says it was cut. */
export const TIMELINE_SOURCE_LIMIT = 1000;

export interface TimelineDay {
  date: string;
  items: TimelineEntry[];
}

export interface Timeline {
  from: string;
  to: string;
  timeZone: string;
  days: TimelineDay[];
  /** Kinds whose entries were cut at the limit: ask for a shorter range or narrow it. */
  truncated: string[];
}

export async function timelineOf(
  em: EntityManager,
  principal: Principal,
  options: {
    from: string;
    to: string;
    timeZone: string;
    userId?: string | undefined;
    record?: RecordRef | undefined;
  },
): Promise<Timeline> {
  const days = daysBetween(options.from, options.to);
  if (days.length === 0) {
    throw new AppError({
      status: 400,
      code: 'validation_failed',
      title: 'The range is backwards',
      detail: `to (${options.to}) is before from (${options.from}); swap them.`,
      errors: [{ in: 'query', pointer: '#/to', detail: 'before from' }],
    });
  }
  if (days.length > MAX_TIMELINE_DAYS) {
    throw new AppError({
      status: 400,
      code: 'validation_failed',
      title: 'The range is too long',
      detail: `A timeline covers at most ${MAX_TIMELINE_DAYS} days; ${options.from} to ${options.to} are ${days.length}. Ask for a shorter range.`,
      errors: [{ in: 'query', pointer: '#/to', detail: `at most ${MAX_TIMELINE_DAYS} days after from` }],
    });
  }
  const last = days.at(-1) as string;
  const next = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const window = {
    from: new Date(startOfDay(options.from, options.timeZone)).toISOString(),
    to: new Date(startOfDay(next, options.timeZone)).toISOString(),
    timeZone: options.timeZone,
    userId: options.userId,
    record: options.record,
    limit: TIMELINE_SOURCE_LIMIT,
  };
  const byDay = new Map<string, TimelineEntry[]>(days.map((day) => [day, []]));
  const truncated: string[] = [];
  // One connection per transaction: sources run one after the other.
  for (const [name, source] of timelineSources()) {
    const result = await source(em, principal, window);
    if (result.truncated) truncated.push(name);
    for (const entry of result.entries) byDay.get(dayIn(entry.at, options.timeZone))?.push(entry);
  }
  const order = (a: TimelineEntry, b: TimelineEntry) =>
    a.at < b.at ? -1 : a.at > b.at ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : 1;
  return {
    from: options.from,
    to: options.to,
    timeZone: options.timeZone,
    days: [...byDay].map(([date, items]) => ({ date, items: items.sort(order) })),
    truncated,
  };
}
