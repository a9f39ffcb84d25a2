// Builds a front end (the Outlook pane, the web app) with vite into its dist/, precompresses it for
// the backend (gzip and brotli next to each file) and stamps the build with a hash of its sources,
// so `--if-stale` (npm start, the browser tests) builds only when the sources changed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = /\.(js|css|html|json|svg|txt)$/;
/** What every front end's build reads from here. */
const sharedDir = path.dirname(fileURLToPath(import.meta.url));

export interface FrontEnd {
  /** Its folder (the workspace), holding vite.config.ts, src/, public/ and its pages. */
  dir: string;
  /** The URL prefix the backend serves it under, e.g. /addin/. */
  base: string;
  /** Its HTML pages and other files at the top that the build reads. */
  topFiles: readonly string[];
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(full) : [full];
    })
    .sort();
}

export function spaBuild(frontEnd: FrontEnd) {
  const distDir = path.join(frontEnd.dir, 'dist');
  const stampFile = path.join(distDir, 'build-info.json');

  /** A hash of everything the build reads (dependencies come with package.json). */
  function sourceHash(): string {
    const hash = createHash('sha256');
    const inputs = [
      ...filesUnder(path.join(frontEnd.dir, 'src')),
      ...filesUnder(path.join(frontEnd.dir, 'public')),
      ...filesUnder(sharedDir),
      ...[...frontEnd.topFiles, 'vite.config.ts', 'build.ts', 'package.json'].map((name) =>
        path.join(frontEnd.dir, name),
      ),
    ];
    for (const file of inputs) {
      if (!existsSync(file)) continue;
      hash.update(path.relative(frontEnd.dir, file));
      hash.update(readFileSync(file));
    }
    return hash.digest('hex');
  }

  function isStale(): boolean {
    if (!existsSync(stampFile)) return true;
    try {
      return (JSON.parse(readFileSync(stampFile, 'utf8')) as { sourceHash?: string }).sourceHash !== sourceHash();
    } catch {
      return true;
    }
  }

  /** The JavaScript a page loads before it can run: its module script and the chunks it preloads. */
  function initialScriptsOf(page = 'index.html'): string[] {
    const html = readFileSync(path.join(distDir, page), 'utf8');
    const urls = [
      ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
      ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
    ].map((match) => match[1] as string);
    return [...new Set(urls)].filter((url) => url.startsWith(frontEnd.base));
  }

  /** Bytes of the page's initial JavaScript, gzipped as the backend serves it. */
  function initialScriptBytes(page = 'index.html'): { raw: number; gzip: number; files: number } {
    let raw = 0;
    let gzip = 0;
    const scripts = initialScriptsOf(page);
    for (const url of scripts) {
      const file = path.join(distDir, url.slice(frontEnd.base.length));
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

  async function build(options: { quiet?: boolean } = {}): Promise<void> {
    const hash = sourceHash();
    // vite takes NODE_ENV from the environment when it is set: under jest (NODE_ENV=test) it would
    // bundle React's development build, three times slower and a third larger.
    // It is put back afterwards: `npm start` builds in the process that then runs the backend,
    // which must not take itself for production (the bot refuses the Playground there).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const vite = await import('vite');
      await vite.build({
        configFile: path.join(frontEnd.dir, 'vite.config.ts'),
        mode: 'production',
        logLevel: options.quiet ? 'warn' : 'info',
      });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    precompress();
    writeFileSync(stampFile, `${JSON.stringify({ sourceHash: hash, builtAt: new Date().toISOString() }, null, 2)}\n`);
  }

  /** Builds when the sources changed since the last build; true when it built. */
  async function ensureBuilt(options: { quiet?: boolean } = {}): Promise<boolean> {
    if (!isStale()) return false;
    await build(options);
    return true;
  }

  /** The command line of a front end's build.ts: `--if-stale` builds only when needed. */
  async function main(label: string): Promise<void> {
    let built = true;
    if (process.argv.includes('--if-stale')) built = await ensureBuilt();
    else await build();
    if (!built) {
      process.stdout.write(`${label} build is up to date.\n`);
      return;
    }
    const size = initialScriptBytes();
    process.stdout.write(
      `${label} built into ${path.relative(process.cwd(), distDir)}: initial JavaScript ${(size.gzip / 1024).toFixed(1)} kB gzipped (${(size.raw / 1024).toFixed(1)} kB raw, ${size.files} files)\n`,
    );
  }

  return { distDir, sourceHash, isStale, initialScriptsOf, initialScriptBytes, build, ensureBuilt, main };
}
