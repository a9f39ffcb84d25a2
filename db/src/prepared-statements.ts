// Named prepared statements for the few statements every request runs (the tenant context, the
// signed-in user, the sender lookup, the search): PostgreSQL plans such a statement once per
// connection and then reuses the plan, where an unnamed statement is planned on every run. The
// lookup's six-table join took about 1 ms to plan and 0.1 ms to run.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';

/** Statement text → its number, from which each connection names it. */
const names = new Map<string, string>();

/**
 * Marks a statement text to be run as a named prepared statement wherever the pool prepares them.
 * For statements of a fixed text whose values are all bind parameters: each text is prepared once
 * on each connection and kept for the connection's life, so their number must stay small. A
 * statement reading `*` would fail once its table gained a column while prepared ("cached plan must
 * not change result type"): name the columns.
 */
export function prepareStatement(text: string): void {
  if (names.has(text)) return;
  if (/\bselect\s+\*|"?\w+"?\.\*/i.test(text)) {
    throw new Error(`a prepared statement names its columns, it does not read *: ${text.slice(0, 120)}`);
  }
  names.set(text, String(names.size + 1));
}

type Query = (...args: unknown[]) => Promise<unknown>;

/** This process's mark and the connections it opened: they make each connection's statement names its own. */
const processMark = randomBytes(4).toString('hex');
let connections = 0;

/** How long a closing connection tries to deallocate its statements. */
const DEALLOCATE_MS = 1_000;

/**
 * Runs the marked statements of this pool's connections as named prepared statements. Each
 * connection names its statements apart from every other (process, connection, statement):
 * the embedded database serves all sockets from one backend, where a second connection preparing
 * a name already taken would fail. For the same reason a connection deallocates its statements
 * before it closes (on a server they end with the connection anyway).
 */
export function usePreparedStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const prefix = `crm_${processMark}_${++connections}_`;
    const prepared = new Set<string>();
    const query = client.query.bind(client) as Query;
    const end = client.end.bind(client) as () => Promise<void>;
    const self = client as unknown as { query: Query; end: (callback?: unknown) => unknown };
    self.query = (...args: unknown[]) => {
      const [text, values] = args;
      const statement = typeof text === 'string' && args.length === 2 ? names.get(text) : undefined;
      if (statement === undefined) return query(...args);
      const name = prefix + statement;
      prepared.add(name);
      return query({ name, text, values });
    };
    self.end = (callback?: unknown) => {
      const deallocate = async () => {
        for (const name of prepared) {
          try {
            await query(`deallocate ${name}`);
          } catch {
            return; // the connection is gone, and its statements with it
          }
        }
      };
      const ended = (async () => {
        await Promise.race([deallocate(), delay(DEALLOCATE_MS, undefined, { ref: false })]);
        await end();
      })();
      if (typeof callback !== 'function') return ended;
      ended.then(() => callback(), callback as (error: unknown) => void);
      return undefined;
    };
  });
}
