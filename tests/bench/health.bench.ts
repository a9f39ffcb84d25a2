// GET /api/health through the backend's full middleware chain (request id, logging at info,
// problem handler, helmet, body parser, ORM context, router) against a bare Koa handler.
// Both servers run as their own processes; the load generator runs here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnNode } from '../support/processes.ts';
import { measureHttp, printTable } from './measure.ts';

export async function run(options: { seconds: number }): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-bench-'));
  const floor = spawnNode('tests/bench/floor-server.ts', {});
  const backend = spawnNode(
    'backend/src/main.ts',
    {
      PORT: '0',
      // A well-formed app registration is all /api/health needs; nothing signs in here.
      ENTRA_CLIENT_ID: '00000000-0000-4000-8000-000000000000',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      LOG_FORMAT: 'json',
      DATABASE_URL: process.env.DATABASE_URL,
      DATA_DIR: dataDir,
    },
    { stdoutFile: path.join(dataDir, 'backend.log') },
  );
  try {
    const [, floorUrl] = await floor.waitFor(/floor listening on (\S+)/);
    const [, apiUrl] = await backend.waitFor(/CRM API listening on (\S+)\/api /, 60_000);
    const load = { seconds: options.seconds, connections: 10 };
    const floorStats = await measureHttp('health floor (bare koa)', { ...load, url: `${floorUrl}/` });
    const healthStats = await measureHttp('GET /api/health', { ...load, url: `${apiUrl}/api/health` });
    printTable([{ stats: floorStats }, { stats: healthStats, floor: floorStats }]);
  } finally {
    floor.kill();
    backend.kill();
    await Promise.all([floor.exited(), backend.exited()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
