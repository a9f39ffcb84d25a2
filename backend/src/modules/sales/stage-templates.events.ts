// Deals entering stages as events: the deal code announces every stage a deal enters (create,
// change, move, a stage archived with its deals moved), inside its transaction; stage task
// templates react in the same transaction. No imports of deal code here, so both sides can use it.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../http/principal.ts';

export interface StageEntry {
  dealId: string;
  pipelineId: string;
  stageId: string;
}

export type StageEntryListener = (em: EntityManager, principal: Principal, entries: StageEntry[]) => Promise<void>;

const listeners: StageEntryListener[] = [];

/** Registers a listener once, at module import. */
export function onDealsEnteredStage(listener: StageEntryListener): void {
  listeners.push(listener);
}

/** Called after the deals' new stage is written; listeners run in order, in the write's transaction. */
export async function dealsEnteredStage(
  em: EntityManager,
  principal: Principal,
  entries: readonly StageEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  for (const listener of listeners) await listener(em, principal, [...entries]);
}
