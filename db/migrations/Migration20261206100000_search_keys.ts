import { Migration } from '@mikro-orm/migrations';

// Search at 100,000 contacts a tenant and a million in the database (#17).
//
// Exact lookups (the pane's sender lookup, the duplicate check's same email and phone) read
// `search_key`, one row per address or number of a search document, through a B-tree on
// (tenant, kind, value): an equality probe, whatever the other tenants hold and however fresh a
// bulk import is (a GIN index over the arrays answered through its pending list after one).
//
// Similarity, sound and full text keep their GIN indexes, now led by the tenant (btree_gin), so
// a match is looked up among the tenant's documents instead of all tenants' and then thrown away.
//
// The indexes are built with `if not exists`: on a database that is large already, create them
// beforehand with CREATE INDEX CONCURRENTLY under these names (the README says how) and the
// migration only fills `search_key`, without blocking writers while a GIN index is built.
export class Migration20261206100000_search_keys extends Migration {
  override async up(): Promise<void> {
    await this.execute('create extension if not exists btree_gin;');
    await this.execute(`
      create table search_key (
        tenant_id uuid not null references tenant (id) on delete cascade,
        kind text not null check (kind in ('email', 'phone')),
        value text not null,
        record_type text not null,
        record_id uuid not null,
        primary key (tenant_id, kind, value, record_type, record_id)
      );`);
    await this.execute('create index search_key_record_idx on search_key (record_type, record_id);');
    await this.execute(`
      insert into search_key (tenant_id, kind, value, record_type, record_id)
      select tenant_id, 'email', value, record_type, record_id from search_document, unnest(emails) as value
      union
      select tenant_id, 'phone', value, record_type, record_id from search_document, unnest(phones) as value;`);
    await this.execute('grant select, insert, update, delete on search_key to crm_app;');
    await this.execute('alter table search_key enable row level security;');
    await this.execute(
      'create policy tenant_isolation on search_key to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());',
    );

    await this.execute(
      'create index if not exists search_document_tenant_trgm_idx on search_document using gin (tenant_id, record_type, normalized gin_trgm_ops);',
    );
    await this.execute(
      'create index if not exists search_document_tenant_phonetic_idx on search_document using gin (tenant_id, record_type, phonetic);',
    );
    await this.execute(
      'create index if not exists search_document_tenant_body_idx on search_document using gin (tenant_id, body);',
    );
    await this.execute(
      'create index if not exists search_document_tenant_vat_idx on search_document (tenant_id, vat_id) where vat_id is not null;',
    );
    for (const index of ['trgm', 'phonetic', 'body', 'emails', 'phones']) {
      await this.execute(`drop index if exists search_document_${index}_idx;`);
    }
  }

  override async down(): Promise<void> {
    await this.execute('create index search_document_trgm_idx on search_document using gin (normalized gin_trgm_ops);');
    await this.execute('create index search_document_phonetic_idx on search_document using gin (phonetic);');
    await this.execute('create index search_document_body_idx on search_document using gin (body);');
    await this.execute('create index search_document_emails_idx on search_document using gin (emails);');
    await this.execute('create index search_document_phones_idx on search_document using gin (phones);');
    for (const index of ['trgm', 'phonetic', 'body', 'vat']) {
      await this.execute(`drop index if exists search_document_tenant_${index}_idx;`);
    }
    await this.execute('drop table if exists search_key;');
  }
}
