// What other modules keep about a person goes with her when she is erased under GDPR (deleted for
// good from the trash). Modules contribute hooks (CrmModule.erasureHooks); the erasure runs them all
// in its transaction, before the person's row goes.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphGateway } from '../graph/graph-gateway.ts';
import type { Principal } from '../http/principal.ts';
import { wired } from '../modules/wiring.ts';
import type { BlobStore } from '../storage/blob-store.ts';

export interface ErasureContext {
  type: 'person';
  id: string;
  /** Her e-mail addresses, lower-case: what the hooks anonymise where her data stays. */
  addresses: readonly string[];
  /** Who erased her, for the history the hooks write. */
  erasedBy: Principal;
  /** Where the bytes of documents that go with her live. */
  store: BlobStore;
  /** Where what was synced of her to Outlook is deleted. */
  graph: GraphGateway;
}

/** What the erasure's caller gives of its process. */
export type ErasureServices = Pick<ErasureContext, 'store' | 'graph'>;

export type ErasureHook = (em: EntityManager, erasure: ErasureContext) => Promise<void>;

export async function runErasureHooks(em: EntityManager, erasure: ErasureContext): Promise<void> {
  for (const hook of wired().erasureHooks) await hook(em, erasure);
}
