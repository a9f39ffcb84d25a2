// `npm run token -- <user@domain>` prints an access token for the CRM API of a demo user, from the
// running local Microsoft 365 emulator through the resource-owner password grant (scripts only).
// `npm run token -- --list` lists the demo users with their organisation and roles.
import { parseArgs } from 'node:util';
import { CRM_APP_ID, emulatorClient } from '@crm/m365-emulator';
import { localDataDir, trustEmulatorCertificate } from './trust-emulator.ts';

await trustEmulatorCertificate(localDataDir());

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { list: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
});
const url = process.env.M365_EMULATOR_URL || `https://localhost:${process.env.M365_EMULATOR_PORT || 3443}`;
const emulator = emulatorClient(url);

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

if (values.help || (!values.list && positionals.length !== 1)) {
  process.stdout.write('usage: npm run -s token -- <user@domain>   |   npm run token -- --list\n');
  process.exit(values.help ? 0 : 2);
}

let tenants: Awaited<ReturnType<typeof emulator.listTenants>>;
try {
  tenants = await emulator.listTenants();
} catch (error) {
  fail(
    `The Microsoft 365 emulator at ${url} does not answer (${(error as Error).message}); start it with \`npm start\`.`,
  );
}

if (values.list) {
  for (const tenant of tenants) {
    process.stdout.write(`${tenant.displayName} (${tenant.id})\n`);
    for (const user of tenant.users) {
      const roles = user.appRoles.length > 0 ? user.appRoles.join(', ') : 'no CRM role';
      process.stdout.write(`  ${user.userPrincipalName.padEnd(36)} ${user.displayName.padEnd(18)} ${roles}\n`);
    }
  }
} else {
  const username = (positionals[0] ?? '').toLowerCase();
  const tenant = tenants.find((candidate) => candidate.users.some((user) => user.userPrincipalName === username));
  if (!tenant) fail(`There is no demo user ${username}; \`npm run token -- --list\` shows them.`);
  try {
    const token = await emulator.passwordToken({
      tenant: tenant.id,
      username,
      scope: `api://crm.localhost/${CRM_APP_ID}/access_as_user`,
    });
    process.stdout.write(`${token}\n`);
  } catch (error) {
    fail(`No token for ${username}: ${(error as Error).message}`);
  }
}
