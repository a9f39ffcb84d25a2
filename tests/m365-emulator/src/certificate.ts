// A self-signed TLS certificate for https://localhost, kept under the data directory and reused, so
// the processes that trust it through NODE_EXTRA_CA_CERTS (read at their start) find it in place.
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

const VALID_DAYS = 365;
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

export interface CertificateFiles {
  certPath: string;
  keyPath: string;
}

/**
 * Makes sure `${dataDir}/m365-emulator/{cert,key}.pem` hold a certificate for localhost that is valid
 * for at least a week and matches its key; writes a new pair otherwise. Returns the two paths.
 */
export async function ensureCertificate(dataDir: string): Promise<CertificateFiles> {
  const dir = join(dataDir, 'm365-emulator');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (isUsable(certPath, keyPath)) return { certPath, keyPath };
  mkdirSync(dir, { recursive: true });
  const { certPem, keyPem } = await createSelfSignedCertificate();
  // Written beside and renamed, so a process starting meanwhile never reads half a file.
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(keyPath + suffix, keyPem, { mode: 0o600 });
  writeFileSync(certPath + suffix, certPem);
  renameSync(keyPath + suffix, keyPath);
  renameSync(certPath + suffix, certPath);
  return { certPath, keyPath };
}

function isUsable(certPath: string, keyPath: string): boolean {
  if (!existsSync(certPath) || !existsSync(keyPath)) return false;
  try {
    const cert = new X509Certificate(readFileSync(certPath));
    const key = createPrivateKey(readFileSync(keyPath));
    const validTo = new Date(cert.validTo).getTime();
    return (
      validTo - Date.now() > RENEW_BEFORE_MS && cert.checkPrivateKey(key) && cert.checkHost('localhost') !== undefined
    );
  } catch {
    return false;
  }
}

export async function createSelfSignedCertificate(
  validDays = VALID_DAYS,
): Promise<{ certPem: string; keyPem: string }> {
  const now = Date.now();
  const pems = await generate(
    [
      { name: 'commonName', value: 'M365 emulator (localhost)' },
      { name: 'organizationName', value: 'CRM dev' },
    ],
    {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now - 24 * 3600 * 1000),
      notAfterDate: new Date(now + validDays * 24 * 3600 * 1000),
      extensions: [
        // A CA, so it can sit in a trust store (NODE_EXTRA_CA_CERTS) as its own root.
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    },
  );
  return { certPem: pems.cert, keyPem: pems.private };
}
