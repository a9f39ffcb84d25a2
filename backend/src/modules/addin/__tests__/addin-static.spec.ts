import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Koa from 'koa';
import helmet from 'koa-helmet';
import supertest from 'supertest';
import { loadConfig } from '../../../config.ts';
import { requestContext } from '../../../http/request-context.ts';
import { createLogger } from '../../../logger.ts';
import { createTestApp, type TestApp } from '../../../testing/test-app.ts';
import { serveAddin } from '../addin.static.ts';

const config = loadConfig({
  ENTRA_CLIENT_ID: 'ce845856-9ad9-492b-b63b-33f4f6ce7418',
  ENTRA_APP_ID_URI: 'api://crm.example.com/ce845856-9ad9-492b-b63b-33f4f6ce7418',
  ENTRA_AUTHORITY_HOST: 'https://login.example.com',
  PUBLIC_URL: 'https://crm.example.com',
  LOG_LEVEL: 'silent',
  LOG_FORMAT: 'json',
});

/** The same order as the real app: problems, helmet, then the add-in. */
function appServing(dir: string) {
  const app = new Koa();
  app.use(requestContext(createLogger(config)));
  app.use(helmet());
  app.use(serveAddin(config, { dir }));
  app.use((ctx) => {
    ctx.body = { passedOn: ctx.path };
  });
  return supertest(app.callback());
}

describe('the add-in under /addin/', () => {
  let dir: string;
  let http: ReturnType<typeof supertest>;
  const script = `console.log(${JSON.stringify('x'.repeat(2000))});`;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crm-addin-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>CRM</title>');
    writeFileSync(path.join(dir, 'auth.html'), '<!doctype html><title>sign-in</title>');
    writeFileSync(path.join(dir, 'assets', 'main-abc123.js'), script);
    writeFileSync(path.join(dir, 'assets', 'main-abc123.js.gz'), gzipSync(script));
    writeFileSync(path.join(dir, 'assets', 'main-abc123.js.map'), '{}');
    writeFileSync(path.join(dir, 'icon-32.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    writeFileSync(path.join(dir, '.secret.html'), 'no');
    http = appServing(dir);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the pane so that Outlook may frame it and the sign-in popup can report back', async () => {
    const res = await http.get('/addin/');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<title>CRM</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['cross-origin-opener-policy']).toBeUndefined();
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'self' https://outlook.office.com");
    expect(csp).toContain("script-src 'self' https://appsforoffice.microsoft.com");
    expect(csp).toContain("connect-src 'self' https://crm.example.com https://login.example.com");
    expect(csp).toContain('frame-src https://login.example.com');
    expect((await http.get('/addin/auth.html')).headers['cross-origin-opener-policy']).toBeUndefined();
    expect((await http.get('/addin')).status).toBe(302);
  });

  it('caches hashed assets for a year, sends them precompressed, and answers revalidation with 304', async () => {
    const res = await http.get('/addin/assets/main-abc123.js').set('Accept-Encoding', 'gzip, deflate, br');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.vary).toContain('Accept-Encoding');
    expect(res.text).toBe(script); // supertest inflates
    const plain = await http.get('/addin/assets/main-abc123.js').set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(script.length);
    const again = await http
      .get('/addin/assets/main-abc123.js')
      .set('Accept-Encoding', 'identity')
      .set('If-None-Match', String(plain.headers.etag));
    expect(again.status).toBe(304);
    // Each encoding is its own representation with its own tag.
    expect(res.headers.etag).not.toBe(plain.headers.etag);
    const head = await http.head('/addin/icon-32.png');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('image/png');
    expect(head.headers['cache-control']).toBe('public, max-age=86400');
  });

  it('answers what it does not serve with a problem, and leaves other paths to the API', async () => {
    for (const missing of [
      '/addin/nothing.js',
      '/addin/assets/main-abc123.js.map',
      '/addin/.secret.html',
      '/addin/%2e%2e/package.json',
      '/addin/..%2fpackage.json',
    ]) {
      const res = await http.get(missing);
      expect(res.status).toBe(404);
      expect(res.type).toBe('application/problem+json');
    }
    const post = await http.post('/addin/index.html');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await http.get('/addinx')).body).toEqual({ passedOn: '/addinx' });
  });

  it('says how to build the pane when it is not built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'crm-addin-empty-'));
    try {
      const res = await appServing(empty).get('/addin/');
      expect(res.status).toBe(503);
      expect(res.body.detail).toContain('npm run build -w addin-outlook');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('gives the pane its sign-in and API settings from the backend configuration', async () => {
    const res = await http.get('/addin/config.json');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toEqual({
      clientId: 'ce845856-9ad9-492b-b63b-33f4f6ce7418',
      authority: 'https://login.example.com/organizations',
      knownAuthorities: ['login.example.com'],
      scopes: ['api://crm.example.com/ce845856-9ad9-492b-b63b-33f4f6ce7418/access_as_user'],
      apiBase: 'https://crm.example.com/api',
      recordUrl: 'https://crm.example.com/app/records/{type}/{id}',
      maxAttachmentBytes: 25 * 1024 * 1024,
    });
  });
});

describe('the add-in in the real app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is served without a token, with the emulator as authority, while the API still asks for one', async () => {
    const res = await t.http.get('/addin/config.json');
    expect(res.status).toBe(200);
    expect(res.body.authority).toBe(`${process.env.M365_EMULATOR_URL}/organizations`);
    expect(res.body.apiBase).toBe('/api');
    expect(res.headers['content-security-policy']).toContain(String(process.env.M365_EMULATOR_URL));
    expect((await t.http.get('/api/v1/me')).status).toBe(401);
  });
});
