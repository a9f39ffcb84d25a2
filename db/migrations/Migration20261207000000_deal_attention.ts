import { Migration } from '@mikro-orm/migrations';

// The start page lists my open deals that need attention (close date passed, or quiet for two
// weeks): an index on my open deals by close date keeps that one statement cheap.
export class Migration20261207000000_deal_attention extends Migration {
  override up(): void {
    this.addSql(
      `create index deal_attention_idx on deal (tenant_id, owner_id, expected_close_date)
        where status = 'open' and deleted_at is null;`,
    );
  }

  override down(): void {
    this.addSql('drop index deal_attention_idx;');
  }
}
