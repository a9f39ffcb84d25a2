// What signing in costs per request: token validation alone (in process, keys cached), and
// GET /api/v1/me (validation, tenant transaction, user lookup, teams) against GET /api/health
// through the same chain, on the same backend process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CRM_APP_ID, emulatorClient, startEmulator } from '@crm/m365-emulator';
import { loadConfig } from '../../backend/src/config.ts';
import { TokenVerifier } from '../../backend/src/http/auth.ts';
import { spawnNode } from '../support/processes.ts';
import { measureHttp, printTable, type Stats } from './measure.ts';

const CRM_SCOPE = `api://crm.localhost/${CRM_APP_ID}/access_as_user`;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

async function measureInProcess(name: string, iterations: number, work: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < 200; i++) await work();
  const latencies = new Float64Array(iterations);
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await work();
    latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort();
  return {
    name,
    n: iterations,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    opsPerSec: iterations / seconds,
    errors: 0,
  };
}

export async function run(options: { seconds: number }): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-bench-auth-'));
  const emulator = await startEmulator({ dataDir: path.resolve('.data') });
  const contoso = emulator.seed.tenants.find((tenant) => tenant.displayName === 'Contoso GmbH');
  if (!contoso) throw new Error('the seed has no Contoso GmbH');
  const env = {
    ENTRA_AUTHORITY_HOST: emulator.url,
    ENTRA_CLIENT_ID: CRM_APP_ID,
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
  };
  const backend = spawnNode(
    'backend/src/main.ts',
    {
      ...env,
      PORT: '0',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      DATABASE_URL: process.env.DATABASE_URL,
      DATA_DIR: dataDir,
    },
    { stdoutFile: path.join(dataDir, 'backend.log') },
  );
  try {
    const token = await emulatorClient(emulator.url).passwordToken({
      tenant: contoso.id,
      username: 'anna.schmidt@contoso.example',
      scope: CRM_SCOPE,
    });
    const verifier = new TokenVerifier(loadConfig(env).entra);
    const verify = await measureInProcess('token validation (in process)', 5_000, () => verifier.verify(token));

    const [, apiUrl] = await backend.waitFor(/CRM API listening on (\S+)\/api /, 60_000);
    const headers = { authorization: `Bearer ${token}` };
    const first = await fetch(`${apiUrl}/api/v1/me`, { headers });
    if (first.status !== 200) throw new Error(`GET /api/v1/me answered ${first.status}: ${await first.text()}`);
    const load = { seconds: options.seconds, connections: 10 };
    const health = await measureHttp('GET /api/health', { ...load, url: `${apiUrl}/api/health` });
    const me = await measureHttp('GET /api/v1/me (signed in)', { ...load, url: `${apiUrl}/api/v1/me`, headers });
    printTable([{ stats: verify }, { stats: health }, { stats: me, floor: health }]);
  } finally {
    backend.kill();
    await backend.exited();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
