import { Migration } from '@mikro-orm/migrations';

// Filing by reference (#16, Y7): the add-in names a message and the records, a job fetches it through
// Graph and files it; the pane's idempotency key makes a repeated request the same filing.
export class Migration20261213200000_mail_filing_request extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      create table mail_filing_request (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        user_id uuid not null references app_user (id) on delete cascade,
        idempotency_key text not null check (length(idempotency_key) between 8 and 200),
        message_id text not null check (length(message_id) between 1 and 1000),
        mailbox text not null check (length(mailbox) between 1 and 320),
        links jsonb not null check (jsonb_typeof(links) = 'array'),
        state text not null default 'pending' check (state in ('pending', 'filed', 'failed')),
        mail_id uuid null,
        problem jsonb null,
        attempts integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint mail_filing_request_key_uq unique (tenant_id, user_id, idempotency_key)
      );`);
    await this.execute('grant select, insert, update, delete on mail_filing_request to crm_app;');
    await this.execute('alter table mail_filing_request enable row level security;');
    await this.execute(
      'create policy tenant_isolation on mail_filing_request to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());',
    );
  }

  override async down(): Promise<void> {
    await this.execute('drop table if exists mail_filing_request;');
  }
}
