import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CRM_APP_ID } from '@crm/m365-emulator';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { type SpawnedProcess, spawnNode } from '../../support/processes.ts';

const LISTENING = /CRM API listening on (http:\/\/\S+)\/api /;
const dataRoot = mkdtempSync(path.join(tmpdir(), 'crm-e2e-'));
const started: SpawnedProcess[] = [];

const entra = {
  ENTRA_AUTHORITY_HOST: process.env.M365_EMULATOR_URL,
  ENTRA_CLIENT_ID: CRM_APP_ID,
  NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
};

function startBackend(env: Record<string, string | undefined>, args: string[] = []) {
  const proc = spawnNode(
    'backend/src/main.ts',
    { PORT: '0', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...entra, ...env },
    { args },
  );
  started.push(proc);
  return proc;
}

afterEach(async () => {
  for (const proc of started.splice(0)) {
    proc.kill('SIGKILL');
    await proc.exited();
  }
});
afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

describe('the backend process', () => {
  it('starts, answers /api/health and exits 0 on SIGTERM', async () => {
    const backend = startBackend({ DATABASE_URL: process.env.DATABASE_URL });
    const [, url] = await backend.waitFor(LISTENING);
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const began = Date.now();
    backend.kill('SIGTERM');
    await expect(backend.exited()).resolves.toEqual({ code: 0, signal: null });
    expect(Date.now() - began).toBeLessThan(10_000);
  });

  it('exits 0 on SIGINT too', async () => {
    const backend = startBackend({ DATABASE_URL: process.env.DATABASE_URL });
    await backend.waitFor(LISTENING);
    backend.kill('SIGINT');
    await expect(backend.exited()).resolves.toEqual({ code: 0, signal: null });
  });

  it('refuses a bad configuration with one sentence naming the variable, and exits 1', async () => {
    const backend = startBackend({ PORT: 'eighty' });
    await expect(backend.exited()).resolves.toEqual({ code: 1, signal: null });
    expect(backend.output().trim()).toBe(
      'Invalid configuration: PORT must be a TCP port number, for example 3000 (it is "eighty").',
    );
  });

  it('refuses to share its embedded database directory with a running backend', async () => {
    const dataDir = path.join(dataRoot, 'shared');
    const first = startBackend({ DATA_DIR: dataDir });
    await first.waitFor(LISTENING, 60_000);
    const second = startBackend({ DATA_DIR: dataDir });
    await expect(second.exited()).resolves.toEqual({ code: 1, signal: null });
    expect(second.output()).toContain(
      `The embedded PostgreSQL data directory ${path.join(dataDir, 'pg')} is in use by another process (pid ${first.child.pid}).`,
    );
    expect((await fetch(`${(await first.waitFor(LISTENING))[1]}/api/ready`)).status).toBe(200);
  }, 120_000);

  it('runs job workers without HTTP with --worker-only, and exits 0 on SIGTERM', async () => {
    const worker = startBackend({ DATABASE_URL: process.env.DATABASE_URL }, ['--worker-only']);
    const [line] = await worker.waitFor(/CRM job workers running \(.*\)/, 60_000);
    // The tasks' jobs and the Outlook sync's among them.
    for (const job of ['task-reminder', 'absence-handover', 'task-deadlines', 'graph-sync-run'])
      expect(line).toContain(job);
    expect(worker.output()).not.toMatch(LISTENING);
    worker.kill('SIGTERM');
    await expect(worker.exited()).resolves.toEqual({ code: 0, signal: null });
  }, 120_000);

  it('serves the API without job workers with --no-worker', async () => {
    const api = startBackend({ DATABASE_URL: process.env.DATABASE_URL }, ['--no-worker']);
    const [, url] = await api.waitFor(LISTENING);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect(api.output()).not.toMatch(/job workers running/);
    api.kill('SIGTERM');
    await expect(api.exited()).resolves.toEqual({ code: 0, signal: null });
  });

  it('refuses an unknown command-line option, naming the ones it knows', async () => {
    const backend = startBackend({ DATABASE_URL: process.env.DATABASE_URL }, ['--workers=2']);
    await expect(backend.exited()).resolves.toEqual({ code: 1, signal: null });
    expect(backend.output().trim()).toBe(
      'Unknown option --workers=2: the backend accepts --worker-only or --no-worker.',
    );
  });
});
