// Starts an emulator whose certificate this process trusts. `npm run jest` starts jest with
// NODE_EXTRA_CA_CERTS=<root>/.data/m365-emulator/cert.pem (Node reads it only at start-up), so the
// emulator here uses that data directory and so that certificate: fetch, msal-node and the Graph
// client then trust it exactly as the backend's processes do.
import path from 'node:path';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../index.ts';

export function trustedDataDir(): string {
  const trusted = process.env.NODE_EXTRA_CA_CERTS;
  if (!trusted || path.basename(trusted) !== 'cert.pem' || path.basename(path.dirname(trusted)) !== 'm365-emulator') {
    throw new Error(
      'NODE_EXTRA_CA_CERTS must name <dataDir>/m365-emulator/cert.pem: run the tests with `npm run jest`.',
    );
  }
  return path.dirname(path.dirname(trusted));
}

export async function startTrustedEmulator(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({ ...options, dataDir: trustedDataDir() });
  if (emulator.caCertPath !== process.env.NODE_EXTRA_CA_CERTS) {
    await emulator.stop();
    throw new Error(`The emulator's certificate ${emulator.caCertPath} is not the one this process trusts.`);
  }
  return emulator;
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export const CONTOSO = '2915dd98-a414-4355-95ee-b9051f65d6d7';
export const FABRIKAM = 'ca48fa65-6970-4136-b006-1ca9d5d9ef49';
export const NORTHWIND = '379b4817-f2cc-48a2-94c1-ae2fbfc7af8a';
export const ERP_CONNECTOR = { appId: '9c9a960f-9ab0-4e2a-ab8b-04b2e85cbe10', secret: 'erp-connector-local-secret' };
export const CRM_SECRET = 'crm-local-client-secret';
export const CRM_API_URI = 'api://crm.localhost/ce845856-9ad9-492b-b63b-33f4f6ce7418';
export const ANNA = 'anna.schmidt@contoso.example';
export const PASSWORD = 'Demo-Passw0rd!';
