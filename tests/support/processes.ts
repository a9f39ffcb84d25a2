// Runs the real backend entry point as a separate process, as `npm start` does.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SpawnedProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

export interface SpawnOptions {
  /** Send stdout to this file instead of a pipe (benches: reading a chatty log here would steal CPU). */
  stdoutFile?: string;
  /** Command-line arguments after the script, e.g. `--worker-only`. */
  args?: string[];
}

export function spawnNode(
  script: string,
  env: Record<string, string | undefined>,
  options: SpawnOptions = {},
): SpawnedProcess {
  const stdoutFd = options.stdoutFile ? openSync(options.stdoutFile, 'w') : undefined;
  const child = spawn(process.execPath, [path.join(repoRoot, script), ...(options.args ?? [])], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
  });
  if (stdoutFd !== undefined) closeSync(stdoutFd);
  const fileOutput = () => (options.stdoutFile ? readFileSync(options.stdoutFile, 'utf8').slice(0, 256 * 1024) : '');
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    // Keep the tail only: a chatty process (a bench at LOG_LEVEL=info) must not grow this without bound.
    output = (output + chunk.toString('utf8')).slice(-256 * 1024);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const listener of listeners) listener();
    });
  });
  return {
    child,
    output: () => fileOutput() + output,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern) ?? fileOutput().match(pattern);
          if (match) {
            done();
            resolve(match);
          } else if (child.exitCode !== null) {
            done();
            reject(new Error(`process exited (${child.exitCode}) before printing ${pattern}:\n${output}`));
          }
        };
        // A file gives no events: look at it now and then.
        const poll = options.stdoutFile ? setInterval(check, 100) : undefined;
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}:\n${output}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          clearInterval(poll);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    exited: () => exit,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
    },
  };
}
