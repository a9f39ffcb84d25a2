// Naming and removing the shared mailboxes the sync files with the app's access, and their health.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Language } from '../../http/language.ts';
import type { Principal } from '../../http/principal.ts';
import { noSuch, problem } from '../../http/problems.ts';
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
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw problem('duplicate_shared_mailbox', { address: input.address }, { at: { pointer: '#/address' } });
    }
    throw error;
  }
  return mailbox;
}

export async function removeSharedMailbox(em: EntityManager, id: string): Promise<void> {
  const mailbox = await em.findOne(SharedMailbox, { id });
  if (!mailbox) throw problem('not_found', { noSuch: noSuch('shared_mailbox'), id });
  em.remove(mailbox);
  await em.flush();
}
