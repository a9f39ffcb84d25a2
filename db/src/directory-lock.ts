// An exclusive, process-owned lock on a data directory. Two PGlite processes on one directory
// silently lose data, so the second one must be refused. The lock file holds the owner's pid:
// a lock left by a killed process is recognised at once (its pid is gone) and taken over,
// which an mtime-based lock could only do after a stale timeout.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

export interface DirectoryLock {
  readonly path: string;
  release(): void;
}

export class DirectoryLockedError extends Error {
  readonly ownerPid: number;
  constructor(directory: string, ownerPid: number, purpose: string) {
    super(
      `The ${purpose} data directory ${directory} is in use by another process (pid ${ownerPid}). ` +
        'Stop that process first, or set DATA_DIR to a different directory.',
    );
    this.name = 'DirectoryLockedError';
    this.ownerPid = ownerPid;
  }
}

const heldLocks = new Set<string>();
let exitHookInstalled = false;

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function acquireDirectoryLock(directory: string, purpose: string): DirectoryLock {
  const lockPath = `${directory.replace(/\/+$/, '')}.lock`;
  if (heldLocks.has(lockPath)) throw new DirectoryLockedError(directory, process.pid, purpose);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      heldLocks.add(lockPath);
      installExitHook();
      let released = false;
      return {
        path: lockPath,
        release() {
          if (released) return;
          released = true;
          heldLocks.delete(lockPath);
          if (readOwner(lockPath) === process.pid) rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(lockPath);
      if (owner !== undefined && isProcessAlive(owner)) {
        throw new DirectoryLockedError(directory, owner, purpose);
      }
      // Left behind by a process that is gone (or half-written): take it over.
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock ${directory}: the lock file ${lockPath} keeps reappearing.`);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const lockPath of heldLocks) {
      if (readOwner(lockPath) === process.pid) rmSync(lockPath, { force: true });
    }
  });
}
