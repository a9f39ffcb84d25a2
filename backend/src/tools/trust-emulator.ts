// Node reads NODE_EXTRA_CA_CERTS only at start-up. A tool that talks to the local Microsoft 365
// emulator runs itself again with the emulator's certificate trusted, when it is not already.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureCertificate } from '@crm/m365-emulator';

/** The data directory of the local suite: DATA_DIR, or `.data`. */
export const localDataDir = (): string => path.resolve(process.env.DATA_DIR || '.data');

/**
 * Resolves when this process trusts the emulator's certificate. Otherwise runs this same command
 * again in a child process that does, passes signals on, exits with its code, and never resolves.
 */
export async function trustEmulatorCertificate(dataDir: string): Promise<void> {
  const { certPath } = await ensureCertificate(dataDir);
  if (process.env.NODE_EXTRA_CA_CERTS === certPath) return;
  const child = spawn(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return new Promise<void>(() => undefined);
}
