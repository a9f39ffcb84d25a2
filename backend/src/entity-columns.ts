// Columns every mutable record has: optimistic-lock version and creation/update times.
import { p } from '@mikro-orm/core';

export const versionedColumns = () => ({
  version: p.integer().version(),
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
});

/** Versioned columns plus who created and changed the record, and its trash state. */
export const recordColumns = () => ({
  ...versionedColumns(),
  createdBy: p.uuid().nullable(),
  updatedBy: p.uuid().nullable(),
  deletedAt: p.datetime().nullable(),
  deletedBy: p.uuid().nullable(),
});
