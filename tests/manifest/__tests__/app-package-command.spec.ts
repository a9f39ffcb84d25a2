// `npm run package` as an admin runs it, on a machine without internet: it writes the app package
// zip, whose manifest and both localizations are valid against the schemas @microsoft/app-manifest
// ships (the copy office-addin-manifest validates with), and whose icons have the sizes Teams
// requires: color 192 × 192, outline 32 × 32 in white on transparent.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { unzip, type ZipEntry } from '../../../manifests/zip.ts';
import { repoRoot } from '../../support/processes.ts';

/** @microsoft/app-manifest as office-addin-manifest (the validator `npm run package` runs) resolves it. */
const validatorRequire = createRequire(createRequire(import.meta.url).resolve('office-addin-manifest'));
const appManifest = validatorRequire('@microsoft/app-manifest') as {
  AppManifestUtils: { validateAgainstSchema(document: unknown, schema: unknown): Promise<string[]> };
};
/** ajv for draft-04 as @microsoft/app-manifest brings it along. */
const manifestRequire = createRequire(validatorRequire.resolve('@microsoft/app-manifest'));
const Ajv04 = manifestRequire('ajv-draft-04') as new (
  options: Record<string, unknown>,
) => {
  compile(
    schema: unknown,
  ): ((document: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] };
};
const addFormats = manifestRequire('ajv-formats') as (ajv: unknown, formats: string[]) => void;

/**
 * The localization schema's key patterns use `[` unescaped, which JavaScript accepts only outside
 * unicode mode: validated with ajv (draft 04) as app-manifest does, but with plain regular expressions.
 */
function localizationProblems(document: unknown, schema: unknown): string[] {
  const ajv = new Ajv04({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(schema);
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

const schemaOf = (name: string) => {
  const [, version] = /\/teams\/(v[\d.]+)\//.exec(name) ?? [];
  const file = path.join(
    path.dirname(validatorRequire.resolve('@microsoft/app-manifest/package.json')),
    'build',
    'json-schemas',
    'teams',
    version ?? '',
    path.basename(name),
  );
  return JSON.parse(readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as unknown;
};

interface Png {
  width: number;
  height: number;
  colorType: number;
  /** RGBA of (x, y); only for 8-bit RGBA images. */
  pixel(x: number, y: number): [number, number, number, number];
}

/** Reads a PNG: its header, and its pixels when they are 8-bit RGBA (undoing the row filters). */
function readPng(data: Buffer): Png {
  expect(data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  const colorType = data.readUInt8(25);
  const chunks: Buffer[] = [];
  for (let at = 8; at < data.length; ) {
    const length = data.readUInt32BE(at);
    if (data.toString('ascii', at + 4, at + 8) === 'IDAT') chunks.push(data.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] ?? 0;
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = x >= 4 ? (pixels[y * stride + x - 4] ?? 0) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = x >= 4 && y > 0 ? (pixels[(y - 1) * stride + x - 4] ?? 0) : 0;
      const paeth = () => {
        const p = left + up - upLeft;
        const [a, b, c] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return a <= b && a <= c ? left : b <= c ? up : upLeft;
      };
      const predicted = [0, left, up, (left + up) >> 1, paeth()][filter] ?? 0;
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  return {
    width,
    height,
    colorType,
    pixel: (x, y) => {
      const at = y * stride + x * 4;
      return [pixels[at] ?? 0, pixels[at + 1] ?? 0, pixels[at + 2] ?? 0, pixels[at + 3] ?? 0];
    },
  };
}

describe('npm run package, offline', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'crm-package-'));
  const attempts = path.join(scratch, 'network-attempts.log');
  let said: string;
  let entries: Map<string, Buffer>;

  beforeAll(async () => {
    writeFileSync(attempts, '');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const noNetwork = path.join(repoRoot, 'tests', 'manifest', 'support', 'no-network.ts');
    const { stdout } = await promisify(execFile)(npm, ['run', '--silent', 'package'], {
      cwd: repoRoot,
      timeout: 120_000,
      env: {
        ...process.env,
        PUBLIC_URL: 'https://crm.contoso.example',
        ENTRA_CLIENT_ID: 'ce845856-9ad9-492b-b63b-33f4f6ce7418',
        BOT_APP_ID: '3f1c7a52-8d0e-4b6a-9c3d-5e2f1a0b7c94',
        NO_NETWORK_LOG: attempts,
        // Reaches the validator's process too: it inherits the environment.
        NODE_OPTIONS: `--import=${noNetwork}`,
      },
    });
    said = stdout;
    const zipFile = path.join(repoRoot, 'manifests', 'dist', 'crm-for-microsoft-365.zip');
    entries = new Map((await unzip(readFileSync(zipFile))).map((entry: ZipEntry) => [entry.name, entry.content]));
  }, 150_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('says where the zip is, and reached for nothing beyond this machine', () => {
    expect(said).toContain('App manifest valid');
    expect(said).toContain('manifests/dist/crm-for-microsoft-365.zip');
    expect(readFileSync(attempts, 'utf8')).toBe('');
    expect([...entries.keys()].sort()).toEqual([
      'color.png',
      'de-de.json',
      'en-us.json',
      'manifest.json',
      'outline.png',
    ]);
  });

  it("validates the manifest and both localizations against @microsoft/app-manifest's schemas", async () => {
    const manifest = JSON.parse(String(entries.get('manifest.json'))) as { $schema: string; manifestVersion: string };
    expect(manifest.$schema).toMatch(/\/teams\/v1\.\d+\/MicrosoftTeams\.schema\.json$/);
    const schema = schemaOf(manifest.$schema);
    expect(await appManifest.AppManifestUtils.validateAgainstSchema(manifest, schema)).toEqual([]);
    for (const file of ['en-us.json', 'de-de.json']) {
      const localization = JSON.parse(String(entries.get(file))) as { $schema: string };
      expect(localization.$schema).toMatch(/\/teams\/v1\.\d+\/MicrosoftTeams\.Localization\.schema\.json$/);
      expect(localizationProblems(localization, schemaOf(localization.$schema))).toEqual([]);
    }
    // And a broken one is caught: the schema is really applied.
    const broken = { ...manifest, manifestVersion: 'neu', id: 'keine-guid' };
    expect((await appManifest.AppManifestUtils.validateAgainstSchema(broken, schema)).length).toBeGreaterThan(0);
    const tooLong = { ...JSON.parse(String(entries.get('de-de.json'))), 'name.short': 'x'.repeat(31) };
    expect(localizationProblems(tooLong, schemaOf(tooLong.$schema))).not.toEqual([]);
  });

  it('has a 192 × 192 color icon and a 32 × 32 outline icon, white on transparent', () => {
    const color = readPng(entries.get('color.png') ?? Buffer.alloc(0));
    expect({ width: color.width, height: color.height }).toEqual({ width: 192, height: 192 });
    const outline = readPng(entries.get('outline.png') ?? Buffer.alloc(0));
    expect({ width: outline.width, height: outline.height, colorType: outline.colorType }).toEqual({
      width: 32,
      height: 32,
      colorType: 6,
    });
    const seen = { transparent: 0, white: 0, other: [] as string[] };
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = outline.pixel(x, y);
        if (a === 0) seen.transparent++;
        else if (r === 255 && g === 255 && b === 255) seen.white++;
        else seen.other.push(`${x},${y}: ${r},${g},${b},${a}`);
      }
    }
    expect(seen.other).toEqual([]);
    expect(seen.transparent).toBeGreaterThan(0);
    expect(seen.white).toBeGreaterThan(0);
  });
});
