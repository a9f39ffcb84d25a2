import { Migration } from '@mikro-orm/migrations';

// The first schema: the extensions search will need, tenants and their users.
// Identity (roles, teams, row-level security) extends these in later migrations.
export class Migration20261123000000_initial extends Migration {
  override up(): void {
    this.addSql('create extension if not exists pg_trgm;');
    this.addSql('create extension if not exists fuzzystrmatch;');
    this.addSql(`
      create table tenant (
        id uuid primary key,
        name text not null check (length(name) between 1 and 256),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table app_user (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        email text not null check (email = lower(email)),
        display_name text not null,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create unique index app_user_tenant_email_uq on app_user (tenant_id, email);');
  }

  override down(): void {
    this.addSql('drop table if exists app_user;');
    this.addSql('drop table if exists tenant;');
  }
}
