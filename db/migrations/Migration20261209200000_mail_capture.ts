import { Migration } from '@mikro-orm/migrations';

// Automatic mail filing (E2, Y2): the tenant's capture rules (a user's own are a user setting), the
// audit of every automatic filing and un-filing, and the sync's two mail resources (inbox, sent items).
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
    await this.execute(`
      create table mail_capture_audit (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        mail_id uuid not null references mail (id) on delete cascade,
        internet_message_id text not null check (length(internet_message_id) between 1 and 998),
        action text not null check (action in ('filed', 'unfiled')),
        rule text null check (length(rule) <= 100),
        matched jsonb not null default '[]'::jsonb check (jsonb_typeof(matched) = 'array'),
        connection_id uuid null references mailbox_connection (id) on delete set null,
        mailbox text null check (length(mailbox) <= 320),
        folder text null check (folder in ('inbox', 'sentitems')),
        user_id uuid null references app_user (id) on delete set null,
        rules_version integer null,
        created_at timestamptz not null default now()
      );`);
    await this.execute(
      'create index mail_capture_audit_message_idx on mail_capture_audit (tenant_id, internet_message_id);',
    );
    await this.execute('create index mail_capture_audit_mail_idx on mail_capture_audit (mail_id);');
    await this.execute('create index mail_capture_audit_connection_idx on mail_capture_audit (connection_id);');
    for (const table of ['sync_cursor', 'graph_subscription']) {
      await this.execute(`alter table ${table} drop constraint ${table}_resource_check;`);
      await this.execute(
        `alter table ${table} add constraint ${table}_resource_check check (resource in ('contacts', 'events', 'mail-inbox', 'mail-sentitems'));`,
      );
    }
    for (const table of ['capture_rules', 'mail_capture_audit']) {
      await this.execute(`grant select, insert, update, delete on ${table} to crm_app;`);
      await this.execute(`alter table ${table} enable row level security;`);
      await this.execute(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }
  }

  override async down(): Promise<void> {
    await this.execute('drop table if exists mail_capture_audit;');
    await this.execute('drop table if exists capture_rules;');
  }
}
