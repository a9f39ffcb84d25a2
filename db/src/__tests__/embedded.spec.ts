import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { acquireDirectoryLock, DirectoryLockedError } from '../directory-lock.ts';
import { startEmbeddedPostgres } from '../embedded.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const launcher = path.join(here, '..', 'embedded.ts');
const directoryLock = path.join(here, '..', 'directory-lock.ts');
const root = mkdtempSync(path.join(tmpdir(), 'crm-embedded-'));

/**
 * A database (PGlite's initdb, in WebAssembly) or a Node process starts within seconds on an idle
 * machine and many times that on a loaded one: tests that must start one wait for it, however long.
 */
const START_TIMEOUT_MS = 180_000;

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Runs an ES module in a separate Node process; resolves with its output once it has exited. */
const inAnotherProcess = (script: string) => run(process.execPath, ['--input-type=module', '-e', script]);

/** Starts the launcher in a separate Node process on `dataDir`, as a second `npm start` would. */
const startInAnotherProcess = (dataDir: string) =>
  inAnotherProcess(`
    import { startEmbeddedPostgres } from ${JSON.stringify(launcher)};
    const db = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} });
    await db.stop();
    console.log('started');`);

/** Takes the data directory's lock in a separate Node process, which then ends with or without releasing it. */
const lockInAnotherProcess = (dataDir: string, end: 'release' | 'exit holding it') =>
  inAnotherProcess(`
    import { acquireDirectoryLock } from ${JSON.stringify(directoryLock)};
    const lock = acquireDirectoryLock(${JSON.stringify(dataDir)}, 'embedded PostgreSQL');
    ${end === 'release' ? 'lock.release();' : ''}
    console.log('locked');`);

/** Runs `work` against an embedded database on `dataDir` (a fresh one without), stopping it after. */
async function withEmbedded(dataDir: string | undefined, work: (url: string) => Promise<void>): Promise<void> {
  const db = await startEmbeddedPostgres(dataDir ? { dataDir } : {});
  try {
    await work(db.url);
  } finally {
    await db.stop();
  }
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('embedded PostgreSQL', () => {
  it(
    'starts, answers SQL through the PostgreSQL wire protocol and has the search extensions',
    async () => {
      await withEmbedded(undefined, async (url) => {
        expect(url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
        await query(url, 'create extension if not exists pg_trgm; create extension if not exists fuzzystrmatch');
        const [row] = await query<{ sim: number; code: string; version: string }>(
          url,
          "select similarity('Müller', 'Mueller') as sim, soundex('Meier') as code, current_setting('server_version') as version",
        );
        expect(row?.sim).toBeGreaterThan(0);
        expect(row?.code).toBe('M600');
        expect(Number.parseInt(row?.version ?? '', 10)).toBeGreaterThanOrEqual(15);
      });
    },
    START_TIMEOUT_MS,
  );

  it(
    'keeps its data across a restart',
    async () => {
      const dataDir = path.join(root, 'persist');
      const first = await startEmbeddedPostgres({ dataDir });
      await query(first.url, "create table kept (name text); insert into kept values ('Jürgen Weiß')");
      await first.stop();
      await withEmbedded(dataDir, async (url) => {
        expect(await query(url, 'select name from kept')).toEqual([{ name: 'Jürgen Weiß' }]);
      });
    },
    START_TIMEOUT_MS,
  );

  it(
    'refuses a second process on the same data directory with a clear message',
    async () => {
      const dataDir = path.join(root, 'shared');
      await withEmbedded(dataDir, async (url) => {
        const second = startInAnotherProcess(dataDir);
        await expect(second).rejects.toMatchObject({
          code: 1,
          stderr: expect.stringContaining(
            `The embedded PostgreSQL data directory ${dataDir} is in use by another process (pid ${process.pid}). Stop that process first, or set DATA_DIR to a different directory.`,
          ),
        });
        // The first one is unharmed.
        expect(await query(url, 'select 1 as ok')).toEqual([{ ok: 1 }]);
      });
    },
    START_TIMEOUT_MS,
  );

  it(
    'refuses to open the same data directory twice in one process',
    async () => {
      const dataDir = path.join(root, 'twice');
      await withEmbedded(dataDir, async () => {
        await expect(startEmbeddedPostgres({ dataDir })).rejects.toBeInstanceOf(DirectoryLockedError);
      });
      expect(existsSync(`${dataDir}.lock`)).toBe(false);
    },
    START_TIMEOUT_MS,
  );
});

describe('the data directory lock', () => {
  it('takes over a lock left by a process that no longer exists', async () => {
    const dataDir = path.join(root, 'stale');
    // A pid that cannot be running: above the kernel's pid_max.
    writeFileSync(`${dataDir}.lock`, '99999999\n');
    const lock = acquireDirectoryLock(dataDir, 'test');
    lock.release();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });

  it(
    'lets the next process in once the holder has exited, whether it released the lock or not',
    async () => {
      const dataDir = path.join(root, 'sequential');
      await expect(lockInAnotherProcess(dataDir, 'exit holding it')).resolves.toMatchObject({ stdout: 'locked\n' });
      expect(existsSync(`${dataDir}.lock`)).toBe(false);
      await expect(lockInAnotherProcess(dataDir, 'release')).resolves.toMatchObject({ stdout: 'locked\n' });
      const lock = acquireDirectoryLock(dataDir, 'test');
      lock.release();
    },
    START_TIMEOUT_MS,
  );
});
