import { Migration } from '@mikro-orm/migrations';

// People on a record (C8): further contacts (persons) and responsible colleagues (users), each with a role.
export class Migration20261123060000_record_people extends Migration {
  override up(): void {
    this.addSql(`
      create table record_person (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        record_type text not null,
        record_id uuid not null,
        person_id uuid references person (id) on delete cascade,
        user_id uuid references app_user (id) on delete cascade,
        role text check (length(role) <= 80),
        created_at timestamptz not null default now(),
        created_by uuid references app_user (id) on delete set null,
        check ((person_id is null) <> (user_id is null))
      );`);
    this.addSql(
      'create unique index record_person_uq on record_person (record_type, record_id, coalesce(person_id, user_id));',
    );
    this.addSql('create index record_person_record_idx on record_person (tenant_id, record_type, record_id);');
    this.addSql('grant select, insert, update, delete on record_person to crm_app;');
    this.addSql('alter table record_person enable row level security;');
    this.addSql(
      'create policy tenant_isolation on record_person to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());',
    );
  }

  override down(): void {
    this.addSql('drop table if exists record_person;');
  }
}
