// `npm run playground -- [user@domain]`: the Microsoft 365 Agents Playground as the demo user (Anna
// Schmidt by default) in a personal chat with the bot of the running `npm start`, offline.
import { parseArgs } from 'node:util';
import { CRM_BOT_APP_ID, emulatorClient } from '@crm/m365-emulator';
import { playgroundConfig, startPlayground } from './agents-playground.ts';
import { localDataDir, trustEmulatorCertificate } from './trust-emulator.ts';

const dataDir = localDataDir();
await trustEmulatorCertificate(dataDir);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '56150' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help || positionals.length > 1) {
  process.stdout.write('usage: npm run playground -- [user@domain] [--port 56150]\n');
  process.exit(values.help ? 0 : 2);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const emulatorUrl = process.env.M365_EMULATOR_URL || `https://localhost:${process.env.M365_EMULATOR_PORT || 3443}`;
const apiUrl = process.env.CRM_API_URL || `http://localhost:${process.env.PORT || 3000}/api`;
const username = (positionals[0] ?? 'anna.schmidt@contoso.example').toLowerCase();
const tenants = await emulatorClient(emulatorUrl)
  .listTenants()
  .catch((error: Error) =>
    fail(
      `The Microsoft 365 emulator at ${emulatorUrl} does not answer (${error.message}); start it with \`npm start\`.`,
    ),
  );
const tenant = tenants.find((candidate) => candidate.users.some((user) => user.userPrincipalName === username));
const user = tenant?.users.find((candidate) => candidate.userPrincipalName === username);
if (!tenant || !user) fail(`There is no demo user ${username}; \`npm run token -- --list\` shows them.`);

const bot = { appId: process.env.BOT_APP_ID || CRM_BOT_APP_ID, name: 'CRM' };
const playground = await startPlayground({
  endpoint: `${apiUrl}/messages`,
  dir: `${dataDir}/agents-playground`,
  config: playgroundConfig(tenant, user, bot),
  port: Number(values.port),
  openBrowser: true,
  echo: process.stdout,
}).catch((error: Error) => fail(error.message));
process.stdout.write(
  `Agents Playground as ${user.displayName} (${tenant.displayName}) on ${playground.url}, talking to ${apiUrl}/messages.\n` +
    'npm start must run (it sets BOT_PLAYGROUND); write "hilfe" or "meine Aufgaben". Ctrl+C ends it.\n',
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void playground.stop());
playground.process.on('exit', (code) => process.exit(code ?? 0));
