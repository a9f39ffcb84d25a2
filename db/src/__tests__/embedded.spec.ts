import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { acquireDirectoryLock } from '../directory-lock.ts';

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

/** An embedded database being served by a separate Node process, as `npm start` serves it. */
interface Served {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the launcher on `dataDir` (a fresh in-memory database without) in a separate Node process,
 * which serves it until stopped. Not in jest's own process: PGlite's WebAssembly starts in a few
 * seconds in Node and takes ten times that inside jest's module sandbox.
 */
function serveInAnotherProcess(dataDir?: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
      import { startEmbeddedPostgres } from ${JSON.stringify(launcher)};
      const db = await startEmbeddedPostgres(${dataDir ? `{ dataDir: ${JSON.stringify(dataDir)} }` : '{}'});
      process.on('SIGTERM', () => db.stop().then(() => process.exit(0), () => process.exit(1)));
      console.log('serving ' + db.url);`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the embedded database did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = output.match(/serving (\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1] as string,
          pid: child.pid as number,
          async stop() {
            child.kill('SIGTERM');
            const code = await exited;
            if (code !== 0) throw new Error(`the embedded database stopped with exit code ${code}:\n${output}`);
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the embedded database exited (${code}) before serving:\n${output}`));
    });
  });
}

/** Runs `work` against an embedded database on `dataDir` (a fresh one without), stopping it after. */
async function withEmbedded(dataDir: string | undefined, work: (served: Served) => Promise<void>): Promise<void> {
  const served = await serveInAnotherProcess(dataDir);
  try {
    await work(served);
  } finally {
    await served.stop();
  }
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('embedded PostgreSQL', () => {
  it(
    'starts, answers SQL through the PostgreSQL wire protocol and has the search extensions',
    async () => {
      await withEmbedded(undefined, async ({ url }) => {
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
      await withEmbedded(dataDir, async ({ url }) => {
        await query(url, "create table kept (name text); insert into kept values ('Jürgen Weiß')");
      });
      await withEmbedded(dataDir, async ({ url }) => {
        expect(await query(url, 'select name from kept')).toEqual([{ name: 'Jürgen Weiß' }]);
      });
    },
    START_TIMEOUT_MS,
  );

  it(
    'refuses a second process on the same data directory with a clear message',
    async () => {
      const dataDir = path.join(root, 'shared');
      await withEmbedded(dataDir, async ({ url, pid }) => {
        const second = startInAnotherProcess(dataDir);
        await expect(second).rejects.toMatchObject({
          code: 1,
          stderr: expect.stringContaining(
            `The embedded PostgreSQL data directory ${dataDir} is in use by another process (pid ${pid}). Stop that process first, or set DATA_DIR to a different directory.`,
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
      const { stdout } = await inAnotherProcess(`
        import { startEmbeddedPostgres } from ${JSON.stringify(launcher)};
        import { DirectoryLockedError } from ${JSON.stringify(directoryLock)};
        const first = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} });
        try {
          await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} });
          console.log('opened twice');
        } catch (error) {
          console.log(error instanceof DirectoryLockedError ? 'refused: locked' : 'failed: ' + error.message);
        }
        await first.stop();`);
      expect(stdout).toBe('refused: locked\n');
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
