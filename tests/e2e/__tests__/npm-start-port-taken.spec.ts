// A second `npm start` beside a running one finds the emulator's port taken first: it must say
// which variable moves that port (PORT moves the API's only).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnNode } from '../../support/processes.ts';

describe('npm start beside another one', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-start-twice-'));
  let holder: Server;
  let takenPort = 0;

  beforeAll(async () => {
    // Stands in for the running emulator: something listening on the emulator's port.
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    takenPort = (holder.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("names M365_EMULATOR_PORT when the emulator's port is taken, and exits 1", async () => {
    const second = spawnNode('backend/src/start.ts', {
      PORT: '0',
      M365_EMULATOR_PORT: String(takenPort),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    await expect(second.exited()).resolves.toEqual({ code: 1, signal: null });
    expect(second.output()).toContain(
      `The Microsoft 365 emulator cannot listen on 127.0.0.1:${takenPort}: the port is taken (is another npm start running?). Stop that process, or set M365_EMULATOR_PORT to a free port`,
    );
    expect(second.output()).not.toContain('set PORT to a free port');
    // Starting a process (twice: it restarts itself to trust the emulator's certificate) is slow on a busy machine.
  }, 120_000);
});
