// Deals entering stages as events: the deal code announces every stage a deal enters (create,
// change, move, a stage archived with its deals moved), inside its transaction; stage task
// templates react in the same transaction. No imports of deal code here, so both sides can use it.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../http/principal.ts';
import { wired } from '../wiring.ts';

export interface StageEntry {
  dealId: string;
  pipelineId: string;
  stageId: string;
  /** The stage's outcome when the caller knows it (null: an open stage); listeners may skip on it. */
  outcome?: 'won' | 'lost' | null;
}

export type StageEntryListener = (em: EntityManager, principal: Principal, entries: StageEntry[]) => Promise<void>;

/**
 * Called after the deals' new stage is written; the modules' listeners (CrmModule.stageEntryListeners)
 * run in module order, in the write's transaction.
 */
export async function dealsEnteredStage(
  em: EntityManager,
  principal: Principal,
  entries: readonly StageEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  for (const listener of wired().stageEntryListeners) await listener(em, principal, [...entries]);
}
