import { Migration } from '@mikro-orm/migrations';

// Dashboards (R1): the win rate and the lost reasons count a tenant's closed deals, which without a
// period meant reading every deal of the tenant (open ones are five in six at the bench's scale).
// This index holds the closed deals only, with what the two widgets filter and group by.
export class Migration20261215000000_dash_outcome_index extends Migration {
  override up(): void {
    this.addSql(
      `create index deal_outcome_idx on deal (tenant_id, closed_at)
        include (status, pipeline_id, owner_id, lost_reason_id) where deleted_at is null and status <> 'open';`,
    );
  }

  override down(): void {
    this.addSql('drop index deal_outcome_idx;');
  }
}
