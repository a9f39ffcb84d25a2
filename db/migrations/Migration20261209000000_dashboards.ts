import { Migration } from '@mikro-orm/migrations';

// Dashboards (R1, R2): a user's own widgets (owner_id); the one published (published_at) is the
// whole company's, at most one per organisation.
export class Migration20261209000000_dashboards extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      create table dashboard (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        owner_id uuid references app_user (id) on delete cascade,
        name text not null check (length(name) between 1 and 120),
        widgets jsonb not null check (jsonb_typeof(widgets) = 'array'),
        published_at timestamptz,
        published_by uuid references app_user (id) on delete set null,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        created_by uuid references app_user (id) on delete set null,
        updated_at timestamptz not null default now(),
        updated_by uuid references app_user (id) on delete set null
      );`);
    await this.execute('create index dashboard_owner_idx on dashboard (tenant_id, owner_id);');
    await this.execute(
      'create unique index dashboard_published_uq on dashboard (tenant_id) where published_at is not null;',
    );
    await this.execute('grant select, insert, update, delete on dashboard to crm_app;');
    await this.execute('alter table dashboard enable row level security;');
    await this.execute(
      'create policy tenant_isolation on dashboard to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());',
    );
  }

  override async down(): Promise<void> {
    await this.execute('drop table if exists dashboard;');
  }
}
