// Builds the task pane into dist/ (vite), precompresses it for the backend (gzip and brotli next to
// each file) and stamps the build with a hash of its sources, so `--if-stale` (npm start, the
// browser tests) builds only when the sources changed since the last build.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
export const distDir = path.join(here, 'dist');
const stampFile = path.join(distDir, 'build-info.json');
const COMPRESSIBLE = /\.(js|css|html|json|svg|txt)$/;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(full) : [full];
    })
    .sort();
}

/** A hash of everything the build reads from this workspace (dependencies come with package.json). */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const inputs = [
    ...filesUnder(path.join(here, 'src')),
    ...filesUnder(path.join(here, 'public')),
    ...['index.html', 'try.html', 'auth.html', 'vite.config.ts', 'build.ts', 'package.json'].map((name) =>
      path.join(here, name),
    ),
  ];
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash.update(path.relative(here, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

export function isStale(): boolean {
  if (!existsSync(stampFile)) return true;
  try {
    return (JSON.parse(readFileSync(stampFile, 'utf8')) as { sourceHash?: string }).sourceHash !== sourceHash();
  } catch {
    return true;
  }
}

/** The JavaScript a page loads before it can run: its module script and the chunks it preloads. */
export function initialScriptsOf(page = 'index.html'): string[] {
  const html = readFileSync(path.join(distDir, page), 'utf8');
  const urls = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((match) => match[1] as string);
  return [...new Set(urls)].filter((url) => url.startsWith('/addin/'));
}

/** Bytes of the page's initial JavaScript, gzipped as the backend serves it. */
export function initialScriptBytes(page = 'index.html'): { raw: number; gzip: number; files: number } {
  let raw = 0;
  let gzip = 0;
  const scripts = initialScriptsOf(page);
  for (const url of scripts) {
    const file = path.join(distDir, url.slice('/addin/'.length));
    raw += statSync(file).size;
    gzip += existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : gzipSync(readFileSync(file)).length;
  }
  return { raw, gzip, files: scripts.length };
}

function precompress(): void {
  for (const file of filesUnder(distDir)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const content = readFileSync(file);
    if (content.length < 512) continue;
    writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
}

export async function buildAddin(options: { quiet?: boolean } = {}): Promise<void> {
  const hash = sourceHash();
  // vite takes NODE_ENV from the environment when it is set: under jest (NODE_ENV=test) it would
  // bundle React's development build, three times slower and a third larger.
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({
    configFile: path.join(here, 'vite.config.ts'),
    mode: 'production',
    logLevel: options.quiet ? 'warn' : 'info',
  });
  precompress();
  writeFileSync(stampFile, `${JSON.stringify({ sourceHash: hash, builtAt: new Date().toISOString() }, null, 2)}\n`);
}

/** Builds when the sources changed since the last build; true when it built. */
export async function ensureBuilt(options: { quiet?: boolean } = {}): Promise<boolean> {
  if (!isStale()) return false;
  await buildAddin(options);
  return true;
}

const isEntryPoint = import.meta.url === `file://${process.argv[1]}`;
if (isEntryPoint) {
  const ifStale = process.argv.includes('--if-stale');
  let built = true;
  if (ifStale) built = await ensureBuilt();
  else await buildAddin();
  if (built) {
    const size = initialScriptBytes();
    process.stdout.write(
      `Outlook add-in built into ${path.relative(process.cwd(), distDir)}: initial JavaScript ${(size.gzip / 1024).toFixed(1)} kB gzipped (${(size.raw / 1024).toFixed(1)} kB raw, ${size.files} files)\n`,
    );
  } else {
    process.stdout.write('Outlook add-in build is up to date.\n');
  }
}
