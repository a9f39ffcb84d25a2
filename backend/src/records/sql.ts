import type { EntityManager } from '@mikro-orm/postgresql';

/** Runs SQL inside the entity manager's transaction (so as the tenant, under row-level security). */
export function sqlIn<T>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params, 'all', em.getTransactionContext());
}
