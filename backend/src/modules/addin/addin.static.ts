// Serves the Outlook add-in's task pane (the vite build in addin-outlook/dist) under /addin/, and
// its configuration as /addin/config.json. Hashed assets are cached for a year; pages, the
// configuration and icons are revalidated (ETag). Precompressed .br/.gz files are sent when the
// browser takes them. The pages may be framed by Outlook on the web, open the sign-in popup and
// talk to the configured authority; their Content-Security-Policy allows exactly that.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import type { Config } from '../../config.ts';
import { serveBuiltFrontEnd } from '../../http/static-files.ts';

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
    recordUrl: `${base}/app/records/{type}/{id}`,
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

export function serveAddin(config: Config, options: { dir?: string } = {}): Middleware {
  return serveBuiltFrontEnd({
    prefix: ADDIN_PREFIX,
    dir: options.dir ?? DEFAULT_ADDIN_DIR,
    name: { en: 'The Outlook add-in', de: 'Das Outlook-Add-in' },
    buildCommand: 'npm run build -w addin-outlook',
    contentSecurityPolicy: contentSecurityPolicy(config),
    config: paneConfigOf(config),
  });
}
