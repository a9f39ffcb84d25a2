import { Migration } from '@mikro-orm/migrations';

// The job queue's schema, pgboss, made ready for jobs enqueued inside a request's transaction:
// that transaction runs as crm_app, so crm_app may add and cancel jobs in pg-boss's tables.
// pg-boss installs and migrates its own tables in this schema when the backend starts; the
// default privileges cover those tables whenever they are created.
export class Migration20261124030000_jobs extends Migration {
  override up(): void {
    this.addSql('create schema if not exists pgboss;');
    this.addSql('grant usage on schema pgboss to crm_app;');
    this.addSql('grant select, insert, update on all tables in schema pgboss to crm_app;');
    this.addSql('alter default privileges in schema pgboss grant select, insert, update on tables to crm_app;');
  }

  override down(): void {
    this.addSql('alter default privileges in schema pgboss revoke select, insert, update on tables from crm_app;');
    this.addSql('revoke select, insert, update on all tables in schema pgboss from crm_app;');
    this.addSql('revoke usage on schema pgboss from crm_app;');
  }
}
