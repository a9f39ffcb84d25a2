import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createSelfSignedCertificate } from '../certificate.ts';
import { ensureCertificate } from '../index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
const newDataDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'm365-emulator-test-'));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the TLS certificate', () => {
  it('is made once for localhost and reused on later starts', async () => {
    const dataDir = newDataDir();
    const { certPath, keyPath } = await ensureCertificate(dataDir);
    expect(certPath).toBe(path.join(dataDir, 'm365-emulator', 'cert.pem'));
    const cert = new X509Certificate(readFileSync(certPath));
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(new Date(cert.validTo).getTime() - Date.now()).toBeGreaterThan(300 * 24 * 3600 * 1000);
    expect(cert.verify(cert.publicKey)).toBe(true);
    const before = readFileSync(certPath, 'utf8');
    await expect(ensureCertificate(dataDir)).resolves.toEqual({ certPath, keyPath });
    expect(readFileSync(certPath, 'utf8')).toBe(before);
  });

  it('is made anew when it is about to expire or does not match its key', async () => {
    const dataDir = newDataDir();
    const { certPath, keyPath } = await ensureCertificate(dataDir);
    const expiring = await createSelfSignedCertificate(2);
    writeFileSync(certPath, expiring.certPem);
    writeFileSync(keyPath, expiring.keyPem);
    await ensureCertificate(dataDir);
    expect(readFileSync(certPath, 'utf8')).not.toBe(expiring.certPem);

    writeFileSync(keyPath, (await createSelfSignedCertificate()).keyPem);
    const mismatched = readFileSync(certPath, 'utf8');
    await ensureCertificate(dataDir);
    expect(readFileSync(certPath, 'utf8')).not.toBe(mismatched);
  });
});

describe('the command line', () => {
  it('serves until SIGTERM, to processes that trust it through NODE_EXTRA_CA_CERTS', async () => {
    const dataDir = newDataDir();
    const emulator = spawn(process.execPath, [path.join(here, '..', 'main.ts')], {
      env: { ...process.env, M365_EMULATOR_PORT: '0', DATA_DIR: dataDir, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => emulator.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        emulator.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /M365 emulator listening on (https:\/\/localhost:\d+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        emulator.stderr.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        emulator.on('exit', () => reject(new Error(`the emulator exited: ${output}`)));
      });

      const script = `const r = await fetch(${JSON.stringify(`${url}/contoso.example/v2.0/.well-known/openid-configuration`)}); console.log((await r.json()).issuer);`;
      const client = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dataDir, 'm365-emulator', 'cert.pem'), NODE_OPTIONS: '' },
      });
      let printed = '';
      client.stdout.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
      });
      client.stderr.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
      });
      const clientCode = await new Promise<number | null>((resolve) => client.on('exit', resolve));
      expect(printed.trim()).toBe(`${url}/2915dd98-a414-4355-95ee-b9051f65d6d7/v2.0`);
      expect(clientCode).toBe(0);
    } finally {
      emulator.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
