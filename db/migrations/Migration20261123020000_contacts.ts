import { Migration } from '@mikro-orm/migrations';

const AUDIT = `
  version integer not null default 1,
  created_at timestamptz not null default now(),
  created_by uuid references app_user (id) on delete set null,
  updated_at timestamptz not null default now(),
  updated_by uuid references app_user (id) on delete set null,
  deleted_at timestamptz,
  deleted_by uuid references app_user (id) on delete set null`;

// Contacts (MRM): persons and organizations on their own, business contacts joining them, the
// history of every change, and the search document of every searchable record.
export class Migration20261123020000_contacts extends Migration {
  override up(): void {
    this.addSql(`
      create table person (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        title text check (length(title) <= 60),
        first_name text check (length(first_name) <= 100),
        last_name text not null check (length(last_name) between 1 and 100),
        emails jsonb not null default '[]' check (jsonb_typeof(emails) = 'array'),
        phones jsonb not null default '[]' check (jsonb_typeof(phones) = 'array'),
        addresses jsonb not null default '[]' check (jsonb_typeof(addresses) = 'array'),
        birthday date,
        language text check (language in ('de', 'en')),
        custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object'),
        owner_id uuid references app_user (id) on delete set null,
        ${AUDIT}
      );`);
    this.addSql(
      'create index person_list_idx on person (tenant_id, last_name, first_name, id) where deleted_at is null;',
    );
    this.addSql('create index person_updated_idx on person (tenant_id, updated_at desc, id) where deleted_at is null;');
    this.addSql('create index person_trash_idx on person (tenant_id, deleted_at desc) where deleted_at is not null;');
    this.addSql('create index person_emails_idx on person using gin (emails jsonb_path_ops);');
    this.addSql('create index person_phones_idx on person using gin (phones jsonb_path_ops);');
    this.addSql('create index person_owner_idx on person (tenant_id, owner_id);');

    this.addSql(`
      create table organization (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        name text not null check (length(name) between 1 and 200),
        emails jsonb not null default '[]' check (jsonb_typeof(emails) = 'array'),
        phones jsonb not null default '[]' check (jsonb_typeof(phones) = 'array'),
        addresses jsonb not null default '[]' check (jsonb_typeof(addresses) = 'array'),
        vat_id text check (length(vat_id) <= 20),
        industry text check (length(industry) <= 100),
        employee_count integer check (employee_count >= 0),
        revenue numeric(18, 2) check (revenue >= 0),
        website text check (length(website) <= 300),
        custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object'),
        owner_id uuid references app_user (id) on delete set null,
        ${AUDIT}
      );`);
    this.addSql('create index organization_list_idx on organization (tenant_id, name, id) where deleted_at is null;');
    this.addSql(
      'create index organization_updated_idx on organization (tenant_id, updated_at desc, id) where deleted_at is null;',
    );
    this.addSql(
      'create index organization_trash_idx on organization (tenant_id, deleted_at desc) where deleted_at is not null;',
    );
    this.addSql('create index organization_emails_idx on organization using gin (emails jsonb_path_ops);');
    this.addSql('create index organization_phones_idx on organization using gin (phones jsonb_path_ops);');
    this.addSql('create index organization_vat_idx on organization (tenant_id, vat_id) where vat_id is not null;');
    this.addSql('create index organization_owner_idx on organization (tenant_id, owner_id);');

    this.addSql(`
      create table business_contact (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        person_id uuid not null references person (id) on delete cascade,
        organization_id uuid not null references organization (id) on delete cascade,
        email text check (email = lower(email) and length(email) <= 254),
        phone text check (length(phone) <= 40),
        phone_e164 text,
        position text check (length(position) <= 120),
        department text check (length(department) <= 120),
        employee_number text check (length(employee_number) <= 40),
        is_primary boolean not null default false,
        ${AUDIT}
      );`);
    this.addSql(
      'create index business_contact_person_idx on business_contact (tenant_id, person_id) where deleted_at is null;',
    );
    this.addSql(
      'create index business_contact_organization_idx on business_contact (tenant_id, organization_id) where deleted_at is null;',
    );
    this.addSql(
      'create index business_contact_email_idx on business_contact (tenant_id, email) where email is not null;',
    );
    this.addSql(
      'create index business_contact_phone_idx on business_contact (tenant_id, phone_e164) where phone_e164 is not null;',
    );
    this.addSql(
      'create unique index business_contact_primary_uq on business_contact (person_id) where is_primary and deleted_at is null;',
    );

    this.addSql(`
      create table history (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        record_type text not null,
        record_id uuid not null,
        change_id uuid not null,
        action text not null check (action in ('create', 'update', 'delete', 'restore', 'merge')),
        field text,
        before jsonb,
        after jsonb,
        changed_by uuid references app_user (id) on delete set null,
        changed_at timestamptz not null default now()
      );`);
    this.addSql('create index history_record_idx on history (tenant_id, record_type, record_id, changed_at desc, id);');

    this.addSql(`
      create table search_document (
        tenant_id uuid not null references tenant (id) on delete cascade,
        record_type text not null,
        record_id uuid not null,
        title text not null,
        subtitle text,
        normalized text not null,
        phonetic text[] not null default '{}',
        emails text[] not null default '{}',
        phones text[] not null default '{}',
        postal_codes text[] not null default '{}',
        vat_id text,
        body tsvector not null,
        updated_at timestamptz not null default now(),
        primary key (record_type, record_id)
      );`);
    this.addSql('create index search_document_trgm_idx on search_document using gin (normalized gin_trgm_ops);');
    this.addSql('create index search_document_phonetic_idx on search_document using gin (phonetic);');
    this.addSql('create index search_document_body_idx on search_document using gin (body);');
    this.addSql('create index search_document_emails_idx on search_document using gin (emails);');
    this.addSql('create index search_document_phones_idx on search_document using gin (phones);');
    this.addSql('create index search_document_tenant_idx on search_document (tenant_id, record_type);');

    for (const table of ['person', 'organization', 'business_contact', 'history', 'search_document']) {
      this.addSql(`grant select, insert, update, delete on ${table} to crm_app;`);
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }
  }

  override down(): void {
    for (const table of ['search_document', 'history', 'business_contact', 'organization', 'person']) {
      this.addSql(`drop table if exists ${table};`);
    }
  }
}
