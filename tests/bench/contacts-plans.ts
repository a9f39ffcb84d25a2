// `npx node tests/bench/contacts-plans.ts <tenant id> [query]`: EXPLAIN (ANALYZE, BUFFERS) of the
// sender lookup, the duplicate check and the search as the services run them, on a tenant of a
// loaded database (DATABASE_URL), say one a contacts bench is measuring. For reading plans, not a bench.

import type { Compilable } from 'kysely';
import pg from 'pg';
import {
  DUPLICATE_SPELLING_MIN,
  duplicateCandidatesQuery,
  personDraft,
} from '../../backend/src/modules/contacts/duplicates.service.ts';
import { lookupQuery } from '../../backend/src/modules/contacts/lookup.service.ts';
import { SEARCH_SPELLING_MIN, searchQuery } from '../../backend/src/modules/search/search.service.ts';
import { compileOnly } from '../../backend/src/records/sql.ts';
import { asTenant, queryAsTenant, type TransactionSettings } from './tenant-sql.ts';

const [tenantId, q = 'Müller'] = process.argv.slice(2);
if (!tenantId || !process.env.DATABASE_URL) {
  console.error('usage: DATABASE_URL=… npx node tests/bench/contacts-plans.ts <tenant id> [query]');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });

/** `settings`: pg_trgm's thresholds as the service sets them for the statement. */
async function explain(name: string, statement: Compilable, settings: TransactionSettings = {}) {
  const { sql, parameters } = statement.compile();
  for (const round of ['cold', 'warm']) {
    const rows = await queryAsTenant(
      pool,
      tenantId as string,
      `explain (analyze, buffers) ${sql}`,
      [...parameters],
      settings,
    );
    console.log(`\n## ${name} (${round})\n${rows.map((row) => row['QUERY PLAN']).join('\n')}`);
  }
}

const sample = await asTenant(pool, tenantId, async (client) => {
  const person = await client.query(
    `select p.first_name, p.last_name, p.emails, p.phones, p.addresses from person p
      where p.tenant_id = $1 and jsonb_array_length(p.emails) > 0 order by p.id limit 1`,
    [tenantId],
  );
  const emails = await client.query(
    `select value from search_key where tenant_id = $1 and kind = 'email' order by value limit 10`,
    [tenantId],
  );
  return { person: person.rows[0], emails: emails.rows.map((row) => row.value as string) };
});
await explain('lookup, 1 address', lookupQuery(compileOnly, sample.emails.slice(0, 1)));
await explain('lookup, 10 addresses', lookupQuery(compileOnly, sample.emails));
const person = sample.person;
await explain(
  `duplicate check (${person.first_name} ${person.last_name})`,
  duplicateCandidatesQuery(
    compileOnly,
    personDraft({
      firstName: person.first_name,
      lastName: person.last_name,
      emails: person.emails,
      phones: person.phones,
      addresses: person.addresses,
    }),
    [],
  ),
  { 'pg_trgm.similarity_threshold': DUPLICATE_SPELLING_MIN },
);
await explain(`search "${q}"`, searchQuery(compileOnly, { q, limit: 20 }), {
  'pg_trgm.word_similarity_threshold': SEARCH_SPELLING_MIN,
});
await pool.end();
