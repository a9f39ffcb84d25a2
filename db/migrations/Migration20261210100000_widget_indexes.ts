import { Migration } from '@mikro-orm/migrations';

// Dashboard widgets (R1) without a period read every open deal, due activity or done task of the
// tenant: top deals by value, the forecast by close date, activities due by start, and per
// colleague the activities held and tasks done. These let each read the index alone (or its first
// entries) instead of the tables.
export class Migration20261210100000_widget_indexes extends Migration {
  override up(): void {
    this.addSql(
      `create index deal_top_idx on deal (tenant_id, value desc, id)
        where status = 'open' and deleted_at is null;`,
    );
    this.addSql(
      `create index deal_forecast_idx on deal (tenant_id, expected_close_date)
        include (pipeline_id, stage_id, owner_id, value, currency)
        where status = 'open' and deleted_at is null and expected_close_date is not null;`,
    );
    this.addSql(
      'create index activity_due_idx on activity (tenant_id, starts_at, id) where deleted_at is null and not done;',
    );
    this.addSql(
      'create index activity_held_idx on activity (tenant_id, owner_id, starts_at) where deleted_at is null and done;',
    );
    this.addSql(
      `create index task_done_by_idx on task (tenant_id, assignee_id, completed_at)
        where deleted_at is null and status = 'done';`,
    );
  }

  override down(): void {
    this.addSql('drop index task_done_by_idx;');
    this.addSql('drop index activity_held_idx;');
    this.addSql('drop index activity_due_idx;');
    this.addSql('drop index deal_forecast_idx;');
    this.addSql('drop index deal_top_idx;');
  }
}
