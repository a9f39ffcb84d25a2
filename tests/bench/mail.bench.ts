// Filing mail from Outlook, and the address lookup the pane asks first: one tenant loaded with
// generated contacts and a few hundred filed mails, then
//   - POST /api/v1/mails with two fresh 1 MB attachments each time (one and four in flight),
//     beside its floor: the same bytes and the mail row written in raw SQL in a tenant transaction;
//   - GET /api/v1/lookup?email= (one and ten connections) beside the lookup's SQL alone.
// Without DATABASE_URL an in-memory embedded PostgreSQL runs in a process of its own
// (bench-database.ts), so backend, database and load generator each have a core.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CRM_APP_ID, emulatorClient, startEmulator } from '@crm/m365-emulator';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import autocannon from 'autocannon';
import pg from 'pg';
import { backendOrmOptions } from '../../backend/src/database.ts';
import { generateContacts, writeContacts } from '../../backend/src/demo/contacts-demo.ts';
import { spawnNode } from '../support/processes.ts';
import { benchDatabase } from './bench-database.ts';
import { printTable, type Stats } from './measure.ts';

const CRM_SCOPE = `api://crm.localhost/${CRM_APP_ID}/access_as_user`;
const ATTACHMENT_BYTES = 1024 * 1024;
/** Mails filed before measuring, so that links, documents and search hold more than the bench's own. */
const PREFILLED_MAILS = 300;

// ---- measuring --------------------------------------------------------------------------------

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function statsOf(name: string, latencies: readonly number[], seconds: number, errors: number): Stats {
  const sorted = Float64Array.from(latencies).sort();
  return {
    name,
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    opsPerSec: sorted.length / seconds,
    errors,
  };
}

/**
 * Runs `work` from `inFlight` workers for `seconds` after a second of warm-up; `prepare` builds
 * each call's input outside the timed part.
 */
async function measure<T>(
  name: string,
  options: { seconds: number; inFlight: number; maxCalls?: number },
  prepare: (i: number) => T,
  work: (input: T) => Promise<boolean>,
): Promise<Stats> {
  let next = 0;
  const run = async (until: number, latencies?: number[], failures?: { n: number }) => {
    await Promise.all(
      Array.from({ length: options.inFlight }, async () => {
        while (performance.now() < until && (options.maxCalls === undefined || next < options.maxCalls)) {
          const input = prepare(next++);
          const t0 = performance.now();
          const ok = await work(input);
          latencies?.push(performance.now() - t0);
          if (!ok && failures) failures.n++;
        }
      }),
    );
  };
  await run(performance.now() + 1000);
  const latencies: number[] = [];
  const failures = { n: 0 };
  const started = performance.now();
  await run(started + options.seconds * 1000, latencies, failures);
  return statsOf(name, latencies, (performance.now() - started) / 1000, failures.n);
}

/** GET requests taken in turn from a list, through autocannon. */
async function measureGets(
  name: string,
  options: { url: string; token: string; connections: number; seconds: number; paths: readonly string[] },
): Promise<Stats> {
  const fire = (seconds: number, latencies?: number[]) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      let turn = 0;
      const instance = autocannon(
        {
          url: options.url,
          connections: options.connections,
          duration: seconds,
          headers: { authorization: `Bearer ${options.token}` },
          requests: [
            {
              setupRequest: (request) => ({
                ...request,
                method: 'GET',
                path: options.paths[turn++ % options.paths.length] as string,
              }),
            },
          ],
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      if (latencies) instance.on('response', (_client, _status, _bytes, time) => latencies.push(time));
    });
  await fire(1);
  const latencies: number[] = [];
  const started = performance.now();
  const result = await fire(options.seconds, latencies);
  return statsOf(
    name,
    latencies,
    (performance.now() - started) / 1000,
    result.errors + result.non2xx + result.timeouts,
  );
}

/** Statements in one tenant transaction as the app runs them (role crm_app, tenant set). */
async function asTenant(pool: pg.Pool, tenantId: string, work: (client: pg.PoolClient) => Promise<unknown>) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query("select set_config('app.tenant_id', $1, true), set_config('role', 'crm_app', true)", [tenantId]);
    await work(client);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

// ---- the mails ----------------------------------------------------------------------------------

