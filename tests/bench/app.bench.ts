// The web app (#13's speed goals): its initial JavaScript (gzipped, as the backend serves it), page
// load to the start page with its data, page load to a 360° page with 50 entries in each of its
// sections, and what scrolling a 100,000-person list asks of the API, in headless chromium
// against `npm start` (demo data, signed in as Anna Schmidt; tokens from msal's cache, as on every
// opening of the app after the first).
//
// With DATABASE_URL the suite runs on that database and the list holds 100,000 persons (the demo's
// and generated ones); without it on the embedded database, where the list part is skipped.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CRM_APP_ID, emulatorClient } from '@crm/m365-emulator';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { backendOrmOptions } from '../../backend/src/database.ts';
import { CONTOSO_TENANT_ID, generateContacts, writeContacts } from '../../backend/src/demo/contacts-demo.ts';
import { ensureBuilt, initialScriptBytes } from '../../tab-web/build.ts';
import { CHROMIUM, launchChromium } from '../browser/support/chromium.ts';
import { signIn } from '../browser/support/web-app.ts';
import { repoRoot, spawnNode } from '../support/processes.ts';
import { printTable, type Stats, statsOf } from './measure.ts';
import { queryAsTenant } from './tenant-sql.ts';

const SIZE_BUDGET_GZIP = 350 * 1024;
const START_PAGE_BUDGET_MS = 1000;
const RECORD_PAGE_BUDGET_MS = 500;
const LIST_PERSONS = 100_000;
const PER_SECTION = 50;
const USER = { displayName: 'Anna Schmidt', upn: 'anna.schmidt@contoso.example' };

/** Loads `url` again and again (two warm-ups, then at least ten, as many as fit) and reads the mark. */
async function pageLoads(page: Page, url: string, mark: string, seconds: number): Promise<Stats> {
  const samples: number[] = [];
  const began = Date.now();
  for (let i = 0; samples.length < 10 || Date.now() - began < seconds * 1000; i++) {
    await page.goto(url);
    await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, `crm:${mark}`, {
      timeout: 60_000,
    });
    const shown = await page.evaluate((name) => performance.getEntriesByName(name)[0]?.startTime ?? -1, `crm:${mark}`);
    if (i >= 2) samples.push(shown);
    if (samples.length >= 200) break;
  }
  return statsOf(`page load → ${mark}`, samples, (Date.now() - began) / 1000);
}

