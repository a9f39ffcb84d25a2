// SQL as the app runs it, for the benches' floors: in a transaction, as role crm_app, with the
// tenant set first and JIT compilation off, as for a request.
import type pg from 'pg';

export async function asTenant<T>(
  pool: pg.Pool,
  tenantId: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      "select set_config('app.tenant_id', $1, true), set_config('role', 'crm_app', true), set_config('jit', 'off', true)",
      [tenantId],
    );
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** One query as the tenant; its rows. */
export const queryAsTenant = (pool: pg.Pool, tenantId: string, sql: string, params: unknown[]) =>
  asTenant(pool, tenantId, async (client) => (await client.query(sql, params)).rows);
