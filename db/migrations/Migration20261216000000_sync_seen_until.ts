import { Migration } from '@mikro-orm/migrations';

// How far a sync run's view of the CRM reaches, in commit order rather than by the clock: a CRM
// change still uncommitted when a run began is due for the next run, however early its timestamp.
export class Migration20261216000000_sync_seen_until extends Migration {
  override up(): void {
    this.addSql('alter table mailbox_connection add column crm_seen_until timestamptz null;');
    this.addSql('alter table contact_link add column work_seen_until timestamptz null;');
  }

  override down(): void {
    this.addSql('alter table contact_link drop column if exists work_seen_until;');
    this.addSql('alter table mailbox_connection drop column if exists crm_seen_until;');
  }
}