/** The CRM API as Anna, through fetch. */
function apiAs(apiUrl: string, token: string) {
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${apiUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : ((await response.json()) as Record<string, unknown>);
  };
  return {
    get: (route: string) => call('GET', route),
    post: (route: string, body: unknown) => call('POST', route, body),
    async upload(route: string, name: string, bytes: Buffer) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
      const response = await fetch(`${apiUrl}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      if (!response.ok) throw new Error(`upload ${route}: ${response.status} ${await response.text()}`);
    },
  };
}

/** A person with PER_SECTION entries in each section of their 360° page; returns its id. */
async function personWithFullSections(api: ReturnType<typeof apiAs>): Promise<string> {
  const person = (
    await api.post('/v1/persons?confirm=duplicate', { firstName: 'Vollständig', lastName: `Bank ${Date.now()}` })
  )?.id as string;
  const on = [{ type: 'person', id: person }];
  const types = (await api.get('/v1/activity-types'))?.items as { id: string; systemKey?: string; key?: string }[];
  const meeting = types.find((type) => (type.systemKey ?? type.key) === 'meeting') ?? types[0];
  if (!meeting) throw new Error('no activity type');
  const pdf = (n: number) => Buffer.from(`%PDF-1.4\n% Angebot ${n}\n%%EOF\n`);
  // Ten at a time: the embedded database takes one transaction at a time anyway.
  for (let from = 0; from < PER_SECTION; from += 10) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, k) => {
        const n = from + k + 1;
        const organization = (
          await api.post('/v1/organizations?confirm=duplicate', { name: `Bankhaus ${n} Ganzseitig GmbH` })
        )?.id as string;
        await api.post('/v1/business-contacts', { personId: person, organizationId: organization });
        await api.post('/v1/deals', {
          title: `Auftrag ${n}`,
          value: `${1000 * n}.00`,
          currency: 'EUR',
          personId: person,
        });
        await api.post('/v1/tasks', { title: `Nachfassen ${n}`, links: on });
        await api.post('/v1/activities', {
          typeId: meeting.id,
          subject: `Termin ${n}`,
          startsAt: new Date(Date.UTC(2026, 10, 1 + (n % 28), 9)).toISOString(),
          durationMinutes: 30,
          links: on,
        });
        await api.post('/v1/notes', { body: { format: 'markdown', body: `Notiz **${n}**` }, links: on });
        await api.post(`/v1/records/person/${person}/comments`, { body: `Kommentar ${n}` });
        await api.upload(`/v1/records/person/${person}/documents`, `Angebot ${n}.pdf`, pdf(n));
      }),
    );
  }
  return person;
}

/** Fills Contoso up to LIST_PERSONS persons (generated, owned by Contoso's users), then ANALYZE. */
async function fillContoso(databaseUrl: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const orm = await MikroORM.init(backendOrmOptions(databaseUrl, 4));
  try {
    const [count] = await queryAsTenant(
      pool,
      CONTOSO_TENANT_ID,
      'select count(*)::int as n from person where tenant_id = crm_current_tenant() and deleted_at is null',
      [],
    );
    const missing = LIST_PERSONS - Number(count?.n ?? 0);
    if (missing > 0) {
      const owners = await queryAsTenant(
        pool,
        CONTOSO_TENANT_ID,
        'select id from app_user where tenant_id = crm_current_tenant() and active',
        [],
      );
      const salt = `${CONTOSO_TENANT_ID}-app-bench-${Date.now()}`;
      const data = generateContacts({
        seed: salt,
        idSalt: salt,
        organizations: Math.ceil(missing / 4),
        persons: missing,
        duplicateRate: 0,
        ownerIds: owners.map((owner) => String(owner.id)),
      });
      await writeContacts(orm.em.fork() as EntityManager, CONTOSO_TENANT_ID, data, { concurrency: 2 });
    }
    await pool.query('analyze');
    return Math.max(0, missing);
  } finally {
    await orm.close();
    await pool.end();
  }
}

export async function run(options: { seconds: number }): Promise<void> {
  await ensureBuilt({ quiet: true });
  const size = initialScriptBytes('index.html');
  console.log(
    `initial JavaScript of the web app ${(size.gzip / 1024).toFixed(1)} kB gzipped (${(size.raw / 1024).toFixed(1)} kB raw, ${size.files} files); budget ${SIZE_BUDGET_GZIP / 1024} kB: ${size.gzip <= SIZE_BUDGET_GZIP ? 'within' : 'OVER'}`,
  );
  if (!existsSync(CHROMIUM)) {
    console.log(`${CHROMIUM} is missing: the page-load bench needs Debian's chromium (apt-get install chromium).`);
    return;
  }

  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-bench-app-'));
  // The emulator's certificate this process already trusts (run.ts), so that it can ask for tokens.
  mkdirSync(path.join(dataDir, 'm365-emulator'));
  for (const file of ['cert.pem', 'key.pem'])
    copyFileSync(path.join(repoRoot, '.data', 'm365-emulator', file), path.join(dataDir, 'm365-emulator', file));
  const databaseUrl = process.env.DATABASE_URL;
  const started = spawnNode(
    'backend/src/start.ts',
    {
      PORT: '0',
      M365_EMULATOR_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    { stdoutFile: path.join(dataDir, 'start.log') },
  );
  const browser = await launchChromium();
  try {
    const [, emulatorUrl] = await started.waitFor(/Microsoft 365 emulator\s+(https:\/\/\S+)\n/, 300_000);
    const [, appUrl] = await started.waitFor(/Web app and Teams tab\s+(http:\/\/\S+)\n/, 60_000);
    const apiUrl = (appUrl as string).replace(/\/app\/$/, '/api');
    const token = await emulatorClient(emulatorUrl as string).passwordToken({
      tenant: CONTOSO_TENANT_ID,
      username: USER.upn,
      scope: `api://crm.localhost/${CRM_APP_ID}/access_as_user`,
    });
    const api = apiAs(apiUrl, token);
    let began = Date.now();
    const person = await personWithFullSections(api);
    console.log(`a person with ${PER_SECTION} entries in each section made in ${Date.now() - began} ms`);
    if (databaseUrl) {
      began = Date.now();
      const added = await fillContoso(databaseUrl);
      console.log(`Contoso filled to ${LIST_PERSONS} persons (${added} generated) in ${Date.now() - began} ms`);
    }

    // The emulator's certificate is self-signed; Entra's is not.
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
    });
    const page = await context.newPage();
    await page.goto(appUrl as string);
    await signIn(page, USER, /^Sign in$/);
    await page.waitForFunction(() => performance.getEntriesByName('crm:start-page').length > 0, null, {
      timeout: 60_000,
    });

    const start = await pageLoads(page, appUrl as string, 'start-page', options.seconds);
    const record = await pageLoads(page, `${appUrl}records/person/${person}`, 'record-page', options.seconds);
    // The 360° page's one API call alone, to tell the server's part from the browser's.
    const overview: number[] = [];
    for (let i = 0; i < start.n + 2; i++) {
      const began = performance.now();
      await api.get(`/v1/records/person/${person}/overview`);
      if (i >= 2) overview.push(performance.now() - began);
    }
    printTable([
      { stats: start },
      { stats: record },
      { stats: statsOf('GET …/overview (50 per section)', overview, 1) },
    ]);
    console.log(
      `start page budget ${START_PAGE_BUDGET_MS} ms at p95: ${start.p95 <= START_PAGE_BUDGET_MS ? 'within' : 'OVER'}`,
    );
    console.log(
      `360° page budget ${RECORD_PAGE_BUDGET_MS} ms at p95: ${record.p95 <= RECORD_PAGE_BUDGET_MS ? 'within' : 'OVER'}`,
    );

    if (databaseUrl) await scrollTheList(page, appUrl as string);
    else console.log('the 100,000-person list needs DATABASE_URL (the embedded database is not filled by the bench)');
    await context.close();
  } finally {
    await browser.close();
    started.kill('SIGTERM');
    await started.exited();
    // What the suite logged (warnings and errors), for a look after the run.
    copyFileSync(path.join(dataDir, 'start.log'), path.join(tmpdir(), 'crm-bench-app-start.log'));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Opens the persons list and jumps through it (top, middle, end, back to the middle): every list
 * request the page makes is counted against the pages whose rows were on screen.
 */
async function scrollTheList(page: Page, appUrl: string): Promise<void> {
  const requests: { offset: number; ms: number }[] = [];
  const sent = new Map<string, number>();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('/api/v1/persons')) sent.set(request.url(), Date.now());
  });
  page.on('requestfinished', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.endsWith('/api/v1/persons')) return;
    requests.push({
      offset: Number(url.searchParams.get('offset') ?? 0),
      ms: Date.now() - (sent.get(request.url()) ?? 0),
    });
  });
  const began = Date.now();
  await page.goto(`${appUrl}lists/person`);
  const loaded = () =>
    page.waitForFunction(
      () => {
        const rows = document.querySelectorAll('tbody tr');
        return rows.length > 0 && !document.querySelector('tbody [role="progressbar"]');
      },
      null,
      { timeout: 60_000 },
    );
  await loaded();
  const firstRows = Date.now() - began;
  const total = Number(await page.locator('table[aria-rowcount]').getAttribute('aria-rowcount')) - 1;
  const jumps = [0.5, 1, 0.25, 0.75];
  const rowsShown: number[] = [];
  for (const at of jumps) {
    await page.evaluate((fraction) => {
      const scroller = document.querySelector('table[aria-rowcount]')?.parentElement;
      if (scroller) scroller.scrollTop = fraction * (scroller.scrollHeight - scroller.clientHeight);
    }, at);
    // The new place's rows on screen, none still waiting for its page.
    await page.waitForTimeout(100);
    await loaded().catch(async (error: unknown) => {
      await page.screenshot({ path: path.join(tmpdir(), 'crm-bench-app-list.png') });
      throw error;
    });
    rowsShown.push(await page.locator('tbody tr').count());
  }
  const pages = new Set(requests.map((request) => request.offset));
  const slowest = Math.max(...requests.map((request) => request.ms));
  console.log(
    `persons list (${total} rows): first rows after ${firstRows} ms; ${jumps.length} jumps (to ${jumps.map((j) => `${j * 100}%`).join(', ')}) ` +
      `showed ${rowsShown.join('/')} rows and asked for ${requests.length} pages (${pages.size} distinct offsets, slowest ${slowest} ms); ` +
      `the whole list is ${Math.ceil(total / 50)} pages`,
  );
}
