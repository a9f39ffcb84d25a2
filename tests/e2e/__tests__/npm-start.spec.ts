// What a newcomer does: `npm start`, then the token command the banner shows, then /api/v1/me.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { repoRoot, spawnNode } from '../../support/processes.ts';

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-start-'));

describe('npm start', () => {
  const started = spawnNode('backend/src/start.ts', {
    PORT: '0',
    M365_EMULATOR_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  });
  afterAll(async () => {
    started.kill('SIGTERM');
    await started.exited();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts emulator and backend, prints the token command, and the token gets /api/v1/me for Anna', async () => {
    const [, apiUrl] = await started.waitFor(/API\s+(http:\/\/\S+\/api)\n/, 240_000);
    const [, emulatorUrl] = await started.waitFor(/Microsoft 365 emulator\s+(https:\/\/\S+)\n/);
    expect(started.output()).toContain('npm run -s token -- anna.schmidt@contoso.example');
    const env = { ...process.env, DATA_DIR: dataDir, M365_EMULATOR_URL: emulatorUrl, NODE_EXTRA_CA_CERTS: '' };
    const { stdout: token } = await run(
      process.execPath,
      ['backend/src/tools/token.ts', 'anna.schmidt@contoso.example'],
      {
        cwd: repoRoot,
        env,
      },
    );
    expect(token.trim()).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    const res = await fetch(`${apiUrl}/v1/me`, { headers: { Authorization: `Bearer ${token.trim()}` } });
    expect(res.status).toBe(200);
    const me = (await res.json()) as { user: { displayName: string }; tenant: { name: string }; roles: string[] };
    expect(me.user.displayName).toBe('Anna Schmidt');
    expect(me.roles).toContain('admin');
    const { stdout: list } = await run(process.execPath, ['backend/src/tools/token.ts', '--list'], {
      cwd: repoRoot,
      env,
    });
    expect(list).toContain('Contoso GmbH');
    expect(list).toMatch(/juergen\.weiss@contoso\.example\s+Jürgen Weiß\s+CRM\.SalesManager/);
  }, 300_000);
});