/** The bulk of every attachment; a unique 48-byte head (a multiple of 3) keeps each one's hash apart. */
const TAIL = randomBytes(ATTACHMENT_BYTES - 48);
const TAIL_BASE64 = TAIL.toString('base64');
const head = (tag: string) => Buffer.from(`%PDF-1.4\n%${tag}`.padEnd(48, ' ').slice(0, 48));

function filingBody(tag: string, personId: string, withAttachments: boolean): string {
  const attachment = (name: string) => ({
    name,
    contentType: 'application/pdf',
    size: ATTACHMENT_BYTES,
    isInline: false,
    contentBase64: head(`${tag}-${name}`).toString('base64') + TAIL_BASE64,
  });
  return JSON.stringify({
    internetMessageId: `<${tag}@bench.kunde.example>`,
    conversationId: `AAQkADbench${tag}`,
    subject: `Angebot ${tag}`,
    from: { address: `Kundin ${tag} <Kundin.${tag}@Kunde.Example>` },
    to: [{ address: 'vertrieb@bench.example', name: 'Vertrieb' }],
    cc: [],
    sentAt: new Date().toISOString(),
    bodyHtml: `<p>Guten Tag,</p><p>anbei das Angebot ${tag} und die Preisliste.</p><p>Mit freundlichen Grüßen</p>`,
    attachments: withAttachments ? [attachment('Angebot.pdf'), attachment('Preisliste.pdf')] : [],
    links: [{ type: 'person', id: personId }],
  });
}

// ---- the bench ----------------------------------------------------------------------------------

