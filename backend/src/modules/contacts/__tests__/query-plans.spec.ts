// The sender lookup, the duplicate check and the global search read the indexes meant for them
// (#17) on a tenant large enough for the planner to weigh them against scanning: a tenant of
// 8,000 persons and 2,000 organizations, loaded set-based and analyzed, beside three neighbours
// as large. A statement that loses its index (a changed predicate, a dropped or
// renamed index, an index no longer led by the tenant) fails here rather than at 100,000
// contacts in production. The plans are the statements the services run, with the same
// parameters, as the tenant's role.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import pg from 'pg';
import { type ContactsData, generateContacts, writeContacts } from '../../../demo/contacts-demo.ts';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { pgArray } from '../../../records/search-index.ts';
import { type Database, db } from '../../../records/sql.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { searchQuery } from '../../search/search.service.ts';
import { duplicateCandidatesQuery, organizationDraft, personDraft } from '../duplicates.service.ts';
import { lookupQuery } from '../lookup.service.ts';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan, depth first. */
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

interface Plan {
  /** The indexes the plan reads. */
  indexes: Set<string>;
  /** Tables the plan reads whole. */
  scanned: Set<string>;
  /** The partitions of search_document the plan reads: the tenant's one, once the plan has pruned the others. */
  partitions: Set<string>;
  /** The plan's nodes, one line each: printed when an expectation fails. */
  outline: string[];
}

let t: TestApp;
let tenant: TestTenant;
let data: ContactsData;
/** The partitioned table or index of each partition's table or index. */
let partitionOf: Map<string, string>;

/** A statement as the service builds it, against the transaction's Kysely. */
type Statement = (kysely: Kysely<Database>) => {
  explain(format: 'json'): Promise<unknown[]>;
  compile(): CompiledQuery;
};

/** Statements prepared for reading their plans, each under a name of its own (PREPARE outlives a rolled back transaction). */
let prepared = 0;

/** A statement's parameter as an SQL literal: text, a number, a list of texts (an array literal) or null. */
const literal = (value: unknown): string => {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    return pg.escapeLiteral(pgArray(value.map(String)));
  }
  return pg.escapeLiteral(String(value));
};

/**
 * The plan of a statement with its parameters, as PostgreSQL plans it for these values; or, `as
 * prepared`, the generic plan a prepared statement settles on after its first runs (the services
 * run these statements prepared), which cannot look at the values.
 */
async function planOf(statement: Statement, mode: 'for its values' | 'as prepared' = 'for its values'): Promise<Plan> {
  const rows = await inTenantTransaction(t.orm.em as EntityManager, tenant.id, async (tx) => {
    if (mode === 'for its values') return statement(db(tx)).explain('json');
    const { sql: text, parameters } = statement(db(tx)).compile();
    const name = `plan_under_test_${++prepared}`;
    await sql`select set_config('plan_cache_mode', 'force_generic_plan', true)`.execute(db(tx));
    await db(tx).executeQuery(CompiledQuery.raw(`prepare ${name} as ${text}`));
    try {
      // EXECUTE takes its values as literals, not as bind parameters.
      const values = parameters.map(literal).join(', ');
      return (await db(tx).executeQuery(CompiledQuery.raw(`explain (format json) execute ${name}(${values})`))).rows;
    } finally {
      await db(tx).executeQuery(CompiledQuery.raw(`deallocate ${name}`));
    }
  });
  const plan = (rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]?.Plan as PlanNode;
  const nodes = nodesOf(plan);
  // A partition's table or index by the partitioned one's name (search_document_3 reads as search_document).
  const named = (name: string) => partitionOf.get(name) ?? name;
  return {
    indexes: new Set(nodes.flatMap((node) => (node['Index Name'] ? [named(node['Index Name'])] : []))),
    scanned: new Set(
      nodes.flatMap((node) =>
        node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [named(node['Relation Name'])] : [],
      ),
    ),
    partitions: new Set(
      nodes.flatMap((node) =>
        node['Relation Name'] && partitionOf.get(node['Relation Name']) === 'search_document'
          ? [node['Relation Name']]
          : [],
      ),
    ),
    outline: nodes.map((node) =>
      [
        node['Node Type'],
        node['Relation Name'] && `on ${node['Relation Name']}`,
        node['Index Name'] && `using ${node['Index Name']}`,
        node['Index Cond'] && `index cond ${node['Index Cond']}`,
        node.Filter && `filter ${node.Filter}`,
      ]
        .filter(Boolean)
        .join(' '),
    ),
  };
}

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.createTenant('Planer Großkunden GmbH', [{ displayName: 'Paula Planer' }]);
  const ownerId = await tenant.userId(tenant.upn('Paula Planer'));
  data = generateContacts({
    seed: 'plans',
    idSalt: tenant.id,
    organizations: 2000,
    persons: 8000,
    ownerIds: [ownerId],
  });
  await writeContacts(t.orm.em as EntityManager, tenant.id, data, { batchSize: 1000 });
  // Three neighbours with as many search documents (copies under new ids, set-based): the
  // tenant is a quarter of the table, as on a server shared by tenants, so reading the whole
  // table is no shortcut to reading the tenant.
  const connection = t.orm.em.getConnection();
  for (const name of ['Nachbar Eins GmbH', 'Nachbar Zwei GmbH', 'Nachbar Drei GmbH']) {
    const neighbour = await t.createTenant(name, [{ displayName: 'Nora Nachbar' }]);
    await neighbour.userId(neighbour.upn('Nora Nachbar'));
    await connection.execute(
      `insert into search_document
         (tenant_id, record_type, record_id, title, subtitle, normalized, phonetic, emails, phones, postal_codes, vat_id, body, updated_at)
       select ?, record_type, gen_random_uuid(), title, subtitle, normalized, phonetic, emails, phones, postal_codes, vat_id, body, now()
         from search_document where tenant_id = ?`,
      [neighbour.id, tenant.id],
    );
  }
  // What autovacuum does after a load: the planner sees the tenants' rows.
  await connection.execute('analyze person, organization, business_contact, search_document, search_key');
  const partitions = await connection.execute<{ partition: string; parent: string }[]>(
    `select child.relname as partition, parent.relname as parent
       from pg_inherits i join pg_class child on child.oid = i.inhrelid join pg_class parent on parent.oid = i.inhparent`,
  );
  partitionOf = new Map(partitions.map((row) => [row.partition, row.parent]));
}, 300_000);
afterAll(async () => {
  await t?.close();
}, 300_000);

