import { Migration } from '@mikro-orm/migrations';

// Lists sort by name case-insensitively with a keyset cursor; these indexes serve that order.
export class Migration20261123040000_list_order extends Migration {
  override up(): void {
    this.addSql(
      `create index person_name_order_idx on person (tenant_id, lower(last_name), lower(coalesce(first_name, '')), id) where deleted_at is null;`,
    );
    this.addSql(
      'create index organization_name_order_idx on organization (tenant_id, lower(name), id) where deleted_at is null;',
    );
    this.addSql('drop index if exists person_list_idx;');
    this.addSql('drop index if exists organization_list_idx;');
  }

  override down(): void {
    this.addSql('drop index if exists person_name_order_idx;');
    this.addSql('drop index if exists organization_name_order_idx;');
  }
}
