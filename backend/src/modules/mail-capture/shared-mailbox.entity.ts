// A team mailbox (vertrieb@…) an admin names to be filed through Graph with the app's own access (Y3),
// with the health of its filing.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, timestampColumns, userRef } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';

export const SharedMailboxSchema = defineEntity({
  name: 'SharedMailbox',
  tableName: 'shared_mailbox',
  policies: tenantIsolation(),
  uniques: [{ name: 'shared_mailbox_address_uq', properties: ['tenant', 'address'] }],
  checks: [
    { name: 'shared_mailbox_address_check', expression: '(length(address) >= 3) AND (length(address) <= 320)' },
    { name: 'shared_mailbox_last_error_code_check', expression: 'length(last_error_code) <= 100' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    /** The mailbox's address, lower-case; Graph names the mailbox by it (`/users/{address}`). */
    address: p.text(),
    lastSuccessAt: p.datetime().nullable(),
    lastAttemptAt: p.datetime().nullable(),
    /** A code of the problem catalogue (`graph_mailbox_denied` …), told in the reader's language. */
    lastErrorCode: p.text().nullable(),
    lastErrorAt: p.datetime().nullable(),
    /** What the last failure said, for admins. */
    lastErrorDetail: p.text().nullable(),
    /** Pages known but not yet filed. */
    backlog: p.integer().default(0),
    createdBy: () => userRef('created_by'),
    ...timestampColumns(),
  },
});
export class SharedMailbox extends SharedMailboxSchema.class {}
SharedMailboxSchema.setClass(SharedMailbox);
