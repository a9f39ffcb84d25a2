import { Migration } from '@mikro-orm/migrations';

// Shared mailboxes synced (#16, Y3): a mailbox connection is a user's mailbox or a shared mailbox an
// admin named (then it has no user), so runs, cursors, budget and subscriptions work for both; the
// filing audit says from which kind of mailbox, at which address, a mail was filed.
export class Migration20261214000000_shared_mailbox_sync extends Migration {
  override async up(): Promise<void> {
    await this.execute('alter table mailbox_connection alter column user_id drop not null;');
    await this.execute(
      'alter table mailbox_connection add column shared_mailbox_id uuid null references shared_mailbox (id) on delete cascade;',
    );
    await this.execute(
      'create unique index mailbox_connection_shared_mailbox_uq on mailbox_connection (tenant_id, shared_mailbox_id);',
    );
    await this.execute(
      'alter table mailbox_connection add constraint mailbox_connection_owner_check check ((user_id is null) <> (shared_mailbox_id is null));',
    );
    // The shared mailboxes named before this sync existed start syncing.
    await this.execute(`
      insert into mailbox_connection (id, tenant_id, shared_mailbox_id, mailbox, enabled_by, created_by)
      select gen_random_uuid(), tenant_id, id, address, 'admin', created_by from shared_mailbox;`);
    await this.execute(
      "alter table mail_capture_audit add column mailbox_kind text null check (mailbox_kind in ('user', 'shared'));",
    );
    await this.execute(
      'alter table mail_capture_audit add column mailbox_address text null check (length(mailbox_address) <= 320);',
    );
  }

  override async down(): Promise<void> {
    await this.execute('alter table mail_capture_audit drop column if exists mailbox_address;');
    await this.execute('alter table mail_capture_audit drop column if exists mailbox_kind;');
    await this.execute('delete from mailbox_connection where shared_mailbox_id is not null;');
    await this.execute('alter table mailbox_connection drop constraint if exists mailbox_connection_owner_check;');
    await this.execute('drop index if exists mailbox_connection_shared_mailbox_uq;');
    await this.execute('alter table mailbox_connection drop column if exists shared_mailbox_id;');
    await this.execute('alter table mailbox_connection alter column user_id set not null;');
  }
}
