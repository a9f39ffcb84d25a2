// A real worker process (`node backend/src/main.ts --worker-only`) on the tests' database and
// emulator, set to take up a killed worker's runs within seconds: for the tests that kill one. `env` adds
// settings (a bot's, say).
import { CRM_APP_ID } from '@crm/m365-emulator';
import { CRM_CLIENT_SECRET, emulatorUrl } from '../../backend/src/testing/test-app.ts';
import { type SpawnedProcess, spawnNode } from './processes.ts';

export function spawnSyncWorker(env: Record<string, string> = {}): SpawnedProcess {
  return spawnNode(
    'backend/src/main.ts',
    {
      DATABASE_URL: process.env.DATABASE_URL,
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
      ENTRA_AUTHORITY_HOST: emulatorUrl(),
      ENTRA_CLIENT_ID: CRM_APP_ID,
      ENTRA_CLIENT_SECRET: CRM_CLIENT_SECRET,
      ENTRA_APP_ID_URI: `api://crm.localhost/${CRM_APP_ID}`,
      GRAPH_BASE_URL: emulatorUrl(),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      DB_POOL_MAX: '4',
      JOBS_POOL_MAX: '2',
      JOBS_POLL_SECONDS: '0.5',
      // A killed worker's run comes back this soon.
      JOBS_EXPIRE_SECONDS: '4',
      ...env,
    },
    { args: ['--worker-only'] },
  );
}
