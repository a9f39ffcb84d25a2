// An in-memory embedded PostgreSQL (PGlite, as `npm start` runs without DATABASE_URL) in a process
// of its own, for tests that must pass on it as well as on the PostgreSQL server the run uses: the
// database, the app under test and its workers each get their own event loop, as in production.
import { startEmbeddedPostgres } from '@crm/db';
import { type SpawnedProcess, spawnNode } from './processes.ts';

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

export interface EmbeddedDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a fresh, empty embedded database; createTestApp migrates it. */
export async function startEmbeddedDatabase(): Promise<EmbeddedDatabase> {
  const child: SpawnedProcess = spawnNode('tests/support/embedded-database.ts', {});
  const match = await child.waitFor(/embedded PostgreSQL at (\S+)/, 120_000);
  return {
    url: match[1] as string,
    async stop() {
      child.kill('SIGTERM');
      await child.exited();
    },
  };
}
