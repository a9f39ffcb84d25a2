// Filing by reference (Y7): the pane names the message, the server fetches it and its attachments
// through Graph and files it through the mail module's fileMail, as the pane's upload does (one
// stored mail per internetMessageId, so an upload of the same mail at the same moment is one mail).
// The request is answered at once; a job does the fetching, so a dropped network, an expired token
// or a closed pane after the click still ends in the mail filed, exactly once.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphGateway } from '../../graph/graph-gateway.ts';
import { AppError } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import { noSuch, problem } from '../../http/problems.ts';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { newId } from '../../ids.ts';
import { jobServicesOf } from '../../jobs/job-services.ts';
import type { TenantJob } from '../../jobs/registry.ts';
import { enqueue } from '../../jobs/runtime.ts';
import { db, jsonb } from '../../records/sql.ts';
import { PostgresBlobStore } from '../../storage/blob-store.ts';
import { requireVisibleLinks } from '../documents/record-access.ts';
import { ownerPrincipal } from '../graph-sync/contacts/contacts.resource.ts';
import {
  BudgetExhaustedError,
  GraphAccessError,
  GraphMailboxClient,
  GraphRequestError,
  GraphUnavailableError,
  type MailboxGraphOptions,
} from '../graph-sync/graph-client.ts';
import { tenantIdOf } from '../graph-sync/graph-sync.service.ts';
import { mailboxBudget } from '../graph-sync/sync-run.ts';
import { User } from '../identity/user.entity.ts';
import { type FileMailInput, fileMail } from '../mail/mail.service.ts';
import { attachmentsOf, type GraphMessage, headersOf, MESSAGE_FIELDS, mailOf } from '../mail-capture/graph-message.ts';
import { MailFilingRequest, type StoredProblem } from './mail-filing.entity.ts';
import type { FileByReference, MailFilingList, MailFilingState } from './mail-filing.schemas.ts';

export const FILE_BY_REFERENCE_JOB = 'mail-filing-fetch';
export interface FileByReferenceJob {
  filingId: string;
}

/** Tries of a filing whose Graph stays unavailable before it fails (each after the client's own retries). */
export const MAX_ATTEMPTS = 5;

/** Requests one filing may send where no sync budget is kept for the mailbox (a mail, its attachments). */
const FILING_REQUESTS = 50;

/** Test hooks: a faster clock for Retry-After. Unset in production. */
export const filingTuning: { current: Pick<MailboxGraphOptions, 'sleep' | 'maxWaitMs'> } = { current: {} };

const unreachable = (mailbox: string, reason: string) => problem('mail_filing_graph_unreachable', { mailbox, reason });

function stored(error: AppError): StoredProblem {
  return { status: error.status, code: error.code, title: error.titles, detail: error.details };
}

function view(filing: MailFilingRequest, language: 'de' | 'en'): MailFilingState {
  return {
    id: filing.id,
    state: filing.state,
    mailId: filing.mailId ?? null,
    problem: filing.problem
      ? {
          status: filing.problem.status,
          code: filing.problem.code,
          title: filing.problem.title[language],
          detail: filing.problem.detail[language],
        }
      : null,
    createdAt: filing.createdAt.toISOString(),
    updatedAt: filing.updatedAt.toISOString(),
  };
}

/**
 * Takes a filing by reference: checks the records and that Graph can reach the mailbox (else 409
 * mail_filing_graph_unreachable, and the pane uploads the mail itself), and queues the fetch. The
 * same idempotency key again is the same filing.
 */
