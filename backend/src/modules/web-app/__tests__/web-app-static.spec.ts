// The web app under /app/: a client route (a deep link, a reload) gets the app's page, hashed
// assets are cached for a year, the page may be framed by Teams, and what is no file says so.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Koa from 'koa';
import helmet from 'koa-helmet';
import supertest from 'supertest';
import { loadConfig } from '../../../config.ts';
import { requestContext } from '../../../http/request-context.ts';
import { createLogger } from '../../../logger.ts';
import { serveWebApp } from '../web-app.static.ts';

const config = loadConfig({
  ENTRA_CLIENT_ID: 'ce845856-9ad9-492b-b63b-33f4f6ce7418',
  ENTRA_APP_ID_URI: 'api://crm.example.com/ce845856-9ad9-492b-b63b-33f4f6ce7418',
  ENTRA_AUTHORITY_HOST: 'https://login.example.com',
  PUBLIC_URL: 'https://crm.example.com',
  TAB_HOST_ORIGINS: 'https://teams.contoso.example/, http://127.0.0.1:4100',
  LOG_LEVEL: 'silent',
  LOG_FORMAT: 'json',
});

function appServing(dir: string) {
  const app = new Koa();
  app.use(requestContext(createLogger(config)));
  app.use(helmet());
  app.use(serveWebApp(config, { dir }));
  app.use((ctx) => {
    ctx.body = { passedOn: ctx.path };
  });
  return supertest(app.callback());
}

describe('the web app under /app/', () => {
  let dir: string;
  let http: ReturnType<typeof supertest>;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crm-web-app-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>CRM app</title>');
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1);');
    http = appServing(dir);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens a record's page from a deep link: every client route gets the app, framable by Teams", async () => {
    for (const route of ['/app/', '/app/records/person/0190f3c4-0000-7000-8000-000000000001', '/app/lists/deal']) {
      const res = await http.get(route);
      expect(res.status).toBe(200);
      expect(res.text).toContain('CRM app');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['x-frame-options']).toBeUndefined();
      expect(res.headers['content-security-policy']).toContain('frame-ancestors');
      expect(res.headers['content-security-policy']).toContain('https://teams.microsoft.com');
      // The hosts configured besides Microsoft's may frame it too.
      expect(res.headers['content-security-policy']).toMatch(
        /frame-ancestors [^;]* https:\/\/teams\.contoso\.example http:\/\/127\.0\.0\.1:4100;/,
      );
    }
    expect((await http.get('/app')).status).toBe(302);
  });

  it('caches hashed assets for a year and answers missing files with a problem', async () => {
    const asset = await http.get('/app/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const missing of ['/app/assets/none.js', '/app/%2e%2e/package.json', '/app/.env.json']) {
      const res = await http.get(missing);
      expect(res.status).toBe(404);
      expect(res.type).toBe('application/problem+json');
    }
    expect((await http.post('/app/')).status).toBe(405);
    expect((await http.get('/apps')).body).toEqual({ passedOn: '/apps' });
  });

  it('refuses a host origin that is none, naming the variable', () => {
    expect(() =>
      loadConfig({ ENTRA_CLIENT_ID: 'ce845856-9ad9-492b-b63b-33f4f6ce7418', TAB_HOST_ORIGINS: 'teams.contoso' }),
    ).toThrow(/TAB_HOST_ORIGINS must be a comma-separated list of origins/);
  });

  it('gives the app its sign-in settings and the hosts it may trust', async () => {
    const res = await http.get('/app/config.json');
    expect(res.body).toEqual({
      clientId: 'ce845856-9ad9-492b-b63b-33f4f6ce7418',
      authority: 'https://login.example.com/organizations',
      knownAuthorities: ['login.example.com'],
      scopes: ['api://crm.example.com/ce845856-9ad9-492b-b63b-33f4f6ce7418/access_as_user'],
      apiBase: 'https://crm.example.com/api',
      hostOrigins: ['https://teams.contoso.example', 'http://127.0.0.1:4100'],
    });
  });
});
