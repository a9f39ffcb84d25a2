import { Migration } from '@mikro-orm/migrations';

// Tags (V4) on any record, and custom field definitions (V1, V2) per entity type.
export class Migration20261123030000_tags_custom_fields extends Migration {
  override up(): void {
    this.addSql(`
      create table tag (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        name text not null check (length(name) between 1 and 60),
        color text not null default '#6264a7' check (color ~ '^#[0-9a-fA-F]{6}$'),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create unique index tag_tenant_name_uq on tag (tenant_id, lower(name));');
    this.addSql(`
      create table record_tag (
        tenant_id uuid not null references tenant (id) on delete cascade,
        tag_id uuid not null references tag (id) on delete cascade,
        record_type text not null,
        record_id uuid not null,
        tagged_at timestamptz not null default now(),
        tagged_by uuid references app_user (id) on delete set null,
        primary key (tag_id, record_type, record_id)
      );`);
    this.addSql('create index record_tag_record_idx on record_tag (tenant_id, record_type, record_id);');

    this.addSql(`
      create table custom_field (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        entity_type text not null check (entity_type in ('person', 'organization', 'business_contact', 'deal', 'lead', 'task')),
        key text not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
        label_de text not null check (length(label_de) between 1 and 100),
        label_en text not null check (length(label_en) between 1 and 100),
        type text not null check (type in ('text', 'number', 'boolean', 'date', 'select')),
        options jsonb not null default '[]' check (jsonb_typeof(options) = 'array'),
        required boolean not null default false,
        position integer not null default 0,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create unique index custom_field_key_uq on custom_field (tenant_id, entity_type, key);');

    for (const table of ['tag', 'record_tag', 'custom_field']) {
      this.addSql(`grant select, insert, update, delete on ${table} to crm_app;`);
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }
  }

  override down(): void {
    for (const table of ['custom_field', 'record_tag', 'tag']) this.addSql(`drop table if exists ${table};`);
  }
}