/**
 * The plan reads every one of `indexes`, no table whole and of the search documents only the
 * tenant's partition; the plan is printed when it does not.
 */
function expectToRead(plan: Plan, indexes: readonly string[]) {
  const missing = indexes.filter((index) => !plan.indexes.has(index));
  expect({ missing, scanned: [...plan.scanned], partitions: plan.partitions.size <= 1, plan: plan.outline }).toEqual({
    missing: [],
    scanned: [],
    partitions: true,
    plan: plan.outline,
  });
}

/** Each statement's plan for its values, and the generic one it may run with once prepared. */
const MODES = ['for its values', 'as prepared'] as const;

describe('at 8,000 persons in a tenant, the statements read their indexes', () => {
  it('the sender lookup (one address and a mail with ten) probes the B-tree of search keys', async () => {
    const addresses = data.businessContacts.flatMap((contact) => (contact.email ? [contact.email] : []));
    for (const wanted of [addresses.slice(0, 1), addresses.slice(0, 10)]) {
      for (const mode of MODES) {
        expectToRead(await planOf((kysely) => lookupQuery(kysely, wanted), mode), ['search_key_pkey']);
      }
    }
  });

  it('the duplicate check gathers candidates through the tenant-led trigram, sound and key indexes', async () => {
    const person = data.persons.find((p) => p.firstName && p.emails.length > 0 && p.phones.length > 0);
    if (!person) throw new Error('the generated data has no person with email and phone');
    const organization = data.organizations.find((o) => o.vatId);
    if (!organization) throw new Error('the generated data has no organization with a VAT id');
    for (const mode of MODES) {
      expectToRead(await planOf((kysely) => duplicateCandidatesQuery(kysely, personDraft(person), [person.id]), mode), [
        'search_document_tenant_trgm_idx',
        'search_document_tenant_phonetic_idx',
        'search_key_pkey',
        'business_contact_email_idx',
      ]);
      expectToRead(
        await planOf(
          (kysely) => duplicateCandidatesQuery(kysely, organizationDraft(organization), [organization.id]),
          mode,
        ),
        ['search_document_tenant_trgm_idx', 'search_document_tenant_phonetic_idx', 'search_document_tenant_vat_idx'],
      );
    }
  });

  it('the search finds words, spellings and sounds through the tenant-led full-text, trigram and sound indexes, and ranks only its candidates', async () => {
    const someone = data.persons.find((p) => p.firstName && p.lastName.length > 5);
    if (!someone) throw new Error('the generated data has no person with a long last name');
    // A whole name and an umlaut spelling: words as prefixes, similar spellings, sounds.
    for (const mode of MODES) {
      for (const q of [`${someone.firstName} ${someone.lastName}`, 'Müller']) {
        expectToRead(await planOf((kysely) => searchQuery(kysely, { q, limit: 20 }), mode), [
          'search_document_tenant_body_idx',
          'search_document_tenant_trgm_idx',
          'search_document_tenant_phonetic_idx',
        ]);
      }
      // A partial name of four letters: too short to be a misspelt word, so prefixes and sounds
      // only; a common one matches thousands, of which only the first candidates are read and ranked.
      expectToRead(
        await planOf((kysely) => searchQuery(kysely, { q: someone.lastName.slice(0, 4), limit: 20 }), mode),
        ['search_document_tenant_body_idx', 'search_document_tenant_phonetic_idx'],
      );
    }
  });
});
