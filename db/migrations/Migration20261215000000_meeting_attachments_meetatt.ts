import { Migration } from '@mikro-orm/migrations';

// Meeting attachments as documents (#16, Y4): a document says which meeting's Outlook attachment it
// first came as, and an event's pair remembers the attachments already taken, so each is taken once.
export class Migration20261215000000_meeting_attachments_meetatt extends Migration {
  override async up(): Promise<void> {
    await this.execute(
      'alter table document add column activity_id uuid null references activity (id) on delete set null;',
    );
    await this.execute(
      'create index document_activity_idx on document (tenant_id, activity_id) where activity_id is not null;',
    );
    await this.execute('alter table event_link add column attachment_ids jsonb null;');
  }

  override async down(): Promise<void> {
    await this.execute('alter table event_link drop column if exists attachment_ids;');
    await this.execute('drop index if exists document_activity_idx;');
    await this.execute('alter table document drop column if exists activity_id;');
  }
}
