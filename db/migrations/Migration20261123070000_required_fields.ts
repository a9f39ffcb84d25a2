import { Migration } from '@mikro-orm/migrations';

// Built-in fields a tenant requires on its records (none by default), by entity type.
export class Migration20261123070000_required_fields extends Migration {
  override up(): void {
    this.addSql(
      `alter table tenant add column required_fields jsonb not null default '{}' check (jsonb_typeof(required_fields) = 'object');`,
    );
  }

  override down(): void {
    this.addSql('alter table tenant drop column required_fields;');
  }
}
