// Serves the Outlook add-in's task pane (the vite build in addin-outlook/dist) under /addin/, and
// its configuration as /addin/config.json. Hashed assets are cached for a year; pages, the
// configuration and icons are revalidated (ETag). Precompressed .br/.gz files are sent when the
// browser takes them. The pages may be framed by Outlook on the web, open the sign-in popup and
// talk to the configured authority; their Content-Security-Policy allows exactly that.
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import type { Config } from '../../config.ts';
import { AppError } from '../../http/errors.ts';

export const ADDIN_PREFIX = '/addin';
export const DEFAULT_ADDIN_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'addin-outlook',
  'dist',
);

/** The largest attachment the pane offers to file; the documents store refuses larger ones (413). */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** Where Outlook on the web, new Outlook and Microsoft 365 host add-in panes in a frame. */
const OFFICE_FRAME_ANCESTORS = [
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://outlook.live.com',
  'https://outlook.cloud.microsoft',
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.outlook.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft365.com',
];
const OFFICE_JS_ORIGIN = 'https://appsforoffice.microsoft.com';

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
  '.map': 'application/json; charset=utf-8',
};

export interface AddinPaneConfig {
  clientId: string;
  authority: string;
  knownAuthorities: string[];
  scopes: string[];
  apiBase: string;
  recordUrl: string;
  maxAttachmentBytes: number;
}

/** What the pane needs to sign in and call the API, from the backend's own configuration. */
export function paneConfigOf(config: Config): AddinPaneConfig {
  const { entra } = config;
  const appIdUri = entra.audiences.find((audience) => audience !== entra.clientId) ?? `api://${entra.clientId}`;
  const base = config.publicUrl ?? '';
  return {
    clientId: entra.clientId,
    authority: `${entra.authorityHost}/organizations`,
    knownAuthorities: [new URL(entra.authorityHost).host],
    scopes: [`${appIdUri}/access_as_user`],
    apiBase: `${base}/api`,
    recordUrl: `${base}/tab/#/records/{type}/{id}`,
    // The documents store's limit (DOCUMENT_MAX_BYTES) where the backend has one.
    maxAttachmentBytes:
      (config as Config & { documentMaxBytes?: number }).documentMaxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
  };
}

export function contentSecurityPolicy(config: Config): string {
  const authority = new URL(config.entra.authorityHost).origin;
  const api = config.publicUrl ? new URL(config.publicUrl).origin : '';
  return [
    "default-src 'self'",
    `script-src 'self' ${OFFICE_JS_ORIGIN}`,
    // Fluent UI writes its atomic CSS at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${api} ${authority} ${OFFICE_JS_ORIGIN}`.replace(/\s+/g, ' '),
    // msal renews tokens in a hidden frame of the authority; office.js may frame its host pages.
    `frame-src ${authority} ${OFFICE_JS_ORIGIN}`,
    `form-action 'self' ${authority}`,
    `frame-ancestors 'self' ${OFFICE_FRAME_ANCESTORS.join(' ')}`,
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

const notFound = (requestPath: string) =>
  new AppError({
    status: 404,
    code: 'not_found',
    title: 'Not found',
    detail: `The add-in has no file at ${requestPath}.`,
  });

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

export function serveAddin(config: Config, options: { dir?: string } = {}): Middleware {
  const dir = path.resolve(options.dir ?? DEFAULT_ADDIN_DIR);
  const csp = contentSecurityPolicy(config);
  const paneConfig = `${JSON.stringify(paneConfigOf(config), null, 2)}\n`;

  return async (ctx, next) => {
    if (ctx.path !== ADDIN_PREFIX && !ctx.path.startsWith(`${ADDIN_PREFIX}/`)) return next();
    if (ctx.path === ADDIN_PREFIX) {
      ctx.redirect(`${ADDIN_PREFIX}/`);
      return;
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      throw new AppError({
        status: 405,
        code: 'method_not_allowed',
        title: 'Method not allowed',
        detail: `${ctx.method} is not allowed on ${ctx.path}; the add-in's files are read with GET.`,
        headers: { Allow: 'GET, HEAD' },
      });
    }
    // The pages are framed by Outlook and open the sign-in popup: no X-Frame-Options, no COOP
    // (msal's popup reports back to its opener), and a CSP written for the pane.
    ctx.remove('X-Frame-Options');
    ctx.remove('Cross-Origin-Opener-Policy');
    ctx.set('Content-Security-Policy', csp);
    ctx.set('X-Content-Type-Options', 'nosniff');

    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path.slice(ADDIN_PREFIX.length + 1));
    } catch {
      throw notFound(ctx.path);
    }
    if (relative === '') relative = 'index.html';
    if (relative === 'config.json') {
      ctx.set('Cache-Control', 'no-cache');
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = paneConfig;
      return;
    }
    const file = path.resolve(dir, relative);
    const extension = path.extname(file);
    if (
      !file.startsWith(`${dir}${path.sep}`) ||
      relative.split('/').some((segment) => segment.startsWith('.')) ||
      !(extension in CONTENT_TYPES) ||
      extension === '.map'
    ) {
      throw notFound(ctx.path);
    }
    if (!existsSync(path.join(dir, 'index.html'))) {
      throw new AppError({
        status: 503,
        code: 'addin_not_built',
        title: 'The Outlook add-in is not built',
        detail: 'The task pane has not been built on this server: run `npm run build -w addin-outlook`, then reload.',
        headers: { 'Retry-After': '30' },
      });
    }
    const found = await stat(file).catch(() => null);
    if (!found?.isFile()) throw notFound(ctx.path);

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
    ctx.set('Cache-Control', cacheControlOf(relative));
    ctx.set('ETag', etag);
    ctx.set('Last-Modified', found.mtime.toUTCString());
    ctx.type = CONTENT_TYPES[extension] as string;
    if (encoding) ctx.set('Content-Encoding', encoding);
    const noneMatch = ctx.get('if-none-match');
    if (noneMatch?.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
      ctx.status = 304;
      return;
    }
    ctx.status = 200;
    ctx.length = size;
    // Koa answers HEAD with the headers alone.
    if (ctx.method === 'GET') ctx.body = createReadStream(sent);
  };
}
