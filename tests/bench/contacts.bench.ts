// Contacts at scale: tenants (10, BENCH_TENANTS) loaded with generated German-speaking contacts (2% planted
// duplicates), then email lookup, duplicate check, global search and a list page over HTTP,
// each beside its SQL measured alone through a plain pg pool in a tenant transaction, and the
// duplicate check's quality on the planted duplicates.
//
// BENCH_KEEP_DATA=1 leaves the tenants' records in the database (DATABASE_URL) afterwards, to read
// the statements' plans on them with tests/bench/contacts-plans.ts, and prints their ids.
// BENCH_REUSE_TENANTS="<id> <id> …" (those ids, in that order, same BENCH_SCALE) measures them
// again without loading them: the emulator gets tenants and administrators of the same ids, the
// generated data is the same. A `-` in the list loads a fresh tenant at that place: "- <id> …"
// measures a tenant right after its bulk import beside the kept ones. Reused data is kept.
//
// BENCH_TENANTS (default 10) is the number of tenants loaded, BENCH_QUALITY_TENANTS (default all)
// of how many of them the duplicate check's quality is measured.
//
// BENCH_SCALE (default 1) scales the records per tenant: 2,000 persons and 500 organizations
// at 1. Without DATABASE_URL an in-memory embedded PostgreSQL runs in a process of its own (this
// file, started with CONTACTS_BENCH_DATABASE=1), so the backend, the database and the load
// generator each have their own event loop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '@crm/db';
import { CRM_APP_ID, emulatorClient, startEmulator } from '@crm/m365-emulator';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import autocannon from 'autocannon';
import Koa from 'koa';
import pg from 'pg';
import { backendOrmOptions } from '../../backend/src/database.ts';
import {
  type ContactsData,
  type GeneratedOrganization,
  type GeneratedPerson,
  generateContacts,
  writeContacts,
} from '../../backend/src/demo/contacts-demo.ts';
import {
  DUPLICATE_NAME_CANDIDATES,
  DUPLICATE_SPELLING_MIN,
  type DuplicateDraft,
  organizationDraft,
  personDraft,
} from '../../backend/src/modules/contacts/duplicates.service.ts';
import {
  foldText,
  LIKELY_DUPLICATE,
  normalizeCompanyName,
  normalizePersonName,
  phoneticCodes,
} from '../../backend/src/modules/contacts/matching.ts';
import { SEARCH_CANDIDATES_PER_INDEX, SEARCH_SPELLING_MIN } from '../../backend/src/modules/search/search.service.ts';
import { spawnNode } from '../support/processes.ts';
import { startBenchBackend } from './backend-process.ts';
import { measureCalls, printTable, type Stats, statsOf } from './measure.ts';
import { queryAsTenant, type TransactionSettings } from './tenant-sql.ts';

const CRM_SCOPE = `api://crm.localhost/${CRM_APP_ID}/access_as_user`;
const DUPLICATE_RATE = 0.02;

// ---- the embedded database's own process ------------------------------------------------------