export async function requestFiling(
  em: EntityManager,
  principal: Principal,
  graph: GraphGateway,
  input: FileByReference,
): Promise<{ filing: MailFilingState; created: boolean }> {
  const userId = principal.userId as string;
  const existing = await em.findOne(MailFilingRequest, { userId, idempotencyKey: input.idempotencyKey });
  if (existing) return { filing: sameFiling(existing, input, principal), created: false };
  if (!graph.configured) {
    throw unreachable(input.mailbox, 'the CRM has no Microsoft 365 application access configured.');
  }
  const user = await em.findOneOrFail(User, { id: userId });
  const mailbox = input.mailbox.toLowerCase();
  // Shared mailboxes are the sync's (Y3); here only the requester's own mailbox is fetched.
  if (mailbox !== user.email.toLowerCase() && mailbox !== user.entraObjectId.toLowerCase()) {
    throw unreachable(input.mailbox, 'it is not your own mailbox.');
  }
  await requireVisibleLinks(em, principal, input.links);
  const id = newId();
  // A concurrent request with the same key: the unique key keeps one, the other answers with it.
  const inserted = await db(em)
    .insertInto('mail_filing_request')
    .values({
      id,
      tenant_id: principal.tenantId,
      user_id: userId,
      idempotency_key: input.idempotencyKey,
      message_id: input.messageId,
      mailbox: user.entraObjectId,
      links: jsonb(input.links),
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'user_id', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  const filing = await em.findOneOrFail(MailFilingRequest, {
    userId,
    idempotencyKey: input.idempotencyKey,
  });
  if (!inserted) return { filing: sameFiling(filing, input, principal), created: false };
  await enqueue(em, FILE_BY_REFERENCE_JOB, { filingId: filing.id } satisfies FileByReferenceJob);
  return { filing: view(filing, principal.language), created: true };
}

function sameFiling(filing: MailFilingRequest, input: FileByReference, principal: Principal): MailFilingState {
  if (filing.messageId !== input.messageId) throw problem('mail_filing_key_reused', { key: input.idempotencyKey });
  return view(filing, principal.language);
}

/** The state of a filing; only its requester sees it (anyone else: 404). */
export async function filingState(em: EntityManager, principal: Principal, id: string): Promise<MailFilingState> {
  const filing = await em.findOne(MailFilingRequest, { id, userId: principal.userId as string });
  if (!filing) throw problem('not_found', { noSuch: noSuch('mail_filing'), id });
  return view(filing, principal.language);
}

/** The caller's own filings of a message, newest first: a pane opened again shows one still pending. */
export async function filingsOfMessage(
  em: EntityManager,
  principal: Principal,
  messageId: string,
): Promise<MailFilingList> {
  const filings = await em.find(
    MailFilingRequest,
    { userId: principal.userId as string, messageId },
    { orderBy: { createdAt: 'desc' }, limit: 10 },
  );
  return { items: filings.map((filing) => view(filing, principal.language)) };
}

async function fetchMessage(graph: GraphMailboxClient, messageId: string): Promise<Omit<FileMailInput, 'links'>> {
  const path = `${graph.base}/messages/${encodeURIComponent(messageId)}`;
  const message = await graph.get<GraphMessage>(`${path}?$select=${[...MESSAGE_FIELDS, 'internetMessageHeaders']}`);
  return {
    ...mailOf(message, await attachmentsOf(graph, message)),
    internetMessageId: message.internetMessageId ?? null,
    internetHeaders: headersOf(message),
  };
}

async function finish(
  em: EntityManager,
  tenantId: string,
  filingId: string,
  outcome: { mailId: string } | { problem: StoredProblem },
): Promise<void> {
  await inTenantTransaction(em, tenantId, async (tx) => {
    const filing = await tx.findOneOrFail(MailFilingRequest, { id: filingId });
    if (filing.state !== 'pending') return;
    if ('mailId' in outcome) {
      filing.state = 'filed';
      filing.mailId = outcome.mailId;
    } else {
      filing.state = 'failed';
      filing.problem = outcome.problem;
    }
    await tx.flush();
  });
}

/** Fetches and files one filing; at-least-once safe (a filed or failed filing is left as it is). */
async function fileByReference(em: EntityManager, filingId: string): Promise<void> {
  const tenantId = tenantIdOf(em);
  const services = jobServicesOf(em);
  const filing = await inTenantTransaction(em, tenantId, async (tx) => {
    const found = await tx.findOne(MailFilingRequest, { id: filingId });
    if (found?.state !== 'pending') return null;
    found.attempts += 1;
    await tx.flush();
    return {
      messageId: found.messageId,
      mailbox: found.mailbox,
      links: found.links,
      userId: found.userId,
      attempts: found.attempts,
    };
  });
  if (!filing) return;
  // The mailbox's sync and its filings share Graph's budget for the mailbox.
  const { budget, book } = await mailboxBudget(em, tenantId, filing.mailbox, FILING_REQUESTS);
  const graph = new GraphMailboxClient({
    gateway: services.graph,
    tenantId,
    mailboxId: filing.mailbox,
    budget,
    maxWaitMs: 60_000,
    ...filingTuning.current,
  });
  let message: Omit<FileMailInput, 'links'>;
  try {
    message = await fetchMessage(graph, filing.messageId).finally(() => book(graph.requestsUsed));
  } catch (error) {
    if (error instanceof GraphRequestError && error.status === 404) {
      await finish(em, tenantId, filingId, {
        problem: stored(problem('mail_filing_message_gone', { mailbox: filing.mailbox })),
      });
      return;
    }
    if (error instanceof GraphAccessError) {
      await finish(em, tenantId, filingId, { problem: stored(unreachable(filing.mailbox, error.message)) });
      return;
    }
    if (
      (error instanceof GraphUnavailableError || error instanceof BudgetExhaustedError) &&
      filing.attempts < MAX_ATTEMPTS
    ) {
      const startAfter =
        error instanceof BudgetExhaustedError
          ? error.retryAt
          : new Date(Date.now() + Math.max(5_000, error.retryAfterMs));
      await inTenantTransaction(em, tenantId, (tx) =>
        enqueue(tx, FILE_BY_REFERENCE_JOB, { filingId } satisfies FileByReferenceJob, { startAfter }),
      );
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    services.logger.warn({ err: error, tenantId, filingId }, 'filing by reference failed');
    await finish(em, tenantId, filingId, { problem: stored(unreachable(filing.mailbox, reason)) });
    return;
  }
  const deps = { store: new PostgresBlobStore(), documentMaxBytes: services.config.documentMaxBytes };
  try {
    await inTenantTransaction(em, tenantId, async (tx) => {
      const principal = await ownerPrincipal(tx, tenantId, filing.userId);
      const filed = await fileMail(tx, principal, deps, { ...message, links: filing.links });
      const row = await tx.findOneOrFail(MailFilingRequest, { id: filingId });
      if (row.state !== 'pending') return;
      row.state = 'filed';
      row.mailId = filed.id;
      await tx.flush();
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // The mail cannot be filed as it is (a draft, records gone, too large): the pane says why.
    await finish(em, tenantId, filingId, { problem: stored(error) });
  }
}

export async function fileByReferenceJobs(em: EntityManager, jobs: TenantJob<FileByReferenceJob>[]): Promise<void> {
  for (const job of jobs) await fileByReference(em, job.data.filingId);
}
