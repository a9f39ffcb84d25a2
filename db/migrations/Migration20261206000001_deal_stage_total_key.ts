import { Migration } from '@mikro-orm/migrations';

// Every entity needs a primary key, and the board's column totals had only their unique key
// (nulls not distinct, as the owner may be empty, so it cannot be the primary key). A surrogate
// key the totals' triggers never set does it.
export class Migration20261206000001_deal_stage_total_key extends Migration {
  override up(): void {
    this.addSql('alter table deal_stage_total add column id bigserial primary key;');
  }

  override down(): void {
    this.addSql('alter table deal_stage_total drop column id;');
  }
}
