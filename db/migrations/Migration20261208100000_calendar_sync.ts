import { Migration } from '@mikro-orm/migrations';

// Calendar sync (X6, Y4): which CRM activity is which Outlook event of a connected mailbox, with the
// values both sides last agreed on (per-field conflicts, echoes of our own writes), and the recurring
// series an Outlook series' occurrences belong to. The connection is sync-core's mailbox_connection.
export class Migration20261208100000_calendar_sync extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      create table activity_series (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        connection_id uuid not null references mailbox_connection (id) on delete cascade,
        series_master_id text not null check (length(series_master_id) <= 512),
        subject text not null check (length(subject) <= 300),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    await this.execute(
      'create unique index activity_series_master_uq on activity_series (tenant_id, connection_id, series_master_id);',
    );
    await this.execute(`
      create table event_link (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        connection_id uuid not null references mailbox_connection (id) on delete cascade,
        activity_id uuid not null references activity (id) on delete cascade,
        series_id uuid null references activity_series (id) on delete set null,
        outlook_event_id text not null check (length(outlook_event_id) <= 512),
        series_master_id text null check (length(series_master_id) <= 512),
        occurrence_start timestamptz null,
        change_key text null check (length(change_key) <= 512),
        synced jsonb not null check (jsonb_typeof(synced) = 'object'),
        synced_version integer not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    await this.execute(
      'create unique index event_link_event_uq on event_link (tenant_id, connection_id, outlook_event_id);',
    );
    await this.execute(
      'create unique index event_link_activity_uq on event_link (tenant_id, connection_id, activity_id);',
    );
    await this.execute('create index event_link_activity_idx on event_link (activity_id);');
    await this.execute('create index event_link_series_idx on event_link (series_id);');
    for (const table of ['activity_series', 'event_link']) {
      await this.execute(`grant select, insert, update, delete on ${table} to crm_app;`);
      await this.execute(`alter table ${table} enable row level security;`);
      await this.execute(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }
  }

  override async down(): Promise<void> {
    await this.execute('drop table if exists event_link;');
    await this.execute('drop table if exists activity_series;');
  }
}
