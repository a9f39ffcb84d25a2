import { Migration } from '@mikro-orm/migrations';

// Typed relations between any two records (C4), with tenant-editable types and reverse names.
export class Migration20261123050000_relations extends Migration {
  override up(): void {
    this.addSql(`
      create table relation_type (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        name text not null check (length(name) between 1 and 80),
        reverse_name text not null check (length(reverse_name) between 1 and 80),
        active boolean not null default true,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create unique index relation_type_name_uq on relation_type (tenant_id, lower(name));');
    this.addSql(`
      create table relation (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        type_id uuid not null references relation_type (id) on delete restrict,
        from_type text not null,
        from_id uuid not null,
        to_type text not null,
        to_id uuid not null,
        note text check (length(note) <= 500),
        created_at timestamptz not null default now(),
        created_by uuid references app_user (id) on delete set null,
        check (not (from_type = to_type and from_id = to_id))
      );`);
    this.addSql('create unique index relation_uq on relation (type_id, from_type, from_id, to_type, to_id);');
    this.addSql('create index relation_from_idx on relation (tenant_id, from_type, from_id);');
    this.addSql('create index relation_to_idx on relation (tenant_id, to_type, to_id);');
    for (const table of ['relation_type', 'relation']) {
      this.addSql(`grant select, insert, update, delete on ${table} to crm_app;`);
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }
  }

  override down(): void {
    this.addSql('drop table if exists relation;');
    this.addSql('drop table if exists relation_type;');
  }
}
