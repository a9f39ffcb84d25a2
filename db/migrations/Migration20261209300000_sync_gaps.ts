import { Migration } from '@mikro-orm/migrations';

// Calendar sync gaps (X6): an activity's location and whether it lasts whole days, both carried to
// and from Outlook events (an all-day activity starts at midnight of its date in the owner's zone).
export class Migration20261209300000_sync_gaps extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      alter table activity
        add column location text null check (length(location) <= 300),
        add column all_day boolean not null default false;`);
  }
}
