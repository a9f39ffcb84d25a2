// The 360° view of a record (C5) is assembled from sections that modules register: the record
// itself, its business contacts, tags, history, and later deals, tasks, notes, mails, documents.
// Each section loads in a fixed number of queries, so the view's cost does not grow with the data.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../http/principal.ts';
import type { RecordType } from './record-types.ts';

export type OverviewSection = (
  em: EntityManager,
  principal: Principal,
  record: { type: RecordType; id: string },
) => Promise<unknown>;

const sections = new Map<string, OverviewSection>();

export function registerOverviewSection(name: string, section: OverviewSection): void {
  sections.set(name, section);
}

/** The names of the registered sections, in the order the view shows them. */
export function overviewSectionNames(): string[] {
  return [...sections.keys()];
}

export async function overviewOf(
  em: EntityManager,
  principal: Principal,
  record: { type: RecordType; id: string },
): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { type: record.type, id: record.id };
  // One connection per transaction: sections run one after the other.
  for (const [name, section] of sections) result[name] = await section(em, principal, record);
  return result;
}
