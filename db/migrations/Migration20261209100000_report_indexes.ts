import { Migration } from '@mikro-orm/migrations';

// Reports (R3) read a period: the win/loss analysis closed deals by close date, the activity report
// done tasks by completion. Without these a period scans every deal or task of the tenant.
export class Migration20261209100000_report_indexes extends Migration {
  override up(): void {
    this.addSql(
      `create index deal_closed_idx on deal (tenant_id, closed_at)
        where deleted_at is null and closed_at is not null;`,
    );
    this.addSql(
      `create index task_completed_idx on task (tenant_id, completed_at)
        where deleted_at is null and status = 'done';`,
    );
  }

  override down(): void {
    this.addSql('drop index task_completed_idx;');
    this.addSql('drop index deal_closed_idx;');
  }
}
