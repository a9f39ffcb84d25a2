// The trash list (G4) joins what every module has in the trash: a module contributes a query of
// its trashed records (CrmModule.trashSources), limited to what the caller may see.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Expression } from 'kysely';
import type { Principal } from '../http/principal.ts';
import { wired } from '../modules/wiring.ts';

/** What each source selects of a trashed record, in this order (the sources are joined by UNION ALL). */
export interface TrashRow {
  type: string;
  id: string;
  title: string;
  deleted_at: Date;
  deleted_by: string | null;
}

/** A typed statement selecting the trashed records of one kind the caller may see. */
export type TrashSource = Expression<TrashRow>;

export type TrashSourceOf = (em: EntityManager, principal: Principal) => Promise<TrashSource>;

export function trashSources(em: EntityManager, principal: Principal): Promise<TrashSource[]> {
  return Promise.all(wired().trashSources.map((source) => source(em, principal)));
}
