// The trash list (G4) joins what every module has in the trash: a module contributes a query of
// its trashed records (CrmModule.trashSources), limited to what the caller may see.
import type { Principal } from '../http/principal.ts';
import { wired } from '../modules/wiring.ts';

/** SQL selecting `type, id, title, deleted_at, deleted_by` of trashed records, with its parameters. */
export interface TrashSource {
  sql: string;
  params: unknown[];
}

export type TrashSourceOf = (principal: Principal) => Promise<TrashSource>;

export function trashSources(principal: Principal): Promise<TrashSource[]> {
  return Promise.all(wired().trashSources.map((source) => source(principal)));
}
