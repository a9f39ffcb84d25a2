import { Migration } from '@mikro-orm/migrations';

// Per-user settings (V6): a list's columns, order, widths and sort, the favourite lists; one JSON
// value per user and key, kept on the server so that they follow the user to another device.
export class Migration20261206200000_user_settings extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      create table user_setting (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        user_id uuid not null references app_user (id) on delete cascade,
        key text not null check (length(key) between 1 and 80),
        value jsonb not null check (jsonb_typeof(value) = 'object'),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    await this.execute('create unique index user_setting_key_uq on user_setting (tenant_id, user_id, key);');
    await this.execute('grant select, insert, update, delete on user_setting to crm_app;');
    await this.execute('alter table user_setting enable row level security;');
    await this.execute(
      'create policy tenant_isolation on user_setting to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());',
    );
  }

  override async down(): Promise<void> {
    await this.execute('drop table if exists user_setting;');
  }
}
