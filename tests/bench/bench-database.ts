// The database a bench runs on: DATABASE_URL's, or else an in-memory embedded PostgreSQL in a
// process of its own (this file run as a script), so that the database, the backend and the load
// generator each have their own event loop.
import { startEmbeddedPostgres } from '@crm/db';
import { spawnNode } from '../support/processes.ts';

if (import.meta.url === `file://${process.argv[1]}`) {
  const embedded = await startEmbeddedPostgres({ maxConnections: 32 });
  console.log(`embedded PostgreSQL at ${embedded.url}`);
  process.on('SIGTERM', () => {
    embedded.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

export interface BenchDatabase {
  /** Its connection URL, once it accepts connections. */
  url(): Promise<string>;
  /** Stops the embedded database (DATABASE_URL's is left as it is). */
  stop(): Promise<void>;
}

/** DATABASE_URL's database, or an embedded one started now in its own process. */
export function benchDatabase(): BenchDatabase {
  const given = process.env.DATABASE_URL;
  if (given) return { url: async () => given, stop: async () => undefined };
  const child = spawnNode('tests/bench/bench-database.ts', {});
  return {
    async url() {
      const url = ((await child.waitFor(/embedded PostgreSQL at (\S+)/, 60_000)) ?? [])[1];
      if (!url) throw new Error('the embedded PostgreSQL did not start');
      return url;
    },
    async stop() {
      child.kill('SIGTERM');
      await child.exited();
    },
  };
}
