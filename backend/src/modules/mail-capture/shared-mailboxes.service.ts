// Naming and removing the shared mailboxes the sync files with the app's access, and their health.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Language } from '../../http/language.ts';
import type { Principal } from '../../http/principal.ts';
import { noSuch, problem } from '../../http/problems.ts';
import { MailboxConnection, SyncCursor } from '../graph-sync/graph-sync.entity.ts';
import { queueRun } from '../graph-sync/graph-sync.service.ts';
import { User } from '../identity/user.entity.ts';
import { SharedMailbox } from './shared-mailbox.entity.ts';
import type { SharedMailboxInput, SharedMailboxView } from './shared-mailboxes.schemas.ts';

const KNOWN_ERRORS = [
  'graph_mailbox_denied',
  'graph_access_revoked',
  'graph_unavailable',
  'graph_budget_exhausted',
  'graph_sync_failed',
] as const;

export function sharedMailboxView(mailbox: SharedMailbox, language: Language): SharedMailboxView {
  let lastError: SharedMailboxView['lastError'] = null;
  if (mailbox.lastErrorCode && mailbox.lastErrorAt) {
    const code = KNOWN_ERRORS.find((known) => known === mailbox.lastErrorCode) ?? 'graph_sync_failed';
    const rendered = problem(code);
    lastError = {
      code,
      title: rendered.titles[language],
      detail: rendered.details[language],
      at: mailbox.lastErrorAt.toISOString(),
    };
  }
  return {
    id: mailbox.id,
    address: mailbox.address,
    lastSuccessAt: mailbox.lastSuccessAt?.toISOString() ?? null,
    lastAttemptAt: mailbox.lastAttemptAt?.toISOString() ?? null,
    backlog: mailbox.backlog,
    lastError,
    createdAt: mailbox.createdAt.toISOString(),
  };
}

export async function listSharedMailboxes(em: EntityManager): Promise<SharedMailbox[]> {
  return em.find(SharedMailbox, {}, { orderBy: { address: 'asc', id: 'asc' } });
}

export async function addSharedMailbox(
  em: EntityManager,
  principal: Principal,
  input: SharedMailboxInput,
): Promise<SharedMailbox> {
  if (await em.findOne(SharedMailbox, { address: input.address })) {
    throw problem('duplicate_shared_mailbox', { address: input.address }, { at: { pointer: '#/address' } });
  }
  const mailbox = em.create(SharedMailbox, {
    tenant: principal.tenantId,
    address: input.address,
    createdBy: principal.userId ?? null,
  });
  // Its sync runs as any mailbox's does (cursors, budget, subscriptions), with no user of its own.
  const connection = em.create(MailboxConnection, {
    tenant: principal.tenantId,
    sharedMailboxId: mailbox.id,
    mailbox: input.address,
    enabledBy: 'admin',
    createdBy: principal.userId ?? null,
  });
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw problem('duplicate_shared_mailbox', { address: input.address }, { at: { pointer: '#/address' } });
    }
    throw error;
  }
  await queueRun(em, connection.id);
  return mailbox;
}

/**
 * Who a shared mailbox's filing acts as and is audited for: the admin who named it, or, once they
 * left or are no admin any more, the longest-standing active admin. None: nothing is filed.
 */
export async function sharedMailboxOwner(em: EntityManager, sharedMailboxId: string): Promise<User | null> {
  const mailbox = await em.findOne(SharedMailbox, { id: sharedMailboxId });
  if (!mailbox) return null;
  if (mailbox.createdBy) {
    const namer = await em.findOne(User, { id: mailbox.createdBy });
    if (namer?.active && namer.roles.includes('admin')) return namer;
  }
  return em.findOne(
    User,
    { roles: { $contains: ['admin'] }, active: true },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
}

/** A shared mailbox's health after a run of its connection: as its connection's, backlog in mail pages begun. */
export async function recordSharedMailboxHealth(em: EntityManager, connection: MailboxConnection): Promise<void> {
  if (!connection.sharedMailboxId) return;
  const mailbox = await em.findOne(SharedMailbox, { id: connection.sharedMailboxId });
  if (!mailbox) return;
  const cursors = await em.find(SyncCursor, { connection: connection.id });
  mailbox.lastAttemptAt = connection.lastAttemptAt ?? null;
  mailbox.lastSuccessAt = connection.lastSuccessAt ?? null;
  mailbox.lastErrorCode = connection.lastErrorCode ?? null;
  mailbox.lastErrorAt = connection.lastErrorCode ? (connection.lastErrorAt ?? null) : null;
  mailbox.lastErrorDetail = connection.lastErrorDetail ?? null;
  mailbox.backlog = cursors.filter((cursor) => cursor.nextLink != null || cursor.fullSyncStartedAt != null).length;
  await em.flush();
}

export async function removeSharedMailbox(em: EntityManager, id: string): Promise<void> {
  const mailbox = await em.findOne(SharedMailbox, { id });
  if (!mailbox) throw problem('not_found', { noSuch: noSuch('shared_mailbox'), id });
  em.remove(mailbox);
  await em.flush();
}
