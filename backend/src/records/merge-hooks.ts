// What other modules link to a record moves to the survivor when two records are merged.
// Modules contribute hooks (CrmModule.mergeHooks); the merge runs them all in its transaction.
import type { EntityManager } from '@mikro-orm/postgresql';
import { wired } from '../modules/wiring.ts';

export interface MergeContext {
  type: 'person' | 'organization';
  survivorId: string;
  mergedId: string;
  /** Who merged, for the history the hooks write. */
  mergedBy?: string | null;
}

export type MergeHook = (em: EntityManager, merge: MergeContext) => Promise<void>;

export async function runMergeHooks(em: EntityManager, merge: MergeContext): Promise<void> {
  for (const hook of wired().mergeHooks) await hook(em, merge);
}
