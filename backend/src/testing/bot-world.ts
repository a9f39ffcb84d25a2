// A bot test's (or bench's) world: its own in-process emulator (Teams sends to one messaging endpoint, so test
// files must not share one), the real app on that emulator listening on a port, and the Agents SDK's
// msal routed to the emulator (routeInstanceDiscovery: the SDK gives no knownAuthorities).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  CRM_BOT_APP_ID,
  type InstanceDiscoveryRoute,
  type RunningEmulator,
  routeInstanceDiscovery,
  startEmulator,
} from '@crm/m365-emulator';
import { createTestApp, type TestApp, type TestAppOptions } from './test-app.ts';

export const BOT_HOME_TENANT = '2915dd98-a414-4355-95ee-b9051f65d6d7';

export interface BotWorld {
  emulator: RunningEmulator;
  app: TestApp;
  /** The bot's messaging endpoint (the app's /api/messages on its port). */
  endpoint: string;
  close(): Promise<void>;
}

export async function startBotWorld(options: TestAppOptions = {}): Promise<BotWorld> {
  const trusted = process.env.NODE_EXTRA_CA_CERTS as string;
  const emulator = await startEmulator({ dataDir: path.dirname(path.dirname(trusted)) });
  process.env.M365_EMULATOR_URL = emulator.url;
  process.env.BOT_APP_ID = CRM_BOT_APP_ID;
  process.env.BOT_APP_SECRET = 'crm-bot-local-secret';
  process.env.BOT_TENANT_ID = BOT_HOME_TENANT;
  const discovery: InstanceDiscoveryRoute = routeInstanceDiscovery(emulator.url);
  const app = await createTestApp(options);
  const server: Server = createServer(app.app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  emulator.teams.setMessagingEndpoint(endpoint);
  return {
    emulator,
    app,
    endpoint,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      discovery.restore();
      await emulator.stop();
    },
  };
}
