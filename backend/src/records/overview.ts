// The 360° view of a record (C5) is assembled from sections that modules contribute: the record
// itself, its business contacts, tags, history, deals, tasks, notes, mails, documents.
// Each section loads in a fixed number of queries, so the view's cost does not grow with the data.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../http/principal.ts';
import { wired } from '../modules/wiring.ts';
import type { RecordType } from './record-types.ts';

export type OverviewSection = (
  em: EntityManager,
  principal: Principal,
  record: { type: RecordType; id: string },
) => Promise<unknown>;

/** The names of the sections a record type's view shows (every type's when none is given). */
export function overviewSectionNames(type?: RecordType): string[] {
  const sections = wired().overviewSections;
  const shown = type ? sections.filter((entry) => entry.types.includes(type)) : sections;
  return [...new Set(shown.map((entry) => entry.name))];
}

export async function overviewOf(
  em: EntityManager,
  principal: Principal,
  record: { type: RecordType; id: string },
): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { type: record.type, id: record.id };
  const applicable = wired().overviewSections.filter((entry) => entry.types.includes(record.type));
  // The record first: it answers 404 (missing, trashed, not the caller's) before anything else is read.
  const ordered = [
    ...applicable.filter((entry) => entry.name === 'record'),
    ...applicable.filter((entry) => entry.name !== 'record'),
  ];
  // One connection per transaction: sections run one after the other.
  for (const { name, section } of ordered) result[name] = await section(em, principal, record);
  return result;
}
