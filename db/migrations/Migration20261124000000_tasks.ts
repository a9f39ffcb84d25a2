import { Migration } from '@mikro-orm/migrations';

const AUDIT = `
  version integer not null default 1,
  created_at timestamptz not null default now(),
  created_by uuid references app_user (id) on delete set null,
  updated_at timestamptz not null default now(),
  updated_by uuid references app_user (id) on delete set null,
  deleted_at timestamptz,
  deleted_by uuid references app_user (id) on delete set null`;

const TENANT_TABLES = ['record_link', 'task', 'task_dependency', 'absence', 'notification'];

// Tasks (T1-T3, T7), the one link mechanism that ties tasks, activities, notes and later mails
// and documents to records, absences with substitutes, and the notification outbox every
// reminder, delegation and mention goes through (delivered by the bot, read in /me/notifications).
export class Migration20261124000000_tasks extends Migration {
  override up(): void {
    this.addSql(`
      create table record_link (
        tenant_id uuid not null references tenant (id) on delete cascade,
        item_type text not null check (item_type ~ '^[a-z_]{1,40}$'),
        item_id uuid not null,
        record_type text not null check (record_type ~ '^[a-z_]{1,40}$'),
        record_id uuid not null,
        created_at timestamptz not null default now(),
        primary key (item_type, item_id, record_type, record_id)
      );`);
    this.addSql(
      'create index record_link_record_idx on record_link (tenant_id, record_type, record_id, item_type, item_id);',
    );

    this.addSql(`
      create table task (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        title text not null check (length(title) between 1 and 300),
        description text check (length(description) <= 20000),
        assignee_id uuid references app_user (id) on delete set null,
        team_id uuid references team (id) on delete set null,
        owner_id uuid references app_user (id) on delete set null,
        status text not null default 'open'
          check (status in ('open', 'in_progress', 'waiting', 'done', 'cancelled')),
        priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
        due_at timestamptz,
        time_zone text not null default 'Europe/Berlin' check (length(time_zone) <= 64),
        follow_up_on date,
        remind_at timestamptz,
        completed_at timestamptz,
        completed_by uuid references app_user (id) on delete set null,
        rank text not null default 'm' collate "C",
        delegation_state text check (delegation_state in ('pending', 'accepted', 'declined')),
        delegated_by uuid references app_user (id) on delete set null,
        delegated_at timestamptz,
        delegation_note text check (length(delegation_note) <= 2000),
        substituted_for uuid references app_user (id) on delete set null,
        substitution_absence_id uuid,
        ${AUDIT}
      );`);
    this.addSql(
      `create index task_assignee_idx on task (tenant_id, assignee_id, due_at, id)
        where deleted_at is null and status not in ('done', 'cancelled');`,
    );
    this.addSql(
      `create index task_team_idx on task (tenant_id, team_id, due_at, id)
        where deleted_at is null and status not in ('done', 'cancelled');`,
    );
    this.addSql('create index task_delegated_by_idx on task (tenant_id, delegated_by) where delegated_by is not null;');
    this.addSql('create index task_owner_idx on task (tenant_id, owner_id);');
    this.addSql('create index task_list_idx on task (tenant_id, due_at, id) where deleted_at is null;');
    this.addSql('create index task_updated_idx on task (tenant_id, updated_at desc, id) where deleted_at is null;');
    this.addSql('create index task_trash_idx on task (tenant_id, deleted_at desc) where deleted_at is not null;');
    this.addSql(
      `create index task_overdue_idx on task (due_at)
        where deleted_at is null and status not in ('done', 'cancelled') and due_at is not null;`,
    );

    this.addSql(`
      create table task_dependency (
        tenant_id uuid not null references tenant (id) on delete cascade,
        task_id uuid not null references task (id) on delete cascade,
        depends_on_id uuid not null references task (id) on delete cascade,
        created_at timestamptz not null default now(),
        created_by uuid references app_user (id) on delete set null,
        primary key (task_id, depends_on_id),
        check (task_id <> depends_on_id)
      );`);
    this.addSql('create index task_dependency_reverse_idx on task_dependency (depends_on_id, task_id);');

    this.addSql(`
      create table absence (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        user_id uuid not null references app_user (id) on delete cascade,
        substitute_id uuid not null references app_user (id) on delete cascade,
        starts_at timestamptz not null,
        ends_at timestamptz not null,
        note text check (length(note) <= 500),
        returned_at timestamptz,
        ${AUDIT},
        check (ends_at > starts_at),
        check (user_id <> substitute_id)
      );`);
    this.addSql('create index absence_user_idx on absence (tenant_id, user_id, ends_at) where deleted_at is null;');
    this.addSql('create index absence_window_idx on absence (starts_at, ends_at) where deleted_at is null;');

    this.addSql(`
      create table notification (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        recipient_id uuid not null references app_user (id) on delete cascade,
        kind text not null check (kind ~ '^[a-z_.]{1,60}$'),
        payload jsonb not null default '{}',
        idempotency_key text not null check (length(idempotency_key) <= 300),
        state text not null default 'pending' check (state in ('pending', 'sending', 'sent', 'failed')),
        attempts integer not null default 0,
        last_error text,
        next_attempt_at timestamptz not null default now(),
        created_at timestamptz not null default now(),
        sent_at timestamptz,
        read_at timestamptz
      );`);
    this.addSql('create unique index notification_idempotency_uq on notification (tenant_id, idempotency_key);');
    this.addSql(
      'create index notification_recipient_idx on notification (tenant_id, recipient_id, created_at desc, id);',
    );
    this.addSql(
      `create index notification_unread_idx on notification (tenant_id, recipient_id) where read_at is null;`,
    );
    this.addSql(
      `create index notification_delivery_idx on notification (next_attempt_at) where state in ('pending', 'sending');`,
    );
    this.addSql('create index notification_admin_idx on notification (tenant_id, created_at desc, id);');

    for (const table of TENANT_TABLES) {
      this.addSql(`grant select, insert, update, delete on ${table} to crm_app;`);
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }
  }

  override down(): void {
    for (const table of [...TENANT_TABLES].reverse()) this.addSql(`drop table if exists ${table};`);
  }
}
