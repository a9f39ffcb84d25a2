import type { MikroORM } from '@mikro-orm/core';
import type { Migrator } from '@mikro-orm/migrations';

function migratorOf(orm: MikroORM): Migrator {
  return orm.migrator as Migrator;
}

/** Applies every pending migration; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await migratorOf(orm).up();
  return applied.map((migration) => migration.name);
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  const pending = await migratorOf(orm).getPending();
  return pending.map((migration) => migration.name);
}
