// The trash list (G4) joins what every module has in the trash: a module registers a query of
// its trashed records, limited to what the caller may see.
import type { Principal } from '../http/principal.ts';

/** SQL selecting `type, id, title, deleted_at, deleted_by` of trashed records, with its parameters. */
export interface TrashSource {
  sql: string;
  params: unknown[];
}

export type TrashSourceOf = (principal: Principal) => Promise<TrashSource>;

const sources: TrashSourceOf[] = [];

export function registerTrashSource(source: TrashSourceOf): void {
  sources.push(source);
}

export function trashSources(principal: Principal): Promise<TrashSource[]> {
  return Promise.all(sources.map((source) => source(principal)));
}
