// Runs the emulator on its own: M365_EMULATOR_PORT (default 3443), DATA_DIR (default .data).
import { startEmulator } from './index.ts';

const portText = process.env.M365_EMULATOR_PORT || '3443';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`M365_EMULATOR_PORT must be a port number from 0 to 65535, not '${portText}'.`);
  process.exit(1);
}

const emulator = await startEmulator({ port, dataDir: process.env.DATA_DIR || '.data' });
console.log(`M365 emulator listening on ${emulator.url}`);
console.log(`Trust its certificate with NODE_EXTRA_CA_CERTS=${emulator.caCertPath}`);

const stop = (): void => {
  emulator.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
