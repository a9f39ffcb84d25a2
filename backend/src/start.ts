// `npm start`: the whole suite on one machine — the local Microsoft 365 emulator, the backend
// signed in against it, the embedded database with demo data — and the URLs to open.
import { CRM_APP_ID, CRM_BOT_APP_ID, routeInstanceDiscovery, startEmulator } from '@crm/m365-emulator';
import { ensureBuilt as ensureAddinBuilt } from '../../addin-outlook/build.ts';
import { ensureBuilt as ensureWebAppBuilt } from '../../tab-web/build.ts';
import { ConfigError, loadConfig, loadEmulatorPort } from './config.ts';
import { addinTryUrl, demoMailSender } from './demo/addin-demo.ts';
import { seedContactsDemo } from './demo/contacts-demo.ts';
import { seedDemoData } from './demo/demo-data.ts';
import { reportStartFailure, startBackend, stopOnSignals } from './main.ts';
import { localDataDir, trustEmulatorCertificate } from './tools/trust-emulator.ts';

/** The emulator's port is taken, most likely by the emulator of an `npm start` still running. */
function emulatorPortTaken(error: NodeJS.ErrnoException & { address?: string; port?: number }): ConfigError {
  return new ConfigError(
    `The Microsoft 365 emulator cannot listen on ${error.address ?? '127.0.0.1'}:${error.port}: the port is taken (is another npm start running?). ` +
      'Stop that process, or set M365_EMULATOR_PORT to a free port; a second npm start beside it needs its own PORT and DATA_DIR too.',
  );
}

const dataDir = localDataDir();
try {
  const emulatorPort = loadEmulatorPort();
  await trustEmulatorCertificate(dataDir);
  const emulator = await startEmulator({ dataDir, port: emulatorPort }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE' ? emulatorPortTaken(error) : error;
  });
  const env = {
    ENTRA_AUTHORITY_HOST: emulator.url,
    ENTRA_CLIENT_ID: CRM_APP_ID,
    ENTRA_CLIENT_SECRET: 'crm-local-client-secret',
    ENTRA_APP_ID_URI: `api://crm.localhost/${CRM_APP_ID}`,
    GRAPH_BASE_URL: emulator.url,
    ...process.env,
  };
  // The seed's Teams bot, with the emulator as Teams; msal is routed to it (the Agents SDK sets no knownAuthorities).
  process.env.BOT_APP_ID ??= CRM_BOT_APP_ID;
  process.env.BOT_APP_SECRET ??= 'crm-bot-local-secret';
  process.env.BOT_TENANT_ID ??= emulator.seed.bots?.[0]?.tenantId ?? '';
  // The Agents Playground on this machine may talk to it without a channel token (npm run playground).
  process.env.BOT_PLAYGROUND ??= 'true';
  routeInstanceDiscovery(emulator.url);
  // The whole suite in one process: the API and the job workers.
  const config = { ...loadConfig(env), role: 'all' as const };
  // The Outlook add-in's pane is served from its build: built now when its sources changed.
  if (await ensureAddinBuilt({ quiet: true })) process.stdout.write('Built the Outlook add-in task pane.\n');
  if (await ensureWebAppBuilt({ quiet: true })) process.stdout.write('Built the web app.\n');
  const backend = await startBackend(config, {
    beforeListen: (orm) =>
      seedDemoData(orm, CRM_APP_ID, emulator.seed.tenants).then(() => seedContactsDemo(orm).then(() => undefined)),
  });
  const apiUrl = backend.apiUrl ?? '';
  emulator.teams.setMessagingEndpoint(`${apiUrl}/messages`);
  stopOnSignals(async () => {
    await backend.stop();
    await emulator.stop();
  }, config.shutdownTimeoutMs);
  const line = (label: string, value: string) => `  ${label.padEnd(24)}${value}`;
  process.stdout.write(
    [
      '',
      'CRM for Microsoft 365 is running.',
      line('API', apiUrl),
      line('API description', `${apiUrl}/openapi.json`),
      line('Microsoft 365 emulator', emulator.url),
      line('Demo users', 'npm run token -- --list'),
      line('Web app and Teams tab', `${apiUrl.replace(/\/api$/, '')}/app/`),
      line('Teams bot', `${apiUrl}/messages (talk to it: npm run playground)`),
      line('Outlook add-in (try it)', addinTryUrl(apiUrl.replace(/\/api$/, ''), demoMailSender())),
      line(
        'Try it',
        `curl -H "Authorization: Bearer $(npm run -s token -- anna.schmidt@contoso.example)" ${apiUrl}/v1/me`,
      ),
      '',
      '',
    ].join('\n'),
  );
} catch (error) {
  reportStartFailure(error);
}
