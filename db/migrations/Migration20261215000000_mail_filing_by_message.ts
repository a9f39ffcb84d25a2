import { Migration } from '@mikro-orm/migrations';

// A pane opened again on a mail asks for its own filings of that message (Y7): pending ones show as
// pending until they are done.
export class Migration20261215000000_mail_filing_by_message extends Migration {
  override up(): void {
    this.addSql(
      'create index mail_filing_request_message_idx on mail_filing_request (tenant_id, user_id, message_id, created_at desc);',
    );
  }

  override down(): void {
    this.addSql('drop index if exists mail_filing_request_message_idx;');
  }
}
