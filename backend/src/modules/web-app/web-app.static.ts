// Serves the web app (the vite build in tab-web/dist), which is also the Teams tab, under /app/,
// and its sign-in settings as /app/config.json. Client routes (/app/records/person/…) get
// index.html, so a deep link or a reload lands on the page it names. The app may be framed by
// Teams, Outlook and the Microsoft 365 app (where they host Teams tabs) and opens the sign-in popup.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import type { Config } from '../../config.ts';
import { AppError } from '../../http/errors.ts';
import { sendBuiltFile } from '../../http/static-files.ts';

export const WEB_APP_PREFIX = '/app';
export const DEFAULT_WEB_APP_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'tab-web',
  'dist',
);

/** Where Teams, Outlook and the Microsoft 365 app host a personal tab in a frame. */
const TAB_FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://*.office.com',
  'https://*.microsoft365.com',
];

const TEAMS_JS_CDN = 'https://res.cdn.office.net';

export interface WebAppConfig {
  clientId: string;
  authority: string;
  knownAuthorities: string[];
  scopes: string[];
  apiBase: string;
  /** Hosts the tab trusts besides Microsoft's own, for teams-js' app.initialize (TAB_HOST_ORIGINS). */
  hostOrigins: string[];
}

/** What the app needs to sign in and call the API, from the backend's own configuration. */
export function webAppConfigOf(config: Config): WebAppConfig {
  const { entra } = config;
  const appIdUri = entra.audiences.find((audience) => audience !== entra.clientId) ?? `api://${entra.clientId}`;
  return {
    clientId: entra.clientId,
    authority: `${entra.authorityHost}/organizations`,
    knownAuthorities: [new URL(entra.authorityHost).host],
    scopes: [`${appIdUri}/access_as_user`],
    apiBase: `${config.publicUrl ?? ''}/api`,
    hostOrigins: [...config.tabHostOrigins],
  };
}

function contentSecurityPolicy(config: Config): string {
  const authority = new URL(config.entra.authorityHost).origin;
  const api = config.publicUrl ? new URL(config.publicUrl).origin : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Fluent UI writes its atomic CSS at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    // teams-js fetches Microsoft's current list of host origins from its CDN.
    `connect-src 'self' ${api} ${authority} ${TEAMS_JS_CDN}`.replace(/\s+/g, ' '),
    // msal renews tokens in a hidden frame of the authority.
    `frame-src ${authority}`,
    `form-action 'self' ${authority}`,
    `frame-ancestors 'self' ${[...TAB_FRAME_ANCESTORS, ...config.tabHostOrigins].join(' ')}`,
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

const notFound = (requestPath: string) =>
  new AppError({
    status: 404,
    code: 'not_found',
    title: 'Not found',
    detail: `The web app has no file at ${requestPath}.`,
  });

export function serveWebApp(config: Config, options: { dir?: string } = {}): Middleware {
  const dir = path.resolve(options.dir ?? DEFAULT_WEB_APP_DIR);
  const csp = contentSecurityPolicy(config);
  const appConfig = `${JSON.stringify(webAppConfigOf(config), null, 2)}\n`;

  return async (ctx, next) => {
    if (ctx.path !== WEB_APP_PREFIX && !ctx.path.startsWith(`${WEB_APP_PREFIX}/`)) return next();
    if (ctx.path === WEB_APP_PREFIX) {
      ctx.redirect(`${WEB_APP_PREFIX}/`);
      return;
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      throw new AppError({
        status: 405,
        code: 'method_not_allowed',
        title: 'Method not allowed',
        detail: `${ctx.method} is not allowed on ${ctx.path}; the web app's pages are read with GET.`,
        headers: { Allow: 'GET, HEAD' },
      });
    }
    // Framed by Teams and opening the sign-in popup: no X-Frame-Options, no COOP (msal's popup
    // reports back to its opener), and a CSP written for the app.
    ctx.remove('X-Frame-Options');
    ctx.remove('Cross-Origin-Opener-Policy');
    ctx.set('Content-Security-Policy', csp);
    ctx.set('X-Content-Type-Options', 'nosniff');

    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path.slice(WEB_APP_PREFIX.length + 1));
    } catch {
      throw notFound(ctx.path);
    }
    if (relative === 'config.json') {
      ctx.set('Cache-Control', 'no-cache');
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = appConfig;
      return;
    }
    if (!existsSync(path.join(dir, 'index.html'))) {
      throw new AppError({
        status: 503,
        code: 'web_app_not_built',
        title: 'The web app is not built',
        detail: 'The web app has not been built on this server: run `npm run build -w tab-web`, then reload.',
        headers: { 'Retry-After': '30' },
      });
    }
    // A path without a file extension is one of the app's own routes: the app shows it.
    const clientRoute = relative === '' || path.extname(relative) === '';
    if (!(await sendBuiltFile(ctx, dir, clientRoute ? 'index.html' : relative))) throw notFound(ctx.path);
  };
}
