import { Migration } from '@mikro-orm/migrations';

// Filters of the activities list can be saved too (V5), as the other lists' can.
export class Migration20261207100000_activity_saved_filters extends Migration {
  override up(): void {
    this.addSql(
      `alter table saved_filter drop constraint saved_filter_entity_type_check,
        add constraint saved_filter_entity_type_check check (entity_type in
          ('person', 'organization', 'business_contact', 'deal', 'lead', 'task', 'activity'));`,
    );
  }

  override down(): void {
    this.addSql(`delete from saved_filter where entity_type = 'activity';`);
    this.addSql(
      `alter table saved_filter drop constraint saved_filter_entity_type_check,
        add constraint saved_filter_entity_type_check check (entity_type in
          ('person', 'organization', 'business_contact', 'deal', 'lead', 'task'));`,
    );
  }
}
