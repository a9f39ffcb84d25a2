import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { prepareStatement, usePreparedStatements } from '../prepared-statements.ts';

// Statements this file marks: each text is its own, so other files' statements do not interfere.
const MARKED = "select $1::text as greeting, 'prepared-statements.spec' as origin";
const UNMARKED = "select $1::text as greeting, 'prepared-statements.spec, unmarked' as origin";
prepareStatement(MARKED);

/** The statements prepared where `client` runs (its session; the embedded database's one session for all). */
async function preparedNames(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    "select name from pg_prepared_statements where statement like '%prepared-statements.spec%' order by name",
  );
  return rows.map((row) => row.name);
}

describe('prepared statements', () => {
  it('runs a marked statement as a named prepared statement, each connection under names of its own', async () => {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    usePreparedStatements(pool);
    try {
      const [first, second] = [await pool.connect(), await pool.connect()];
      try {
        // The same text on two connections at once: on the embedded database, whose sockets share
        // one backend, a name taken by the other connection would fail here.
        for (const client of [first, second, first, second]) {
          expect((await client.query(MARKED, ['Grüß Gott'])).rows).toEqual([
            { greeting: 'Grüß Gott', origin: 'prepared-statements.spec' },
          ]);
        }
        expect((await first.query(UNMARKED, ['Moin'])).rows[0].greeting).toBe('Moin');
        const names = [...new Set([...(await preparedNames(first)), ...(await preparedNames(second))])];
        expect(names).toHaveLength(2);
        for (const name of names) expect(name).toMatch(/^crm_[0-9a-f]{8}_\d+_\d+$/);
      } finally {
        first.release();
        second.release();
      }
    } finally {
      await pool.end();
    }
  });

  it('leaves nothing prepared once its connections have closed', async () => {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    usePreparedStatements(pool);
    const client = await pool.connect();
    await client.query(MARKED, ['Servus']);
    client.release(true); // closes it
    await pool.end();
    // Another connection: on a server the closed session's statements are gone with it; on the
    // embedded database the closing connection deallocated them from the shared session.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      const { rows } = await other.query(
        "select name from pg_prepared_statements where statement like '%prepared-statements.spec%'",
      );
      expect(rows).toEqual([]);
    } finally {
      await other.end();
    }
  });

  it('refuses to prepare a statement that reads *, which a new column would break', () => {
    expect(() => prepareStatement('select "p".* from "person" as "p" where "p"."id" = $1')).toThrow(
      /names its columns/,
    );
    expect(() => prepareStatement('select * from person where id = $1')).toThrow(/names its columns/);
    expect(() => prepareStatement('select count(*) as n from person where tenant_id = $1')).not.toThrow();
  });
});
