import { Migration } from '@mikro-orm/migrations';

// Shared mailboxes (#16, Y3): the team mailboxes an admin names to be filed through Graph with the app's access.
export class Migration20261213100000_shared_mailboxes extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      create table shared_mailbox (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        address text not null check (length(address) between 3 and 320),
        last_success_at timestamptz null,
        last_attempt_at timestamptz null,
        last_error_code text null check (length(last_error_code) <= 100),
        last_error_at timestamptz null,
        last_error_detail text null,
        backlog integer not null default 0,
        created_by uuid null references app_user (id) on delete set null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint shared_mailbox_address_uq unique (tenant_id, address)
      );`);
    await this.execute('grant select, insert, update, delete on shared_mailbox to crm_app;');
    await this.execute('alter table shared_mailbox enable row level security;');
    await this.execute(
      'create policy tenant_isolation on shared_mailbox to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());',
    );
  }

  override async down(): Promise<void> {
    await this.execute('drop table if exists shared_mailbox;');
  }
}
