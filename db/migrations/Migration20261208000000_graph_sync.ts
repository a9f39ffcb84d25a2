import { Migration } from '@mikro-orm/migrations';

const TENANT_TABLES = [
  'mailbox_connection',
  'sync_cursor',
  'graph_subscription',
  'graph_request_budget',
  'contact_link',
];

// Graph sync (issue #15): the mailboxes that sync, a delta cursor per mailbox and resource, change
// notification subscriptions (clientState kept hashed), the request budget per mailbox, and the
// links between CRM persons and Outlook contacts with the field values both sides last agreed on.
// History rows say through which channel a change came (`via = 'outlook'`).
export class Migration20261208000000_graph_sync extends Migration {
  override up(): void {
    this.addSql(`
      create table mailbox_connection (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        user_id uuid not null references app_user (id) on delete cascade,
        mailbox text not null check (length(mailbox) <= 320),
        enabled boolean not null default true,
        status text not null default 'pending' check (status in ('pending', 'ok', 'error', 'revoked')),
        enabled_by text not null check (enabled_by in ('self', 'admin')),
        last_success_at timestamptz,
        last_attempt_at timestamptz,
        last_error_code text check (length(last_error_code) <= 100),
        last_error_at timestamptz,
        last_error_detail text,
        backlog int not null default 0,
        paused_at timestamptz,
        stall_notified_at timestamptz,
        created_by uuid references app_user (id) on delete set null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create unique index mailbox_connection_user_uq on mailbox_connection (tenant_id, user_id);');
    this.addSql(`
      create table sync_cursor (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        connection_id uuid not null references mailbox_connection (id) on delete cascade,
        resource text not null check (resource in ('contacts', 'events')),
        container_id text,
        delta_link text,
        next_link text,
        window_start timestamptz,
        window_end timestamptz,
        full_sync_started_at timestamptz,
        last_round_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create unique index sync_cursor_resource_uq on sync_cursor (connection_id, resource);');
    this.addSql(`
      create table graph_subscription (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        connection_id uuid not null references mailbox_connection (id) on delete cascade,
        resource text not null check (resource in ('contacts', 'events')),
        subscription_id text not null,
        client_state_hash text not null,
        expires_at timestamptz not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create unique index graph_subscription_resource_uq on graph_subscription (connection_id, resource);');
    this.addSql('create unique index graph_subscription_subscription_uq on graph_subscription (subscription_id);');
    this.addSql('create index graph_subscription_expires_idx on graph_subscription (expires_at);');
    this.addSql(`
      create table graph_request_budget (
        connection_id uuid primary key references mailbox_connection (id) on update cascade on delete cascade,
        tenant_id uuid not null references tenant (id) on delete cascade,
        window_started_at timestamptz not null,
        used int not null default 0
      );`);
    this.addSql(`
      create table contact_link (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        connection_id uuid not null references mailbox_connection (id) on delete cascade,
        person_id uuid not null references person (id) on delete cascade,
        outlook_id text,
        change_key text,
        synced jsonb not null default '{}'::jsonb,
        synced_version int not null default 0,
        unlinked_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create unique index contact_link_person_uq on contact_link (connection_id, person_id);');
    this.addSql('create unique index contact_link_outlook_uq on contact_link (connection_id, outlook_id);');
    this.addSql('create index contact_link_person_idx on contact_link (tenant_id, person_id);');
    for (const table of TENANT_TABLES) {
      this.addSql(`grant select, insert, update, delete on ${table} to crm_app;`);
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }
    this.addSql(`alter table history add column via text check (via in ('outlook'));`);
  }

  override down(): void {
    this.addSql('alter table history drop column via;');
    for (const table of [...TENANT_TABLES].reverse()) this.addSql(`drop table if exists ${table};`);
  }
}
