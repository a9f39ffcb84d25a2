// Constraint and index names as PostgreSQL gives them when a migration leaves them unnamed
// (`person_tenant_id_fkey`, `pipeline_stage_pipeline_id_id_key`), so the schema generator finds
// the migrations' constraints under the names the entities would give them.
import { UnderscoreNamingStrategy } from '@mikro-orm/core';

const POSTGRES_SUFFIX: Record<string, string> = {
  foreign: 'fkey',
  unique: 'key',
  index: 'idx',
  check: 'check',
};

export class PostgresNamingStrategy extends UnderscoreNamingStrategy {
  override indexName(
    tableName: string,
    columns: string[],
    type: 'primary' | 'foreign' | 'unique' | 'index' | 'sequence' | 'check' | 'default',
  ): string {
    const suffix = POSTGRES_SUFFIX[type];
    if (!suffix) return super.indexName(tableName, columns, type);
    const table = tableName.includes('.') ? tableName.slice(tableName.indexOf('.') + 1) : tableName;
    return [table, ...columns.map((column) => column.replace(/\./g, '_')), suffix].join('_');
  }
}
