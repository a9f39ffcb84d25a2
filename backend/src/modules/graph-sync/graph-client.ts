// The one Graph client of the sync, bound to one mailbox: every request asks for immutable ids,
// at most 4 are in flight, 429/503/504 wait for Retry-After (with jitter) and try again, writes go
// through $batch (20 a request), and every request counts against the mailbox's budget.
//
// At most 4 in flight per mailbox across all processes: runs of a mailbox are one at a time
// (pg-boss queue with policy `stately`, singleton key = the connection), and only a run talks to
// the mailbox's data, so a limiter of 4 in the run's MailboxGraph is the limit across processes.
// Subscription management (few requests, on the subscription resource, not the mailbox) goes
// through its own MailboxGraph.
import { type Client, GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { GraphGateway } from '../../graph/graph-gateway.ts';

export const IMMUTABLE_IDS = 'IdType="ImmutableId"';
/** Graph's batch limit. */
export const BATCH_LIMIT = 20;
/** Outlook's limit of concurrent requests per app and mailbox. */
export const MAILBOX_CONCURRENCY = 4;

export interface GraphRequest {
  /** Unique in its batch; given when missing. */
  id?: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the Graph version, e.g. `/users/{id}/contacts`. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface GraphResponse {
  id: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** The Graph wrapper bound to one mailbox, as resources use it. */
export interface MailboxGraph {
  /** The mailbox's user id in Graph; `/users/{mailboxId}` is where its data lives. */
  readonly mailboxId: string;
  /** `/users/{mailboxId}` — prefix of the mailbox's resources. */
  readonly base: string;
  /** Absolute URLs (`@odata.nextLink`) and paths relative to the version are both taken. */
  get<T = unknown>(url: string, headers?: Record<string, string>): Promise<T>;
  post<T = unknown>(url: string, body: unknown): Promise<T>;
  patch<T = unknown>(url: string, body: unknown): Promise<T>;
  delete(url: string): Promise<void>;
  /** Any number of requests, sent 20 a $batch; answers in the order asked. Throttled items are retried. */
  batch(requests: GraphRequest[]): Promise<GraphResponse[]>;
  /** Requests sent through this client so far (retries and batch items count). */
  readonly requestsUsed: number;
}

/** The mailbox's access is gone: consent revoked, the app's secret wrong, the user not licensed. */
export class GraphAccessError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'GraphAccessError';
    this.code = code;
  }
}

/** The delta token is gone (410, SyncStateNotFound): start a new round. */
export class DeltaExpiredError extends Error {
  constructor(message = 'The delta token is no longer valid (SyncStateNotFound)') {
    super(message);
    this.name = 'DeltaExpiredError';
  }
}

/** This run may not send more requests until `retryAt`. */
export class BudgetExhaustedError extends Error {
  readonly retryAt: Date;
  constructor(retryAt: Date) {
    super(`The mailbox's request budget is used up until ${retryAt.toISOString()}`);
    this.name = 'BudgetExhaustedError';
    this.retryAt = retryAt;
  }
}

/** Graph kept answering 429/503 longer than a run waits, or failed in a way worth a later retry. */
export class GraphUnavailableError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly retryAfterMs: number;
  constructor(message: string, status: number, code: string | null, retryAfterMs: number) {
    super(message);
    this.name = 'GraphUnavailableError';
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Another failure Graph answered for one request (404, 400 …). */
export class GraphRequestError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly body: unknown;
  constructor(message: string, status: number, code: string | null, body: unknown) {
    super(message);
    this.name = 'GraphRequestError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export interface Budget {
  /** Requests this client may still send before it must stop. */
  remaining: number;
  /** When the budget's window ends (a new one starts). */
  resetsAt: Date;
}

export interface MailboxGraphOptions {
  gateway: GraphGateway;
  tenantId: string;
  mailboxId: string;
  budget: Budget;
  /** How long one request may wait through throttling in all before the run gives up (default 5 min). */
  maxWaitMs?: number;
  /** Tries per request on 429/503/504 (default 10). */
  maxAttempts?: number;
  /** Waits; tests may speed it up. */
  sleep?: (ms: number) => Promise<void>;
  /** Told of every request sent (benches count them). */
  onRequests?: (count: number) => void;
}

const RETRYABLE = new Set([429, 503, 504]);
const ACCESS_CODES = /AADSTS(65001|7000215|700016|90002|7000112|500011|50020|53003)/;
const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The SDK's own retry handler is off: this client retries, so it can count every attempt. */
const NO_SDK_RETRY = [new RetryHandlerOptions(0, 0)];

function retryAfterMs(value: string | null | undefined): number {
  if (!value) return 1000;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - Date.now());
}

/** Retry-After plus up to half a second (or a quarter) of jitter, so parallel runs do not return in step. */
function withJitter(ms: number): number {
  return ms + Math.floor(Math.random() * Math.min(500, Math.max(50, ms / 4)));
}

function headerOf(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const record = headers as Record<string, string>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key ? (record[key] ?? null) : null;
}

function errorCodeOf(body: unknown): string | null {
  const error = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string' ? error.code : null;
}

const isDeltaExpired = (status: number, code: string | null) =>
  status === 410 || code?.toLowerCase() === 'syncstatenotfound' || code?.toLowerCase() === 'resyncrequired';

/** A counting semaphore: at most `size` holders at once. */
class Limiter {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}

export class GraphMailboxClient implements MailboxGraph {
  readonly mailboxId: string;
  readonly base: string;
  readonly #client: Client;
  readonly #gateway: GraphGateway;
  readonly #tenantId: string;
  readonly #limiter = new Limiter(MAILBOX_CONCURRENCY);
  readonly #budget: Budget;
  readonly #maxWaitMs: number;
  readonly #maxAttempts: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #onRequests: ((count: number) => void) | undefined;
  #used = 0;

  constructor(options: MailboxGraphOptions) {
    this.#gateway = options.gateway;
    this.#tenantId = options.tenantId;
    this.mailboxId = options.mailboxId;
    this.base = `/users/${encodeURIComponent(options.mailboxId)}`;
    this.#client = options.gateway.client(options.tenantId);
    this.#budget = options.budget;
    this.#maxWaitMs = options.maxWaitMs ?? 300_000;
    this.#maxAttempts = options.maxAttempts ?? 10;
    this.#sleep = options.sleep ?? sleepFor;
    this.#onRequests = options.onRequests;
  }

  get requestsUsed(): number {
    return this.#used;
  }

  #spend(count: number): void {
    if (this.#budget.remaining < count) throw new BudgetExhaustedError(this.#budget.resetsAt);
    this.#budget.remaining -= count;
    this.#used += count;
    this.#onRequests?.(count);
  }

  /** One request with retries; throws the typed errors above. */
  async #send<T>(method: GraphRequest['method'], url: string, body?: unknown, headers?: Record<string, string>) {
    let waited = 0;
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      this.#spend(1);
      try {
        return await this.#limiter.run(async () => {
          let request = this.#client.api(url).header('Prefer', IMMUTABLE_IDS).middlewareOptions(NO_SDK_RETRY);
          for (const [name, value] of Object.entries(headers ?? {})) {
            request = request.header(name, name.toLowerCase() === 'prefer' ? `${IMMUTABLE_IDS}, ${value}` : value);
          }
          switch (method) {
            case 'GET':
              return (await request.get()) as T;
            case 'POST':
              return (await request.post(body)) as T;
            case 'PATCH':
              return (await request.patch(body)) as T;
            case 'DELETE':
              return (await request.delete()) as T;
          }
        });
      } catch (error) {
        const failure = this.#classify(error);
        if (failure.kind === 'retry') {
          const wait = withJitter(failure.retryAfterMs);
          if (attempt >= this.#maxAttempts || waited + wait > this.#maxWaitMs) {
            throw new GraphUnavailableError(failure.message, failure.status, failure.code, wait);
          }
          waited += wait;
          await this.#sleep(wait);
          continue;
        }
        if (failure.kind === 'unauthorized' && !refreshed) {
          // A 401 may be a token that expired in flight: one fresh token, then it is an access error.
          refreshed = true;
          await this.#gateway.appToken(this.#tenantId, { fresh: true }).catch(() => undefined);
          continue;
        }
        throw failure.error;
      }
    }
  }

  #classify(
    error: unknown,
  ):
    | { kind: 'retry'; status: number; code: string | null; retryAfterMs: number; message: string }
    | { kind: 'unauthorized' | 'fail'; error: Error } {
    const message = error instanceof Error ? error.message : String(error);
    if (ACCESS_CODES.test(message)) {
      return { kind: 'fail', error: new GraphAccessError(message, message.match(ACCESS_CODES)?.[0] ?? 'AADSTS') };
    }
    if (error instanceof GraphError) {
      const status = error.statusCode;
      const code = error.code;
      if (RETRYABLE.has(status)) {
        return {
          kind: 'retry',
          status,
          code,
          retryAfterMs: retryAfterMs(headerOf(error.headers, 'retry-after')),
          message,
        };
      }
      if (isDeltaExpired(status, code)) return { kind: 'fail', error: new DeltaExpiredError(message) };
      if (status === 401) return { kind: 'unauthorized', error: new GraphAccessError(message, code ?? 'Unauthorized') };
      if (status === 403) return { kind: 'fail', error: new GraphAccessError(message, code ?? 'Forbidden') };
      if (status <= 0) {
        // No answer at all (connection refused, reset): worth a later run, not a crash.
        return { kind: 'fail', error: new GraphUnavailableError(message, 0, code, 60_000) };
      }
      return { kind: 'fail', error: new GraphRequestError(message, status, code, error.body) };
    }
    return { kind: 'fail', error: error instanceof Error ? error : new Error(message) };
  }

  get<T = unknown>(url: string, headers?: Record<string, string>): Promise<T> {
    return this.#send<T>('GET', url, undefined, headers);
  }

  post<T = unknown>(url: string, body: unknown): Promise<T> {
    return this.#send<T>('POST', url, body);
  }

  patch<T = unknown>(url: string, body: unknown): Promise<T> {
    return this.#send<T>('PATCH', url, body);
  }

  async delete(url: string): Promise<void> {
    await this.#send<unknown>('DELETE', url);
  }

  async batch(requests: GraphRequest[]): Promise<GraphResponse[]> {
    const withIds = requests.map((request, index) => ({ ...request, id: request.id ?? String(index + 1) }));
    const answers = new Map<string, GraphResponse>();
    const chunks: (typeof withIds)[] = [];
    for (let start = 0; start < withIds.length; start += BATCH_LIMIT)
      chunks.push(withIds.slice(start, start + BATCH_LIMIT));
    // The chunks go out side by side: the limiter keeps them at 4 in flight (Outlook runs a batch's
    // requests one after another, so 4 batches hold at most 4 of the mailbox's slots).
    const settled = await Promise.allSettled(chunks.map((chunk) => this.#batchChunk(chunk, answers)));
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    return withIds.map((request) => answers.get(request.id) ?? { id: request.id, status: 0, body: null, headers: {} });
  }

  async #batchChunk(chunk: (GraphRequest & { id: string })[], answers: Map<string, GraphResponse>): Promise<void> {
    let pending = chunk;
    let waited = 0;
    for (let round = 1; pending.length > 0; round += 1) {
      // Each item inside the batch is a request of its own for Outlook's limits.
      if (this.#budget.remaining < pending.length + 1) throw new BudgetExhaustedError(this.#budget.resetsAt);
      this.#budget.remaining -= pending.length;
      this.#used += pending.length;
      this.#onRequests?.(pending.length);
      const answer = await this.#send<{ responses?: GraphResponse[] }>('POST', '/$batch', {
        requests: pending.map((request) => ({
          id: request.id,
          method: request.method,
          url: request.url,
          headers: {
            Prefer: IMMUTABLE_IDS,
            ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...request.headers,
          },
          ...(request.body === undefined ? {} : { body: request.body }),
        })),
      });
      const retry: typeof pending = [];
      let wait = 0;
      for (const response of answer.responses ?? []) {
        const request = pending.find((candidate) => candidate.id === response.id);
        if (!request) continue;
        if (RETRYABLE.has(response.status)) {
          retry.push(request);
          wait = Math.max(wait, retryAfterMs(headerOf(response.headers, 'retry-after')));
        } else {
          answers.set(response.id, { ...response, headers: response.headers ?? {} });
        }
      }
      if (retry.length === 0) return;
      const delay = withJitter(wait);
      if (round >= this.#maxAttempts || waited + delay > this.#maxWaitMs) {
        throw new GraphUnavailableError('Graph kept throttling the batch', 429, 'ApplicationThrottled', delay);
      }
      waited += delay;
      await this.#sleep(delay);
      pending = retry;
    }
  }
}

/** What a batch item's failure means, as the typed errors of single requests say it. */
export function batchItemError(response: GraphResponse): Error | undefined {
  if (response.status >= 200 && response.status < 300) return undefined;
  const code = errorCodeOf(response.body);
  if (response.status === 401 || response.status === 403) {
    return new GraphAccessError(`Graph refused access (${response.status} ${code ?? ''})`, code ?? 'Forbidden');
  }
  if (isDeltaExpired(response.status, code)) return new DeltaExpiredError();
  return new GraphRequestError(`Graph answered ${response.status} ${code ?? ''}`, response.status, code, response.body);
}
