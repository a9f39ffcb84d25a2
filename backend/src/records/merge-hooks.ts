// What other modules link to a record moves to the survivor when two records are merged.
// Each module registers its hook once, at import; the merge runs them all in its transaction.
import type { EntityManager } from '@mikro-orm/postgresql';

export interface MergeContext {
  type: 'person' | 'organization';
  survivorId: string;
  mergedId: string;
  /** Who merged, for the history the hooks write. */
  mergedBy?: string | null;
}

export type MergeHook = (em: EntityManager, merge: MergeContext) => Promise<void>;

const hooks: MergeHook[] = [];

export function registerMergeHook(hook: MergeHook): void {
  hooks.push(hook);
}

export async function runMergeHooks(em: EntityManager, merge: MergeContext): Promise<void> {
  for (const hook of hooks) await hook(em, merge);
}
