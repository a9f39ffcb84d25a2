// Live boards: a pipeline's change sequence (board_change, appended by triggers on deal and lead)
// watched by one poll per pipeline and process, however many browsers have the board open, and
// told to them as server-sent events. An event only says "this board changed": each browser then
// reads the board through the board API, so what it sees follows its own visibility and filters.
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { db } from '../../records/sql.ts';

type Listener = () => void;

interface Watch {
  listeners: Set<Listener>;
  signature: string | undefined;
  timer: NodeJS.Timeout;
  polling: boolean;
}

/**
 * The pipeline's change signature: how many change rows it has and the sum of their ids. A write
 * committed after a later one (sequence values are taken before commit) still changes the count,
 * which a plain "newest id" would miss; the periodic clean-up changes it too (one spare refresh).
 */
export async function changeSignature(em: EntityManager, pipelineId: string): Promise<string> {
  const row = await db(em)
    .selectFrom('board_change')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.sum<string | null>('id').as('total')])
    .where('tenant_id', '=', em.getFilterParams<{ tenantId: string }>('tenant').tenantId)
    .where('pipeline_id', '=', pipelineId)
    .executeTakeFirstOrThrow();
  return `${row.n}:${row.total ?? 0}`;
}

/** Deletes change rows older than five minutes (a periodic job; streams compare signatures only). */
/** The tenants with changes older than live boards need: the only ones the clean-up has work in. */
export async function tenantsWithOldChanges(em: EntityManager): Promise<string[]> {
  const rows = await db(em)
    .selectFrom('board_change')
    .select('tenant_id')
    .distinct()
    .where('changed_at', '<', new Date(Date.now() - 5 * 60_000))
    .execute();
  return rows.map((row) => row.tenant_id);
}

export async function forgetOldChanges(em: EntityManager): Promise<void> {
  await db(em)
    .deleteFrom('board_change')
    .where('tenant_id', '=', em.getFilterParams<{ tenantId: string }>('tenant').tenantId)
    .where('changed_at', '<', new Date(Date.now() - 5 * 60_000))
    .execute();
}

export class BoardEventHub {
  readonly #orm: MikroORM;
  readonly #intervalMs: number;
  readonly #watches = new Map<string, Watch>();

  constructor(orm: MikroORM, intervalMs = 1000) {
    this.#orm = orm;
    this.#intervalMs = intervalMs;
  }

  /** Calls `listener` whenever the pipeline's board changes; returns the way to stop. */
  async subscribe(tenantId: string, pipelineId: string, listener: Listener): Promise<() => void> {
    const key = `${tenantId}:${pipelineId}`;
    let watch = this.#watches.get(key);
    if (!watch) {
      const created: Watch = {
        listeners: new Set(),
        signature: undefined,
        polling: false,
        timer: setInterval(() => void this.#poll(tenantId, pipelineId, created), this.#intervalMs),
      };
      created.timer.unref();
      watch = created;
      this.#watches.set(key, watch);
      await this.#poll(tenantId, pipelineId, watch);
    }
    watch.listeners.add(listener);
    const current = watch;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.#watches.get(key) === current) {
        clearInterval(current.timer);
        this.#watches.delete(key);
      }
    };
  }

  async #poll(tenantId: string, pipelineId: string, watch: Watch): Promise<void> {
    if (watch.polling) return;
    watch.polling = true;
    try {
      const signature = await inTenantTransaction(this.#orm.em as EntityManager, tenantId, (em) =>
        changeSignature(em, pipelineId),
      );
      const changed = watch.signature !== undefined && signature !== watch.signature;
      watch.signature = signature;
      if (changed) for (const listener of watch.listeners) listener();
    } catch {
      // The database is away for a moment: the next poll tries again; streams stay open.
    } finally {
      watch.polling = false;
    }
  }

  /** Stops every watch (the app is closing). */
  close(): void {
    for (const watch of this.#watches.values()) clearInterval(watch.timer);
    this.#watches.clear();
  }
}
