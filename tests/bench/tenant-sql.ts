// SQL as the app runs it, for the benches' floors: in a transaction, as role crm_app, with the
// tenant set first and JIT compilation off, as for a request.
import type pg from 'pg';

/** Settings of the transaction beyond the tenant's, as a service sets them for its statement (pg_trgm's thresholds). */
export type TransactionSettings = Readonly<Record<string, string | number>>;

export async function asTenant<T>(
  pool: pg.Pool,
  tenantId: string,
  work: (client: pg.PoolClient) => Promise<T>,
  settings: TransactionSettings = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      "select set_config('app.tenant_id', $1, true), set_config('role', 'crm_app', true), set_config('jit', 'off', true)",
      [tenantId],
    );
    const names = Object.keys(settings);
    if (names.length > 0) {
      await client.query('select set_config(name, value, true) from unnest($1::text[], $2::text[]) as s(name, value)', [
        names,
        names.map((name) => String(settings[name])),
      ]);
    }
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
export const queryAsTenant = (
  pool: pg.Pool,
  tenantId: string,
  sql: string,
  params: unknown[],
  settings: TransactionSettings = {},
) => asTenant(pool, tenantId, async (client) => (await client.query(sql, params)).rows, settings);