export async function run(options: { seconds: number }): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-bench-mail-'));
  const emulator = await startEmulator({ dataDir: path.resolve('.data') });
  const database = benchDatabase();
  let backend: ReturnType<typeof spawnNode> | undefined;
  let orm: MikroORM | undefined;
  let pool: pg.Pool | undefined;
  let tenantId: string | undefined;
  try {
    const databaseUrl = await database.url();
    backend = spawnNode(
      'backend/src/main.ts',
      {
        ENTRA_AUTHORITY_HOST: emulator.url,
        ENTRA_CLIENT_ID: CRM_APP_ID,
        NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
        PORT: '0',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
        LOG_FORMAT: 'json',
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
      },
      { stdoutFile: path.join(dataDir, 'backend.log') },
    );
    const [, apiUrl] = await backend.waitFor(/CRM API listening on (\S+)\/api /, 120_000);
    orm = await MikroORM.init(backendOrmOptions(databaseUrl, 4));
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });

    const seed = emulator.createTenant({
      displayName: 'Bench Post GmbH',
      consentedApps: [CRM_APP_ID],
      users: [{ displayName: 'Ada Admin', directoryRoles: ['Global Administrator'] }],
    });
    tenantId = seed.id;
    const upn = (seed.users[0] as { userPrincipalName: string }).userPrincipalName;
    const token = await emulatorClient(emulator.url).passwordToken({
      tenant: seed.id,
      username: upn,
      scope: CRM_SCOPE,
    });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const me = await fetch(`${apiUrl}/api/v1/me`, { headers });
    if (me.status !== 200) throw new Error(`GET /api/v1/me answered ${me.status}: ${await me.text()}`);
    const userId = ((await me.json()) as { user: { id: string } }).user.id;
    const data = generateContacts({
      seed: 'bench-mail',
      idSalt: seed.id,
      organizations: 500,
      persons: 2000,
      ownerIds: [userId],
    });
    await writeContacts(orm.em as EntityManager, seed.id, data, { concurrency: process.env.DATABASE_URL ? 2 : 1 });
    const personIds = data.persons.map((person) => person.id);
    const file = async (body: string) => {
      const res = await fetch(`${apiUrl}/api/v1/mails`, { method: 'POST', headers, body });
      await res.arrayBuffer();
      return res.status === 201 || res.status === 200;
    };
    const started = performance.now();
    for (let i = 0; i < PREFILLED_MAILS; i++) {
      if (!(await file(filingBody(`pre${i}`, personIds[i % personIds.length] as string, false)))) {
        throw new Error('filing a mail failed while loading');
      }
    }
    console.log(
      `loaded 2,500 contacts and ${PREFILLED_MAILS} filed mails (${((performance.now() - started) / PREFILLED_MAILS).toFixed(1)} ms per mail without attachments)`,
    );
    await orm.em
      .getConnection()
      .execute('analyze person, organization, business_contact, search_document, history, record_link, mail');

    const seconds = options.seconds;
    const db = pool;
    const tenant = seed.id;
    const run = randomUUID().slice(0, 8);
    // The floor: the two attachments' bytes and the mail row, nothing else, in one tenant transaction.
    const filingFloor = await measure(
      'floor: 2 × 1 MB blobs + mail row, raw SQL',
      { seconds, inFlight: 1 },
      (i) => [head(`floor${run}-${i}-a`), head(`floor${run}-${i}-b`)],
      async ([a, b]) => {
        await asTenant(db, tenant, async (client) => {
          for (const headBytes of [a, b] as Buffer[]) {
            const bytes = Buffer.concat([headBytes, TAIL]);
            await client.query(
              `insert into blob (tenant_id, sha256, size, data)
               values (crm_current_tenant(), encode(sha256($1), 'hex'), length($1), $1) on conflict do nothing`,
              [bytes],
            );
          }
          await client.query(
            `insert into mail (id, tenant_id, internet_message_id, subject, from_address, body_html)
             values ($1, crm_current_tenant(), $2, 'Angebot', 'kundin@kunde.example', '<p>Guten Tag</p>')`,
            [randomUUID(), `<floor-${randomUUID()}@bench>`],
          );
        });
        return true;
      },
    );
    const filing = async (inFlight: number) =>
      measure(
        `POST /api/v1/mails, 2 × 1 MB (${inFlight} in flight)`,
        { seconds, inFlight, maxCalls: 400 },
        (i) => filingBody(`${run}f${inFlight}n${i}`, personIds[i % personIds.length] as string, true),
        file,
      );
    const filingRows = [{ stats: filingFloor }, { stats: await filing(1), floor: filingFloor }];
    filingRows.push({ stats: await filing(4), floor: filingFloor });

    const emails = [
      ...data.businessContacts.flatMap((contact) => (contact.email ? [contact.email] : [])).slice(0, 150),
      ...data.persons.flatMap((person) => person.emails.map((email) => email.address)).slice(0, 50),
    ];
    const lookupFloor = await measure(
      'floor: lookup SQL (1 address)',
      { seconds, inFlight: 1 },
      (i) => emails[i % emails.length] as string,
      async (email) => {
        await asTenant(db, tenant, (client) =>
          client.query(
            `select record_type, record_id, title from search_document
              where tenant_id = crm_current_tenant() and emails && $1::text[]`,
            [[email]],
          ),
        );
        return true;
      },
    );
    const lookupRows: { stats: Stats; floor?: Stats }[] = [{ stats: lookupFloor }];
    for (const connections of [1, 10]) {
      lookupRows.push({
        stats: await measureGets(`GET /api/v1/lookup?email= (${connections} conn.)`, {
          url: apiUrl as string,
          token,
          connections,
          seconds,
          paths: emails.map((email) => `/api/v1/lookup?email=${encodeURIComponent(email)}`),
        }),
        floor: lookupFloor,
      });
    }
    printTable([...filingRows, ...lookupRows]);
    console.log('targets: filing p95 < 300 ms, lookup p95 < 20 ms');
  } finally {
    if (process.env.DATABASE_URL && orm && tenantId) {
      // Row by row through the tenant's indexes first: the tenant's cascade alone would scan.
      for (const table of [
        'record_link',
        'document_version',
        'document',
        'blob',
        'pending_mail_link',
        'record_reference',
        'mail',
        'search_document',
        'history',
        'business_contact',
        'person',
        'organization',
        'tenant',
      ]) {
        await orm.em
          .getConnection()
          .execute(`delete from ${table} where ${table === 'tenant' ? 'id' : 'tenant_id'} = ?`, [tenantId])
          .catch((error: unknown) => console.error(`cleaning up ${table} failed: ${(error as Error).message}`));
      }
    }
    await pool?.end();
    await orm?.close(true);
    backend?.kill();
    await backend?.exited();
    await database.stop();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
