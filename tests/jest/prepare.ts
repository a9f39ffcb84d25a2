// Runs before jest: the emulator's TLS certificate must exist before any test process starts,
// because Node reads NODE_EXTRA_CA_CERTS (set by the npm script to this file) only at start-up.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCertificate } from '@crm/m365-emulator';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
await ensureCertificate(path.join(root, '.data'));
