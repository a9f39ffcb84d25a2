// The backend as a bench runs it: a process of its own against the emulator and the database.
import path from 'node:path';
import { CRM_APP_ID } from '@crm/m365-emulator';
import { spawnNode } from '../support/processes.ts';

export async function startBenchBackend(options: {
  emulatorUrl: string;
  databaseUrl: string;
  dataDir: string;
  logLevel: string;
}): Promise<{ process: ReturnType<typeof spawnNode>; apiUrl: string }> {
  const backend = spawnNode(
    'backend/src/main.ts',
    {
      ENTRA_AUTHORITY_HOST: options.emulatorUrl,
      ENTRA_CLIENT_ID: CRM_APP_ID,
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
      PORT: '0',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? options.logLevel,
      LOG_FORMAT: 'json',
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: options.dataDir,
      // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the backend spends a bench's time.
      NODE_OPTIONS: process.env.BENCH_BACKEND_NODE_OPTIONS,
    },
    { stdoutFile: path.join(options.dataDir, 'backend.log') },
  );
  const [, apiUrl] = await backend.waitFor(/CRM API listening on (\S+)\/api /, 120_000);
  return { process: backend, apiUrl: apiUrl as string };
}
