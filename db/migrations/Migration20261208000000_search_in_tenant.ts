import { Migration } from '@mikro-orm/migrations';

// The search's and the duplicate check's matches through their indexes, under row-level security
// (#17). For the app's role, PostgreSQL evaluates the tenant policy before any operator that is
// not leakproof, and the trigram (%), full-text (@@) and array (@>) operators are not: they could
// only filter the tenant's rows read through the tenant part of an index (every document of the
// tenant, 400 ms for a search at 20,000 persons). This view, owned like the table, holds the
// current tenant's documents by the same condition as the policy; read through it, the tenant
// and the match form one index condition on the tenant-led GIN indexes.
//
// The GIN indexes take new entries directly (fastupdate off): with the default pending list, a
// bulk import left up to 4 MB of unsorted entries that every search and duplicate check read
// through until autovacuum came (a duplicate check's sound lookup 20 ms instead of 1 ms). The
// pending lists of today are merged here. Both are changes of index options, not index builds:
// they take a moment on a database of a million persons, so this migration needs no CONCURRENTLY.
const GIN_INDEXES = [
  'search_document_tenant_trgm_idx',
  'search_document_tenant_phonetic_idx',
  'search_document_tenant_body_idx',
];

export class Migration20261208000000_search_in_tenant extends Migration {
  override up(): void {
    for (const index of GIN_INDEXES) {
      this.addSql(`alter index ${index} set (fastupdate = off);`);
      this.addSql(`select gin_clean_pending_list('${index}'::regclass);`);
    }
    this.addSql(
      'create view search_document_in_tenant as select * from search_document where tenant_id = crm_current_tenant();',
    );
    this.addSql('grant select on search_document_in_tenant to crm_app;');
  }

  override down(): void {
    this.addSql('drop view search_document_in_tenant;');
    for (const index of GIN_INDEXES) this.addSql(`alter index ${index} reset (fastupdate);`);
  }
}
