// Sends one file of a front end's vite build (the Outlook pane, the web app): hashed assets cached
// for a year, everything else revalidated by ETag, precompressed .br/.gz sent when the browser
// takes them. Only files inside the build, of known types, never dot files or source maps.
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context, Middleware } from 'koa';
import type { Text } from './language.ts';
import { problem } from './problems.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function cacheControlOf(relative: string): string {
  // vite names every asset by its content hash: such a URL never changes its content.
  if (relative.startsWith('assets/')) return 'public, max-age=31536000, immutable';
  if (relative.endsWith('.png') || relative.endsWith('.ico')) return 'public, max-age=86400';
  return 'no-cache';
}

function preferredEncoding(accept: string): ('br' | 'gzip')[] {
  const offered = accept.toLowerCase();
  const takes = (name: string) => new RegExp(`(^|[,\\s])${name}(?!;q=0(\\.0+)?(\\s|,|$))`).test(offered);
  return [...(takes('br') ? (['br'] as const) : []), ...(takes('gzip') ? (['gzip'] as const) : [])];
}

/** Whether `relative` names a file the build may serve (inside it, of a known type, no dot files, no maps). */
export function servableFile(dir: string, relative: string): string | null {
  const file = path.resolve(dir, relative);
  const extension = path.extname(file);
  if (
    !file.startsWith(`${dir}${path.sep}`) ||
    relative.split('/').some((segment) => segment.startsWith('.')) ||
    !(extension in CONTENT_TYPES)
  ) {
    return null;
  }
  return file;
}

/** Answers with the build's file at `relative` (under `dir`); false when there is no such file to serve. */
export async function sendBuiltFile(ctx: Context, dir: string, relative: string): Promise<boolean> {
  const file = servableFile(dir, relative);
  if (!file) return false;
  const found = await stat(file).catch(() => null);
  if (!found?.isFile()) return false;

  let sent = file;
  let size = found.size;
  let encoding: string | null = null;
  if (/\.(js|css|html|json|svg|txt)$/.test(file)) {
    ctx.vary('Accept-Encoding');
    for (const candidate of preferredEncoding(ctx.get('accept-encoding'))) {
      const compressed = `${file}.${candidate === 'br' ? 'br' : 'gz'}`;
      const compressedStat = await stat(compressed).catch(() => null);
      if (compressedStat?.isFile()) {
        sent = compressed;
        size = compressedStat.size;
        encoding = candidate;
        break;
      }
    }
  }
  const etag = `W/"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}${encoding ? `-${encoding}` : ''}"`;
  ctx.set('Cache-Control', cacheControlOf(path.relative(dir, file).split(path.sep).join('/')));
  ctx.set('ETag', etag);
  ctx.set('Last-Modified', found.mtime.toUTCString());
  ctx.type = CONTENT_TYPES[path.extname(file)] as string;
  if (encoding) ctx.set('Content-Encoding', encoding);
  const noneMatch = ctx.get('if-none-match');
  if (noneMatch?.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    ctx.status = 304;
    return true;
  }
  ctx.status = 200;
  ctx.length = size;
  // Koa answers HEAD with the headers alone.
  if (ctx.method === 'GET') ctx.body = createReadStream(sent);
  return true;
}

export interface BuiltFrontEnd {
  /** Where it is served, without the trailing slash (`/app`). */
  prefix: string;
  /** The vite build's folder. */
  dir: string;
  /** How problems name it ("The web app", "Die Web-App"). */
  name: Text;
  /** What builds it, for the 503 while it is not built. */
  buildCommand: string;
  contentSecurityPolicy: string;
  /** Served as `{prefix}/config.json`, never cached. */
  config: unknown;
  /** Paths without a file extension are the front end's own routes: they get index.html. */
  clientRoutes?: boolean;
}

/**
 * Serves a front end's build under its prefix: GET and HEAD only, framable by the Microsoft 365 hosts its
 * Content-Security-Policy names, its configuration as config.json, and a 503 while it is not built.
 */
export function serveBuiltFrontEnd(frontEnd: BuiltFrontEnd): Middleware {
  const { prefix, name } = frontEnd;
  const dir = path.resolve(frontEnd.dir);
  const configBody = `${JSON.stringify(frontEnd.config, null, 2)}\n`;
  const noSuchFile = (requestPath: string) => problem('no_such_front_end_file', { frontEnd: name, path: requestPath });

  return async (ctx, next) => {
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
    if (ctx.path === prefix) {
      ctx.redirect(`${prefix}/`);
      return;
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      throw problem(
        'method_not_allowed',
        { method: ctx.method, path: ctx.path, allowed: 'GET' },
        { headers: { Allow: 'GET, HEAD' } },
      );
    }
    // Framed by Microsoft 365 hosts and opening the sign-in popup: no X-Frame-Options, no COOP
    // (msal's popup reports back to its opener), and the front end's own CSP.
    ctx.remove('X-Frame-Options');
    ctx.remove('Cross-Origin-Opener-Policy');
    ctx.set('Content-Security-Policy', frontEnd.contentSecurityPolicy);
    ctx.set('X-Content-Type-Options', 'nosniff');

    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path.slice(prefix.length + 1));
    } catch {
      throw noSuchFile(ctx.path);
    }
    if (relative === 'config.json') {
      ctx.set('Cache-Control', 'no-cache');
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = configBody;
      return;
    }
    if (!existsSync(path.join(dir, 'index.html'))) {
      throw problem(
        'front_end_not_built',
        { frontEnd: name, command: frontEnd.buildCommand },
        { headers: { 'Retry-After': '30' } },
      );
    }
    const clientRoute = frontEnd.clientRoutes === true && path.extname(relative) === '';
    const file = relative === '' || clientRoute ? 'index.html' : relative;
    if (!(await sendBuiltFile(ctx, dir, file))) throw noSuchFile(ctx.path);
  };
}
