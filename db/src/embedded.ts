// Embedded PostgreSQL: PGlite behind pglite-socket, so the same `@mikro-orm/postgresql` driver
// that talks to a real server talks to it over TCP. Used when DATABASE_URL is unset.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { acquireDirectoryLock, type DirectoryLock } from './directory-lock.ts';

export interface EmbeddedPostgresOptions {
  /** Directory holding the database files; omitted: an in-memory database (tests). */
  dataDir?: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /**
   * Sockets the server accepts. All of them share PGlite's single backend; pglite-socket
   * serializes them per transaction, so a pool may open this many connections at most.
   */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** A `postgresql://` URL the driver connects to. */
  readonly url: string;
  readonly dataDir: string | undefined;
  readonly maxConnections: number;
  stop(): Promise<void>;
}

export const DEFAULT_EMBEDDED_MAX_CONNECTIONS = 16;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const maxConnections = options.maxConnections ?? DEFAULT_EMBEDDED_MAX_CONNECTIONS;
  let lock: DirectoryLock | undefined;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    lock = acquireDirectoryLock(options.dataDir, 'embedded PostgreSQL');
  }
  let db: PGlite | undefined;
  try {
    db = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      extensions: { pg_trgm, fuzzystrmatch, btree_gin },
    });
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: options.port ?? 0,
      maxConnections,
    });
    await server.start();
    const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres`;
    let stopped = false;
    const opened = db;
    return {
      url,
      dataDir: options.dataDir,
      maxConnections,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await server.stop();
          await opened.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
}
