// Serves the web app (the vite build in tab-web/dist), which is also the Teams tab, under /app/,
// and its sign-in settings as /app/config.json. Client routes (/app/records/person/…) get
// index.html, so a deep link or a reload lands on the page it names. The app may be framed by
// Teams, Outlook and the Microsoft 365 app (where they host Teams tabs) and opens the sign-in popup.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import type { Config } from '../../config.ts';
import { serveBuiltFrontEnd } from '../../http/static-files.ts';

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

export interface WebAppConfig {
  clientId: string;
  authority: string;
  knownAuthorities: string[];
  scopes: string[];
  apiBase: string;
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
    `connect-src 'self' ${api} ${authority}`.replace(/\s+/g, ' '),
    // msal renews tokens in a hidden frame of the authority.
    `frame-src ${authority}`,
    `form-action 'self' ${authority}`,
    `frame-ancestors 'self' ${TAB_FRAME_ANCESTORS.join(' ')}`,
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

export function serveWebApp(config: Config, options: { dir?: string } = {}): Middleware {
  return serveBuiltFrontEnd({
    prefix: WEB_APP_PREFIX,
    dir: options.dir ?? DEFAULT_WEB_APP_DIR,
    name: { en: 'The web app', de: 'Die Web-App' },
    buildCommand: 'npm run build -w tab-web',
    contentSecurityPolicy: contentSecurityPolicy(config),
    config: webAppConfigOf(config),
    // A path without a file extension is one of the app's own routes (a deep link, a reload): the app shows it.
    clientRoutes: true,
  });
}
