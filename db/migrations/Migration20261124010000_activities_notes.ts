import { Migration } from '@mikro-orm/migrations';

const AUDIT = `
  version integer not null default 1,
  created_at timestamptz not null default now(),
  created_by uuid references app_user (id) on delete set null,
  updated_at timestamptz not null default now(),
  updated_by uuid references app_user (id) on delete set null,
  deleted_at timestamptz,
  deleted_by uuid references app_user (id) on delete set null`;

const TENANT_TABLES = ['activity_type', 'activity', 'note', 'comment'];

/** The activity types organisations set up before this migration get (frozen here; the activities module seeds new ones). */
const SEEDED_ACTIVITY_TYPES = [
  { key: 'call', de: 'Anruf', en: 'Call', color: '#0f6cbd', icon: 'call' },
  { key: 'email', de: 'E-Mail', en: 'Email', color: '#5c2e91', icon: 'mail' },
  { key: 'meeting', de: 'Termin', en: 'Meeting', color: '#107c10', icon: 'calendar' },
  { key: 'visit', de: 'Besuch', en: 'Visit', color: '#ca5010', icon: 'vehicle-car' },
] as const;

// A UUIDv7 in SQL (PostgreSQL 15 has no uuidv7()): the millisecond clock in the first 48 bits,
// version 7 and the variant set over a random UUID. Only the rows for organisations that exist
// before this migration are made here; ids are otherwise made in code.
const UUID_V7 = `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
    from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;

// Activities with tenant-editable types (T4), notes on records (T5) and comments per record (T6).
// Activities and notes point at records through record_link (item_type 'activity' / 'note'); a
// note can be the protocol of an activity (a call, a visit).
export class Migration20261124010000_activities_notes extends Migration {
  override up(): void {
    this.addSql(`
      create table activity_type (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        system_key text check (system_key in ('call', 'email', 'meeting', 'visit')),
        name_de text not null check (length(name_de) between 1 and 80),
        name_en text not null check (length(name_en) between 1 and 80),
        color text not null check (color ~ '^#[0-9a-f]{6}$'),
        icon text not null check (icon ~ '^[a-z][a-z0-9-]{0,39}$'),
        active boolean not null default true,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create unique index activity_type_system_uq on activity_type (tenant_id, system_key);');
    this.addSql('create unique index activity_type_name_de_uq on activity_type (tenant_id, lower(name_de));');
    this.addSql('create unique index activity_type_name_en_uq on activity_type (tenant_id, lower(name_en));');

    this.addSql(`
      create table activity (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        type_id uuid not null references activity_type (id) on delete restrict,
        subject text not null check (length(subject) between 1 and 300),
        description text check (length(description) <= 20000),
        starts_at timestamptz not null,
        duration_minutes integer check (duration_minutes between 0 and 14400),
        done boolean not null default false,
        outcome text check (length(outcome) <= 2000),
        direction text check (direction in ('inbound', 'outbound')),
        owner_id uuid references app_user (id) on delete set null,
        ${AUDIT}
      );`);
    this.addSql(
      'create index activity_list_idx on activity (tenant_id, starts_at desc, id desc) where deleted_at is null;',
    );
    this.addSql(
      'create index activity_owner_idx on activity (tenant_id, owner_id, starts_at, id) where deleted_at is null;',
    );
    // A sales rep sees what they own or created: both probes are index scans, OR-ed in a bitmap.
    this.addSql(
      'create index activity_creator_idx on activity (tenant_id, created_by, starts_at) where deleted_at is null;',
    );
    this.addSql('create index activity_type_idx on activity (type_id);');
    this.addSql(
      'create index activity_trash_idx on activity (tenant_id, deleted_at desc, id) where deleted_at is not null;',
    );

    this.addSql(`
      create table note (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        format text not null check (format in ('html', 'markdown')),
        source text not null check (length(source) between 1 and 102400),
        body_html text not null,
        body_text text not null,
        activity_id uuid references activity (id) on delete set null,
        ${AUDIT}
      );`);
    this.addSql('create index note_activity_idx on note (activity_id) where activity_id is not null;');
    this.addSql('create index note_trash_idx on note (tenant_id, deleted_at desc, id) where deleted_at is not null;');

    this.addSql(`
      create table comment (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        record_type text not null check (record_type ~ '^[a-z_]{1,40}$'),
        record_id uuid not null,
        body text not null check (length(body) between 1 and 10000),
        mentions uuid[] not null default '{}',
        author_id uuid references app_user (id) on delete set null,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        edited_at timestamptz
      );`);
    this.addSql('create index comment_record_idx on comment (tenant_id, record_type, record_id, created_at, id);');

    for (const table of TENANT_TABLES) {
      this.addSql(`grant select, insert, update, delete on ${table} to crm_app;`);
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }

    // Organisations set up before activities existed get the seeded types here; new ones get
    // them from the tenant set-up step.
    const values = SEEDED_ACTIVITY_TYPES.map(
      (type) => `('${type.key}', '${type.de}', '${type.en}', '${type.color}', '${type.icon}')`,
    ).join(', ');
    this.addSql(`
      insert into activity_type (id, tenant_id, system_key, name_de, name_en, color, icon)
      select ${UUID_V7}, t.id, s.key, s.name_de, s.name_en, s.color, s.icon
        from tenant t cross join (values ${values}) as s(key, name_de, name_en, color, icon)
      on conflict do nothing;`);
  }

  override down(): void {
    for (const table of [...TENANT_TABLES].reverse()) this.addSql(`drop table if exists ${table};`);
  }
}
