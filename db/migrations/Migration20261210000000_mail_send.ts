import { Migration } from '@mikro-orm/migrations';

// Mail templates (E3): a user's own (owner_id) or the company's (owner_id null, kept by admins);
// names unique per owner, case-insensitively.
export class Migration20261210000000_mail_send extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      create table mail_template (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        owner_id uuid references app_user (id) on delete cascade,
        name text not null check (length(name) between 1 and 120),
        subject text not null default '' check (length(subject) <= 998),
        body_html text not null default '',
        version integer not null default 1,
        created_at timestamptz not null default now(),
        created_by uuid references app_user (id) on delete set null,
        updated_at timestamptz not null default now(),
        updated_by uuid references app_user (id) on delete set null
      );`);
    await this.execute('create index mail_template_owner_idx on mail_template (tenant_id, owner_id);');
    await this.execute(
      "create unique index mail_template_name_uq on mail_template (tenant_id, coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));",
    );
    await this.execute('grant select, insert, update, delete on mail_template to crm_app;');
    await this.execute('alter table mail_template enable row level security;');
    await this.execute(
      'create policy tenant_isolation on mail_template to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());',
    );
  }

  override async down(): Promise<void> {
    await this.execute('drop table if exists mail_template;');
  }
}
