import { Migration } from '@mikro-orm/migrations';

const AUDIT = `
  version integer not null default 1,
  created_at timestamptz not null default now(),
  created_by uuid references app_user (id) on delete set null,
  updated_at timestamptz not null default now(),
  updated_by uuid references app_user (id) on delete set null,
  deleted_at timestamptz,
  deleted_by uuid references app_user (id) on delete set null`;

const TENANT_TABLES = [
  'blob',
  'mail',
  'document',
  'document_version',
  'pending_mail_link',
  'record_reference',
  'record_reference_counter',
];

// Documents (F1) on any record, stored content-addressed; filed mail (E1) with its attachments as
// documents; links remembered for drafts (X2); the short references records carry in subjects (E3).
// Documents and mails reach records through record_link (item_type 'document' / 'mail').
export class Migration20261124050000_mail_documents extends Migration {
  override up(): void {
    // The bytes, once per tenant and content (SHA-256 in hex). The PostgreSQL blob store's table:
    // an object store would keep the same keys elsewhere.
    this.addSql(`
      create table blob (
        tenant_id uuid not null references tenant (id) on delete cascade,
        sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint not null check (size >= 0),
        data bytea not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, sha256)
      );`);
    // Stored as they come: documents are mostly compressed already (PDF, Office, images), and trying
    // to compress megabytes costs more time than it saves space.
    this.addSql('alter table blob alter column data set storage external;');

    this.addSql(`
      create table mail (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        internet_message_id text not null check (length(internet_message_id) between 1 and 998),
        conversation_id text check (length(conversation_id) <= 1000),
        subject text not null default '' check (length(subject) <= 2000),
        from_address text not null check (length(from_address) between 1 and 320),
        from_name text check (length(from_name) <= 300),
        to_recipients jsonb not null default '[]' check (jsonb_typeof(to_recipients) = 'array'),
        cc_recipients jsonb not null default '[]' check (jsonb_typeof(cc_recipients) = 'array'),
        sent_at timestamptz,
        received_at timestamptz,
        body_html text,
        body_text text,
        snippet text not null default '' check (length(snippet) <= 300),
        ${AUDIT}
      );`);
    this.addSql('create unique index mail_message_uq on mail (tenant_id, internet_message_id);');
    this.addSql(
      'create index mail_conversation_idx on mail (tenant_id, conversation_id) where conversation_id is not null;',
    );
    this.addSql('create index mail_trash_idx on mail (tenant_id, deleted_at desc) where deleted_at is not null;');

    this.addSql(`
      create table document (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        name text not null check (length(name) between 1 and 255),
        kind text not null default 'file' check (kind in ('file', 'cloud')),
        cloud_url text check (length(cloud_url) <= 2000),
        mail_id uuid references mail (id) on delete cascade,
        is_inline boolean not null default false,
        content_id text check (length(content_id) <= 500),
        latest_version integer not null default 0 check (latest_version >= 0),
        ${AUDIT},
        check ((kind = 'cloud') = (cloud_url is not null))
      );`);
    this.addSql('create index document_mail_idx on document (tenant_id, mail_id) where mail_id is not null;');
    this.addSql(
      'create index document_trash_idx on document (tenant_id, deleted_at desc, id) where deleted_at is not null;',
    );

    this.addSql(`
      create table document_version (
        tenant_id uuid not null references tenant (id) on delete cascade,
        document_id uuid not null references document (id) on delete cascade,
        number integer not null check (number >= 1),
        sha256 text not null,
        size bigint not null check (size >= 0),
        content_type text not null check (length(content_type) between 1 and 200),
        declared_type text check (length(declared_type) <= 200),
        uploaded_by uuid references app_user (id) on delete set null,
        uploaded_at timestamptz not null default now(),
        primary key (document_id, number),
        foreign key (tenant_id, sha256) references blob (tenant_id, sha256)
      );`);
    this.addSql('create index document_version_blob_idx on document_version (tenant_id, sha256);');

    this.addSql(`
      create table pending_mail_link (
        tenant_id uuid not null references tenant (id) on delete cascade,
        tracking_id text not null check (tracking_id ~ '^[A-Za-z0-9._:-]{8,200}$'),
        conversation_id text check (length(conversation_id) <= 1000),
        internet_message_id text check (length(internet_message_id) <= 998),
        links jsonb not null check (jsonb_typeof(links) = 'array'),
        created_by uuid references app_user (id) on delete set null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        applied_at timestamptz,
        mail_id uuid references mail (id) on delete set null,
        primary key (tenant_id, tracking_id)
      );`);
    this.addSql(
      `create index pending_mail_link_conversation_idx on pending_mail_link (tenant_id, conversation_id)
        where applied_at is null and conversation_id is not null;`,
    );
    this.addSql(
      `create index pending_mail_link_message_idx on pending_mail_link (tenant_id, internet_message_id)
        where applied_at is null and internet_message_id is not null;`,
    );

    // A record's reference ([CRM-P-1234]) is a number per tenant, handed out on first request. A
    // merge moves the merged record's numbers to the survivor (merged_from says whose they were),
    // so subjects that carry them still find it.
    this.addSql(`
      create table record_reference (
        tenant_id uuid not null references tenant (id) on delete cascade,
        number integer not null check (number > 0),
        record_type text not null check (record_type ~ '^[a-z_]{1,40}$'),
        record_id uuid not null,
        merged_from uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, number)
      );`);
    this.addSql(
      'create index record_reference_record_idx on record_reference (tenant_id, record_type, record_id, number);',
    );
    this.addSql(`
      create table record_reference_counter (
        tenant_id uuid primary key references tenant (id) on delete cascade,
        last_number integer not null default 0
      );`);

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
