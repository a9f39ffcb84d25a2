// pg-boss's statements over PostgreSQL's simple query protocol, for the embedded database. Its
// sockets share one session and the server takes their protocol messages one by one, so the
// steps of a parameterized statement (Parse, Bind, Execute) on one connection can be split by
// another connection's statement, which destroys the unnamed prepared statement in between:
// "unnamed prepared statement does not exist", or an answer that never comes. A simple query is
// one message. The ORM sends only simple queries already; here pg-boss's parameters are written
// into the statement as literals, typed as unknown just as node-postgres sends parameters.
import pg from 'pg';
import type { Db } from 'pg-boss';

function arrayLiteral(values: readonly unknown[]): string {
  const element = (value: unknown): string => {
    if (value === null || value === undefined) return 'NULL';
    if (Array.isArray(value)) return arrayLiteral(value);
    return `"${textOf(value).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  };
  return `{${values.map(element).join(',')}}`;
}

/** The text node-postgres would send for a parameter. */
function textOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (Array.isArray(value)) return arrayLiteral(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The statement with `$1`… replaced by quoted literals. */
export function inlineParameters(text: string, values: readonly unknown[]): string {
  if (values.length === 0) return text;
  return text.replace(/\$(\d+)/g, (placeholder, digits: string) => {
    const index = Number(digits) - 1;
    if (index >= values.length) return placeholder;
    const value = values[index];
    return value === null || value === undefined ? 'NULL' : pg.escapeLiteral(textOf(value));
  });
}

export interface ClosableDb extends Db {
  close(): Promise<void>;
}

export function simpleProtocolDb(options: {
  connectionString: string;
  max: number;
  applicationName: string;
  onError: (error: Error) => void;
}): ClosableDb {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    application_name: options.applicationName,
    idleTimeoutMillis: 30_000,
  });
  // A connection lost while idle (the server stopping) must not end the process.
  pool.on('error', options.onError);
  return {
    async executeSql(text: string, values: unknown[] = []) {
      // A multi-statement query answers one result per statement, as pg-boss's own pool hands it on.
      return (await pool.query(inlineParameters(text, values))) as { rows: unknown[] };
    },
    close: () => pool.end(),
  };
}
