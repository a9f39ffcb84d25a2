import { Migration } from '@mikro-orm/migrations';

// The search documents, hash-partitioned by tenant (#17). The search's and the duplicate check's
// matches read GIN indexes led by the tenant, but a GIN index does not narrow by its first column
// as a B-tree does: a word's, a trigram's or a sound's entries list the documents of every tenant,
// and a search read them all (at 10 tenants of 100,000 persons, a common prefix listed 250,000
// documents for the 25,000 of the tenant). In a partition, the entries list the documents of the
// tenants that share it: the tenant's own at best, some more at worst, whatever the database holds.
//
// A partitioned table cannot be made from a full one in place: the documents are copied into a new
// table and the indexes built after the copy, in the migrator's one transaction. Writers of contacts
// wait for it (measured at 1.6 million documents in the closing note of #17); readers of the old
// table read on until the swap.
const SEARCH_PARTITIONS = 16;

export class Migration20261217000000_search_by_tenant extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      create table search_document_by_tenant (like search_document including defaults)
        partition by hash (tenant_id);`);
    for (let remainder = 0; remainder < SEARCH_PARTITIONS; remainder++) {
      const partition = `search_document_${remainder}`;
      await this.execute(
        `create table ${partition} partition of search_document_by_tenant
           for values with (modulus ${SEARCH_PARTITIONS}, remainder ${remainder});`,
      );
      // Read and written through search_document, whose policy holds for its partitions: the
      // schema's default privileges would let the app role read a partition by its own name,
      // past the policy. Without them, and with row-level security and no policy, it sees nothing.
      await this.execute(`revoke all on ${partition} from crm_app;`);
      await this.execute(`alter table ${partition} enable row level security;`);
    }
    await this.swapIn('search_document_by_tenant', '(tenant_id, record_type, record_id)');
    // Autovacuum analyzes the partitions, never the partitioned table: its statistics come from here.
    await this.execute('analyze search_document;');
  }

  override async down(): Promise<void> {
    await this.execute('create table search_document_whole (like search_document including defaults);');
    await this.swapIn('search_document_whole', '(record_type, record_id)');
    await this.execute('create index search_document_tenant_idx on search_document (tenant_id, record_type);');
  }

  /**
   * The documents copied into `table`, which then takes the place of search_document with its
   * keys, indexes (built after the copy), row-level security and the tenant's view.
   */
  private async swapIn(table: string, primaryKey: string): Promise<void> {
    await this.execute(`insert into ${table} select * from search_document;`);
    await this.execute('drop view search_document_in_tenant;');
    await this.execute('drop table search_document;');
    await this.execute(`alter table ${table} rename to search_document;`);
    await this.execute(`
      alter table search_document
        add constraint search_document_pkey primary key ${primaryKey},
        add constraint search_document_tenant_id_fkey foreign key (tenant_id) references tenant (id) on delete cascade;`);
    await this.execute(
      'create index search_document_tenant_trgm_idx on search_document using gin (tenant_id, record_type, normalized gin_trgm_ops) with (fastupdate = off);',
    );
    await this.execute(
      'create index search_document_tenant_phonetic_idx on search_document using gin (tenant_id, record_type, phonetic) with (fastupdate = off);',
    );
    await this.execute(
      'create index search_document_tenant_body_idx on search_document using gin (tenant_id, body) with (fastupdate = off);',
    );
    await this.execute(
      'create index search_document_tenant_vat_idx on search_document (tenant_id, vat_id) where vat_id is not null;',
    );
    await this.execute('grant select, insert, update, delete on search_document to crm_app;');
    await this.execute('alter table search_document enable row level security;');
    await this.execute(
      'create policy tenant_isolation on search_document to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());',
    );
    await this.execute(
      'create view search_document_in_tenant as select * from search_document where tenant_id = crm_current_tenant();',
    );
    await this.execute('grant select on search_document_in_tenant to crm_app;');
  }
}