if (process.env.CONTACTS_BENCH_DATABASE === '1' && import.meta.url === `file://${process.argv[1]}`) {
  const embedded = await startEmbeddedPostgres({ maxConnections: 32 });
  console.log(`embedded PostgreSQL at ${embedded.url}`);
  process.on('SIGTERM', () => {
    embedded.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

// ---- measuring --------------------------------------------------------------------------------

interface Request {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** measureHttp (measure.ts) with the requests taken in turn from a list, so that caches see varied input. */
async function measureRequests(
  name: string,
  options: { url: string; token: string; connections: number; seconds: number; requests: readonly Request[] },
): Promise<Stats> {
  const fire = (seconds: number, latencies?: number[]) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      let turn = 0;
      const instance = autocannon(
        {
          url: options.url,
          connections: options.connections,
          duration: seconds,
          headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
          requests: [
            {
              setupRequest: (request) => {
                const next = options.requests[turn++ % options.requests.length] as Request;
                return { ...request, method: next.method, path: next.path, body: next.body ?? '' };
              },
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
  const elapsed = (performance.now() - started) / 1000;
  return statsOf(name, latencies, elapsed, result.errors + result.non2xx + result.timeouts);
}

// ---- the floors -------------------------------------------------------------------------------
// Each floor is the least its request must do, as a PostgreSQL expert would write it, run alone
// through a plain pg pool in a tenant transaction. The lookup: a B-tree equality probe on (tenant,
// address). The duplicate check and the search: the matches read from the tenant-led indexes
// (through search_document_in_tenant, whose tenant condition row-level security does not keep
// apart from the match), their ids only, not yet scored or joined; the statements' own
// scoring and the API come on top.

const arrayParam = (values: readonly string[]) => [...values];

const LOOKUP_SQL = `select record_type, record_id from search_key
  where tenant_id = crm_current_tenant() and kind = 'email' and value = any($1::text[])`;

// The duplicate check's name matches: similar spelling from DUPLICATE_SPELLING_MIN (set for the
// transaction, as the check does), the sound of the whole name, at most DUPLICATE_NAME_CANDIDATES of each.
const DUPLICATES_SQL = `select count(*) from (
  select record_id from (select record_id, row_number() over () n from search_document_in_tenant
   where record_type = $1 and normalized % $2) spelt where n <= ${DUPLICATE_NAME_CANDIDATES}
  union select record_id from (select record_id, row_number() over () n from search_document_in_tenant
   where record_type = $1 and phonetic @> $3::text[]) sounding where n <= ${DUPLICATE_NAME_CANDIDATES}
  union select record_id from search_key
   where tenant_id = crm_current_tenant() and kind = 'email' and value = any($4::text[]) and record_type = $1
  union select record_id from search_key
   where tenant_id = crm_current_tenant() and kind = 'phone' and value = any($5::text[]) and record_type = $1) matches`;

const duplicateParams = (draft: DuplicateDraft) => [
  draft.type,
  draft.normalized,
  arrayParam(draft.phonetic.length > 0 ? draft.phonetic : ['-']),
  arrayParam(draft.emails),
  arrayParam(draft.phones),
];

/**
 * The search's candidates, counted (the search reads and scores each of them): at most
 * SEARCH_CANDIDATES_PER_INDEX per index, as the search; similar spellings from five letters, and
 * only when the words found fewer than a page (20), as the search.
 */
const searchSql = (spelling: boolean) => `with worded as (
  select record_id from (select record_id, row_number() over () n from search_document_in_tenant
   where body @@ to_tsquery('simple', $1)) x where n <= ${SEARCH_CANDIDATES_PER_INDEX})
  select count(*) from (
  select record_id from worded
  union select record_id from (select record_id, row_number() over () n from search_document_in_tenant
   where phonetic @> $2::text[]) x where n <= ${SEARCH_CANDIDATES_PER_INDEX}
  ${
    spelling
      ? `union select record_id from (select record_id, row_number() over () n from search_document_in_tenant
   where $3 <% normalized and (select count(*) from worded) < 20) x where n <= ${SEARCH_CANDIDATES_PER_INDEX}`
      : ''
  }) candidates`;

const searchParams = (q: string) => {
  const folded = foldText(q);
  const prefix = folded
    .split(' ')
    .filter(Boolean)
    .map((word) => `${word.replace(/[^a-z0-9]/g, '')}:*`)
    .join(' & ');
  const codes = phoneticCodes(q, 'person');
  // As the search does: similar spellings from five letters, sounds when there are any.
  const spelling = folded.replace(/[^a-z0-9]/g, '').length >= 5;
  return {
    spelling,
    sql: searchSql(spelling),
    params: [prefix || 'x', codes.length > 0 ? codes : ['-'], ...(spelling ? [folded] : [])],
  };
};

// In the list's order (case-insensitive names), which its index holds: ordered by the plain columns,
// the floor sorted the tenant's 100,000 persons at BENCH_SCALE=50 (32 ms) where the list reads 51.
const LIST_SQL = `select * from person where tenant_id = crm_current_tenant() and deleted_at is null
 order by lower(last_name), lower(coalesce(first_name, '')), id limit 51`;

// ---- the lookup's HTTP floor in a process of its own --------------------------------------------
// The least a sender lookup over HTTP must do: Koa answering the same GET with the rows of the
// B-tree probe, run in a tenant transaction (begin, tenant and role, probe, commit) on a pg pool
// as large as the backend's. No token is verified and no user resolved: what our request does
// beyond this is the cost of authentication, the principal and the ORM.

if (process.env.CONTACTS_BENCH_FLOOR === '1' && import.meta.url === `file://${process.argv[1]}`) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const tenantId = process.env.FLOOR_TENANT as string;
  const app = new Koa();
  app.use(async (ctx) => {
    const wanted = ([] as string[]).concat(ctx.query.email ?? []).map((email) => email.trim().toLowerCase());
    ctx.body = { items: await queryAsTenant(pool, tenantId, LOOKUP_SQL, [wanted]) };
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object')
      console.log(`lookup floor listening on http://127.0.0.1:${address.port}`);
  });
  // Nothing to finish: a pooled connection still waiting on the embedded database must not hold the exit.
  process.on('SIGTERM', () => process.exit(0));
}

// ---- the bench --------------------------------------------------------------------------------

interface LoadedTenant {
  id: string;
  token: string;
  data: ContactsData;
  /** Loaded by an earlier run (BENCH_REUSE_TENANTS). */
  kept: boolean;
}

/** A tenant an earlier run kept (`-` for none): its id, its domain and its administrator's object id. */
async function keptTenant(em: EntityManager, id: string) {
  if (id === '-') return undefined;
  const [admin] = await em
    .getConnection()
    .execute<{ entra_object_id: string; email: string }[]>(
      'select entra_object_id, email from app_user where tenant_id = ? order by created_at limit 1',
      [id],
    );
  if (!admin) throw new Error(`BENCH_REUSE_TENANTS: no tenant ${id} with an administrator in the database`);
  return { id, domain: admin.email.split('@')[1] as string, adminObjectId: admin.entra_object_id };
}

const personInput = ({ id: _id, ...person }: GeneratedPerson) => ({
  ...person,
  phones: person.phones.map(({ number, kind }) => ({ number, kind })),
});
const organizationInput = ({ id: _id, ...organization }: GeneratedOrganization) => ({
  ...organization,
  phones: organization.phones.map(({ number, kind }) => ({ number, kind })),
});

/** Runs `work` over `items` with a few requests in flight. */
async function eachConcurrently<T>(items: readonly T[], inFlight: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

export async function run(options: { seconds: number }): Promise<void> {
  const scale = Number(process.env.BENCH_SCALE || 1);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error('BENCH_SCALE must be a positive number');
  const tenantCount = Number(process.env.BENCH_TENANTS || 10);
  if (!Number.isInteger(tenantCount) || tenantCount <= 0) throw new Error('BENCH_TENANTS must be a positive integer');
  const personsPerTenant = Math.round(2000 * scale);
  const organizationsPerTenant = Math.round(500 * scale);
  console.log(
    `BENCH_SCALE=${scale}: ${tenantCount} tenants × ${personsPerTenant} persons + ${organizationsPerTenant} organizations, ${DUPLICATE_RATE * 100}% planted duplicates`,
  );

  const reused = (process.env.BENCH_REUSE_TENANTS ?? '').split(/\s+/).filter(Boolean);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-bench-contacts-'));
  const emulator = await startEmulator({ dataDir: path.resolve('.data') });
  const database = process.env.DATABASE_URL
    ? undefined
    : spawnNode('tests/bench/contacts.bench.ts', { CONTACTS_BENCH_DATABASE: '1' });
  let backend: ReturnType<typeof spawnNode> | undefined;
  let lookupFloor: ReturnType<typeof spawnNode> | undefined;
  let orm: MikroORM | undefined;
  let pool: pg.Pool | undefined;
  const tenants: LoadedTenant[] = [];
  try {
    const databaseUrl =
      process.env.DATABASE_URL ?? ((await database?.waitFor(/embedded PostgreSQL at (\S+)/, 60_000)) ?? [])[1];
    if (!databaseUrl) throw new Error('no database');
    const running = await startBenchBackend({
      emulatorUrl: emulator.url,
      databaseUrl,
      dataDir,
      logLevel: 'info',
    });
    backend = running.process;
    const { apiUrl } = running;
    orm = await MikroORM.init(backendOrmOptions(databaseUrl, 4));
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });

    // Tenants, set up by their administrators' first sign-in, then filled directly.
    const client = emulatorClient(emulator.url);
    let loadMs = 0;
    let records = 0;
    for (let i = 0; i < tenantCount; i++) {
      const keptId = reused[i];
      const kept = keptId ? await keptTenant(orm.em as EntityManager, keptId) : undefined;
      const seed = emulator.createTenant({
        ...(kept ? { id: kept.id, domain: kept.domain } : {}),
        displayName: `Bench ${i + 1} GmbH`,
        consentedApps: [CRM_APP_ID],
        users: [
          {
            ...(kept ? { id: kept.adminObjectId } : {}),
            displayName: 'Ada Admin',
            directoryRoles: ['Global Administrator'],
          },
        ],
      });
      const upn = (seed.users[0] as { userPrincipalName: string }).userPrincipalName;
      const token = await client.passwordToken({ tenant: seed.id, username: upn, scope: CRM_SCOPE });
      const me = await fetch(`${apiUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      if (me.status !== 200) throw new Error(`GET /api/v1/me answered ${me.status}: ${await me.text()}`);
      const userId = ((await me.json()) as { user: { id: string } }).user.id;
      const started = performance.now();
      const data = generateContacts({
        seed: `bench-${i}`,
        idSalt: seed.id,
        organizations: organizationsPerTenant,
        persons: personsPerTenant,
        duplicateRate: DUPLICATE_RATE,
        ownerIds: [userId],
      });
      tenants.push({ id: seed.id, token, data, kept: kept !== undefined });
      if (kept) continue;
      const written = await writeContacts(orm.em as EntityManager, seed.id, data, {
        concurrency: process.env.DATABASE_URL ? 2 : 1,
      });
      loadMs += performance.now() - started;
      records += written.organizations + written.persons + written.businessContacts;
    }
    const reusing = tenants.filter((t) => t.kept).length;
    if (reusing > 0) console.log(`reused ${reusing} tenants' records loaded before`);
    if (records > 0) {
      console.log(
        `loaded ${records} records (+ as many search documents and history rows) in ${(loadMs / 1000).toFixed(1)}s, ${Math.round(records / (loadMs / 1000))} records/s, generation included`,
      );
    }
    // A server's autovacuum would have analyzed the new rows by now; the embedded one has none.
    await orm.em
      .getConnection()
      .execute('analyze person, organization, business_contact, search_document, search_key, history');

    // ---- latency and throughput, on the first tenant
    const tenant = tenants[0] as LoadedTenant;
    const { data } = tenant;
    const emails = [
      ...data.businessContacts.flatMap((c) => (c.email ? [c.email] : [])).slice(0, 150),
      ...data.persons.flatMap((p) => p.emails.filter((e) => e.kind === 'private').map((e) => e.address)).slice(0, 50),
    ];
    const byId = new Map<string, GeneratedPerson | GeneratedOrganization>(
      [...data.persons, ...data.organizations].map((record) => [record.id, record]),
    );
    const checks = data.duplicates.map((duplicate) => {
      const record = byId.get(duplicate.id) as GeneratedPerson | GeneratedOrganization;
      const draft =
        duplicate.type === 'person'
          ? personDraft(record as GeneratedPerson)
          : organizationDraft(record as GeneratedOrganization);
      const body = {
        type: duplicate.type,
        excludeId: duplicate.id,
        record:
          duplicate.type === 'person'
            ? personInput(record as GeneratedPerson)
            : organizationInput(record as GeneratedOrganization),
      };
      return { draft, excludeId: duplicate.id, body: JSON.stringify(body) };
    });
    const prefixes = [
      ...new Set(data.persons.map((p) => foldText(p.lastName).split(' ')[0]?.slice(0, 4) ?? '').filter(Boolean)),
    ].slice(0, 50);
    const people = data.persons
      .filter((p) => p.firstName)
      .slice(0, 50)
      .map((p) => `${p.firstName} ${p.lastName.slice(0, 3)}`);
    const queries = [...prefixes, ...people];

    // A mail with ten addresses: sender and recipients, as the pane looks them up at once.
    const mailOf = (i: number) => Array.from({ length: 10 }, (_, k) => emails[(i * 10 + k) % emails.length] as string);
    const db = pool;
    const seconds = options.seconds;
    const floors = {
      lookup: await measureCalls('floor: lookup B-tree (1 address)', { seconds }, (i) =>
        queryAsTenant(db, tenant.id, LOOKUP_SQL, [[emails[i % emails.length]]]),
      ),
      lookupTen: await measureCalls('floor: lookup B-tree (10 addresses)', { seconds }, (i) =>
        queryAsTenant(db, tenant.id, LOOKUP_SQL, [mailOf(i)]),
      ),
      duplicates: await measureCalls('floor: duplicate matches (GIN, B-tree)', { seconds }, (i) => {
        const check = checks[i % checks.length] as (typeof checks)[number];
        return queryAsTenant(db, tenant.id, DUPLICATES_SQL, duplicateParams(check.draft), {
          'pg_trgm.similarity_threshold': DUPLICATE_SPELLING_MIN,
        });
      }),
      search: await measureCalls('floor: search matches (GIN)', { seconds }, (i) => {
        const { sql, params, spelling } = searchParams(queries[i % queries.length] as string);
        const settings: TransactionSettings = spelling
          ? { 'pg_trgm.word_similarity_threshold': SEARCH_SPELLING_MIN }
          : {};
        return queryAsTenant(db, tenant.id, sql, params, settings);
      }),
      list: await measureCalls('floor: persons page SQL (50)', { seconds }, () =>
        queryAsTenant(db, tenant.id, LIST_SQL, []),
      ),
    };
    // Each request at 1 and 10 connections against its SQL floor; given an HTTP floor's URL,
    // against that floor answering the same requests, measured just before.
    const http = async (name: string, requests: Request[], floor: Stats, httpFloorUrl?: string) => {
      const rows: { stats: Stats; floor?: Stats }[] = [{ stats: floor }];
      for (const connections of [1, 10]) {
        const load = { token: tenant.token, connections, seconds, requests };
        const httpFloor = httpFloorUrl
          ? await measureRequests(`floor: HTTP + B-tree (${connections} conn.)`, { ...load, url: httpFloorUrl })
          : undefined;
        if (httpFloor) rows.push({ stats: httpFloor });
        const stats = await measureRequests(`${name} (${connections} conn.)`, { ...load, url: apiUrl as string });
        rows.push({ stats, floor: httpFloor ?? floor });
      }
      return rows;
    };
    lookupFloor = spawnNode('tests/bench/contacts.bench.ts', {
      CONTACTS_BENCH_FLOOR: '1',
      DATABASE_URL: databaseUrl,
      FLOOR_TENANT: tenant.id,
    });
    const [, lookupFloorUrl] = await lookupFloor.waitFor(/lookup floor listening on (\S+)/, 60_000);
    const rows = [
      ...(await http(
        'GET /api/v1/lookup?email=',
        emails.map((email) => ({ method: 'GET', path: `/api/v1/lookup?email=${encodeURIComponent(email)}` })),
        floors.lookup,
        lookupFloorUrl,
      )),
      ...(await http(
        'GET /api/v1/lookup?email= ×10',
        emails.map((_, i) => ({
          method: 'GET',
          path: `/api/v1/lookup?${mailOf(i)
            .map((email) => `email=${encodeURIComponent(email)}`)
            .join('&')}`,
        })),
        floors.lookupTen,
        lookupFloorUrl,
      )),
      ...(await http(
        'POST /api/v1/duplicates/check',
        checks.map((check) => ({ method: 'POST', path: '/api/v1/duplicates/check', body: check.body })),
        floors.duplicates,
      )),
      ...(await http(
        'GET /api/v1/search?q=',
        queries.map((q) => ({ method: 'GET', path: `/api/v1/search?q=${encodeURIComponent(q)}` })),
        floors.search,
      )),
      ...(await http(
        'GET /api/v1/persons?limit=50',
        [{ method: 'GET', path: '/api/v1/persons?limit=50' }],
        floors.list,
      )),
    ];
    printTable(rows);

    // ---- quality of the duplicate check, over all tenants
    await reportQuality(
      apiUrl as string,
      tenants.slice(0, Number(process.env.BENCH_QUALITY_TENANTS) || tenants.length),
    );
  } finally {
    if (process.env.BENCH_KEEP_DATA === '1' || reused.length > 0) {
      console.log(
        `kept the tenants' data for reading plans (tests/bench/contacts-plans.ts): ${tenants.map((t) => t.id).join(' ')}`,
      );
    } else if (process.env.DATABASE_URL && orm && tenants.length > 0) {
      // The records first, by their tenant indexes: deleting the tenants alone cascades to their
      // users, whose ON DELETE SET NULL references (created_by, …) have no index to scan.
      const ids = tenants.map((t) => t.id);
      const list = ids.map(() => '?').join(', ');
      for (const table of [
        'search_key',
        'search_document',
        'history',
        'business_contact',
        'person',
        'organization',
        'tenant',
      ]) {
        await orm.em
          .getConnection()
          .execute(`delete from ${table} where ${table === 'tenant' ? 'id' : 'tenant_id'} in (${list})`, ids)
          .catch((error: unknown) => console.error(`cleaning up ${table} failed: ${(error as Error).message}`));
      }
    }
    await pool?.end();
    await orm?.close(true);
    lookupFloor?.kill();
    await lookupFloor?.exited();
    backend?.kill();
    await backend?.exited();
    database?.kill();
    await database?.exited();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Candidate {
  id: string;
  score: number;
}

async function reportQuality(apiUrl: string, tenants: readonly LoadedTenant[]): Promise<void> {
  const check = async (tenant: LoadedTenant, body: unknown): Promise<Candidate[]> => {
    const res = await fetch(`${apiUrl}/api/v1/duplicates/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`duplicate check answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { candidates: Candidate[] }).candidates;
  };
  const byVariation = new Map<string, { found: number; missed: number }>();
  const falseAlarms = {
    person: { checked: 0, alarmed: 0, candidates: 0, namesakes: 0 },
    organization: { checked: 0, alarmed: 0, candidates: 0, namesakes: 0 },
  };
  const started = performance.now();
  for (const tenant of tenants) {
    const { data } = tenant;
    const byId = new Map<string, GeneratedPerson | GeneratedOrganization>(
      [...data.persons, ...data.organizations].map((record) => [record.id, record]),
    );
    const input = (type: 'person' | 'organization', id: string) =>
      type === 'person'
        ? personInput(byId.get(id) as GeneratedPerson)
        : organizationInput(byId.get(id) as GeneratedOrganization);
    await eachConcurrently(data.duplicates, 4, async (duplicate) => {
      const candidates = await check(tenant, {
        type: duplicate.type,
        excludeId: duplicate.id,
        record: input(duplicate.type, duplicate.id),
      });
      const key = `${duplicate.type}: ${duplicate.variation}`;
      const tally = byVariation.get(key) ?? { found: 0, missed: 0 };
      if (candidates.some((c) => c.id === duplicate.originalId && c.score >= LIKELY_DUPLICATE)) tally.found++;
      else tally.missed++;
      byVariation.set(key, tally);
    });
    // False alarms: records that are neither a planted copy nor its original, checked against the rest.
    const planted = new Set(data.duplicates.flatMap((d) => [d.id, d.originalId]));
    const normalized = (record: GeneratedPerson | GeneratedOrganization) =>
      'name' in record ? normalizeCompanyName(record.name) : normalizePersonName(record.firstName, record.lastName);
    const sampleOf = <T extends { id: string }>(records: readonly T[], count: number) => {
      const clean = records.filter((record) => !planted.has(record.id));
      const step = Math.max(1, Math.floor(clean.length / count));
      return clean.filter((_, index) => index % step === 0).slice(0, count);
    };
    const checked = [
      ...sampleOf(data.persons, 50).map((record) => ({ type: 'person' as const, record })),
      ...sampleOf(data.organizations, 20).map((record) => ({ type: 'organization' as const, record })),
    ];
    await eachConcurrently(checked, 4, async ({ type, record }) => {
      const candidates = await check(tenant, { type, excludeId: record.id, record: input(type, record.id) });
      const likely = candidates.filter((c) => c.score >= LIKELY_DUPLICATE);
      const tally = falseAlarms[type];
      tally.checked++;
      if (likely.length > 0) tally.alarmed++;
      tally.candidates += likely.length;
      const mine = normalized(record);
      tally.namesakes += likely.filter((c) => {
        const other = byId.get(c.id);
        return other !== undefined && normalized(other) === mine;
      }).length;
    });
  }
  const total = [...byVariation.values()].reduce(
    (sum, t) => ({ found: sum.found + t.found, missed: sum.missed + t.missed }),
    {
      found: 0,
      missed: 0,
    },
  );
  console.log(
    `\nduplicate check quality (score ≥ ${LIKELY_DUPLICATE}; ${((performance.now() - started) / 1000).toFixed(1)}s over ${tenants.length} tenants)`,
  );
  const width = Math.max(...[...byVariation.keys()].map((key) => key.length), 'all planted duplicates'.length);
  console.log(`${'planted duplicate'.padEnd(width)}  found  missed`);
  for (const [key, tally] of [...byVariation.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${key.padEnd(width)}  ${String(tally.found).padStart(5)}  ${String(tally.missed).padStart(6)}`);
  }
  console.log(
    `${'all planted duplicates'.padEnd(width)}  ${String(total.found).padStart(5)}  ${String(total.missed).padStart(6)}  (${((100 * total.found) / Math.max(1, total.found + total.missed)).toFixed(1)}% found)`,
  );
  for (const [type, tally] of Object.entries(falseAlarms)) {
    console.log(
      `false alarms, ${type}s: ${tally.alarmed} of ${tally.checked} non-duplicate records checked had a candidate ≥ ${LIKELY_DUPLICATE} (${tally.candidates} candidates in all, ${tally.namesakes} of them with the very same normalized name)`,
    );
  }
}
