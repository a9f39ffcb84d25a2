export { acquireDirectoryLock, type DirectoryLock, DirectoryLockedError } from './directory-lock.ts';
export {
  DEFAULT_EMBEDDED_MAX_CONNECTIONS,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './embedded.ts';
export { migrate, pendingMigrations } from './migrate.ts';
export { PostgresNamingStrategy } from './naming-strategy.ts';
export { type OrmOptionsInput, ormOptions } from './orm-options.ts';
export { prepareStatement, usePreparedStatements } from './prepared-statements.ts';
