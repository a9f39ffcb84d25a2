// The calendar/timeline view (T8) is assembled from sources that modules contribute: activities by
// their start, tasks by their due time, later deal stage changes. Each source answers one bounded
// query for a window; the timeline puts the entries on the days of the caller's time zone.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../http/principal.ts';
import { wired } from '../modules/wiring.ts';
import type { RecordRef } from './record-links.ts';

export interface TimelineWindow {
  /** Inclusive start and exclusive end, as ISO instants. */
  from: string;
  to: string;
  /** IANA time zone the days are cut in, e.g. Europe/Berlin. */
  timeZone: string;
  /** Only what this user owns or is assigned. */
  userId?: string | undefined;
  /** Only what is linked to this record. */
  record?: RecordRef | undefined;
  /** At most this many entries per source; a source that has more says so. */
  limit: number;
}

export interface TimelineEntry {
  kind: string;
  id: string;
  /** The instant the entry sits at (an activity's start, a task's due time), ISO 8601. */
  at: string;
  title: string;
  /** The user it belongs to (owner, assignee), if any. */
  userId: string | null;
  /** What the entry's kind adds (type and color of an activity, status of a task …). */
  details: Record<string, unknown>;
}

export interface TimelineSourceResult {
  entries: TimelineEntry[];
  /** True when the source had more than `limit` entries in the window. */
  truncated: boolean;
}

export type TimelineSource = (
  em: EntityManager,
  principal: Principal,
  window: TimelineWindow,
) => Promise<TimelineSourceResult>;

export function timelineSources(): ReadonlyMap<string, TimelineSource> {
  return wired().timelineSources;
}
