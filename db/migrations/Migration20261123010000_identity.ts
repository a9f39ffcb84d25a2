import { Migration } from '@mikro-orm/migrations';

// Identity and tenancy: users keyed by their Entra object id, CRM roles, teams with managers,
// and row-level security on every tenant table.
//
// The API works as the role `crm_app` (set per transaction with SET LOCAL ROLE): neither owner
// nor superuser, so the policies below bind it. Its tenant comes from the transaction-local
// setting `app.tenant_id`; without one it sees nothing.
export class Migration20261123010000_identity extends Migration {
  override up(): void {
    this.addSql(`
      do $$ begin
        if not exists (select from pg_roles where rolname = 'crm_app') then
          create role crm_app nologin noinherit;
        end if;
      end $$;`);
    // The connecting (owner) role must be allowed to SET ROLE crm_app.
    this.addSql('grant crm_app to current_user;');
    this.addSql('grant usage on schema public to crm_app;');
    this.addSql('alter default privileges in schema public grant select, insert, update, delete on tables to crm_app;');
    this.addSql('alter default privileges in schema public grant usage, select on sequences to crm_app;');
    this.addSql('grant select, insert, update, delete on tenant, app_user to crm_app;');

    this.addSql(`
      create function crm_current_tenant() returns uuid language sql stable as
      $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;`);
    this.addSql('grant execute on function crm_current_tenant() to crm_app;');

    this.addSql(`
      alter table tenant
        add column set_up_by uuid,
        add column default_language text not null default 'de' check (default_language in ('de', 'en'));`);

    this.addSql('drop index app_user_tenant_email_uq;');
    this.addSql(`
      alter table app_user
        add column entra_object_id uuid not null,
        add column job_title text,
        add column language text not null default 'de' check (language in ('de', 'en')),
        add column roles text[] not null default '{sales_rep}'
          check (roles <@ array['admin', 'sales_manager', 'sales_rep', 'inside_sales']::text[] and cardinality(roles) > 0),
        add column active boolean not null default true,
        add column last_seen_at timestamptz;`);
    this.addSql('create unique index app_user_tenant_oid_uq on app_user (tenant_id, entra_object_id);');
    this.addSql('create index app_user_tenant_email_idx on app_user (tenant_id, email);');
    this.addSql('create index app_user_tenant_name_idx on app_user (tenant_id, display_name, id);');

    this.addSql(`
      create table team (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        name text not null check (length(name) between 1 and 120),
        manager_id uuid references app_user (id) on delete set null,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create unique index team_tenant_name_uq on team (tenant_id, lower(name));');
    this.addSql('create index team_manager_idx on team (tenant_id, manager_id);');
    this.addSql(`
      create table team_member (
        tenant_id uuid not null references tenant (id) on delete cascade,
        team_id uuid not null references team (id) on delete cascade,
        user_id uuid not null references app_user (id) on delete cascade,
        primary key (team_id, user_id)
      );`);
    this.addSql('create index team_member_user_idx on team_member (tenant_id, user_id);');
    this.addSql('grant select, insert, update, delete on team, team_member to crm_app;');

    this.addSql('alter table tenant enable row level security;');
    this.addSql('create policy tenant_isolation on tenant to crm_app using (id = crm_current_tenant());');
    for (const table of ['app_user', 'team', 'team_member']) {
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }
  }

  override down(): void {
    this.addSql('drop table if exists team_member;');
    this.addSql('drop table if exists team;');
    this.addSql('drop policy if exists tenant_isolation on app_user;');
    this.addSql('drop policy if exists tenant_isolation on tenant;');
    this.addSql('alter table app_user disable row level security;');
    this.addSql('alter table tenant disable row level security;');
    this.addSql(
      'alter table app_user drop column entra_object_id, drop column job_title, drop column language, drop column roles, drop column active, drop column last_seen_at;',
    );
    this.addSql('alter table tenant drop column set_up_by, drop column default_language;');
    this.addSql('drop function if exists crm_current_tenant();');
  }
}
