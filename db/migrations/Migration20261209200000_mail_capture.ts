import { Migration } from '@mikro-orm/migrations';

// Automatic mail filing (E2, Y2): the tenant's capture rules (a user's own are a user setting).
export class Migration20261209200000_mail_capture extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      create table capture_rules (
        tenant_id uuid primary key references tenant (id) on delete cascade,
        enabled boolean not null default true,
        internal_domains jsonb null check (jsonb_typeof(internal_domains) = 'array'),
        verified_domains jsonb not null default '[]'::jsonb check (jsonb_typeof(verified_domains) = 'array'),
        excluded_addresses jsonb not null default '[]'::jsonb check (jsonb_typeof(excluded_addresses) = 'array'),
        excluded_domains jsonb not null default '[]'::jsonb check (jsonb_typeof(excluded_domains) = 'array'),
        folders jsonb not null default '["inbox", "sentitems"]'::jsonb check (jsonb_typeof(folders) = 'array'),
        lookback_days integer not null default 30 check (lookback_days between 0 and 3650),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    for (const table of ['capture_rules']) {
      await this.execute(`grant select, insert, update, delete on ${table} to crm_app;`);
      await this.execute(`alter table ${table} enable row level security;`);
      await this.execute(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }
  }

  override async down(): Promise<void> {
    await this.execute('drop table if exists capture_rules;');
  }
}
