// Outlook's limits per app and mailbox (concurrent requests, requests per period) and faults on demand.
import { randomUUID } from 'node:crypto';
import { GraphError } from './graph-common.ts';
import { syncStateNotFound } from './graph-delta.ts';

export interface GraphLimits {
  /** Requests in flight per app and mailbox; Outlook allows 4. */
  concurrentRequests: number;
  /** Requests per app and mailbox within `periodSeconds`; Outlook allows 10,000 in 10 minutes. */
  requestsPerPeriod: number;
  periodSeconds: number;
}

export const OUTLOOK_LIMITS: GraphLimits = { concurrentRequests: 4, requestsPerPeriod: 10_000, periodSeconds: 600 };

export interface GraphFault {
  /** 429 (with Retry-After), 503 (with Retry-After) or 410 (SyncStateNotFound), or any other status. */
  status: number;
  /** Only requests whose path (after /v1.0) contains this text; default every Graph request. */
  path?: string;
  /** Only requests with this method. */
  method?: string;
  /** How many requests it hits; default 1. */
  times?: number;
  retryAfterSeconds?: number;
  code?: string;
  message?: string;
}

export interface GraphHold {
  path?: string;
  method?: string;
  /** How many requests it holds; default every one until released. */
  times?: number;
}

interface Usage {
  inFlight: number;
  /** Start times (ms) of the requests within the period. */
  recent: number[];
}

const throttled = (message: string, retryAfterSeconds: number): GraphError =>
  new GraphError(429, 'ApplicationThrottled', message, { 'retry-after': String(retryAfterSeconds) });

/** Counts requests per app and mailbox and answers Outlook's 429 when one is over a limit. */
export class MailboxLimits {
  limits: GraphLimits = { ...OUTLOOK_LIMITS };
  readonly #usage = new Map<string, Usage>();

  /** Takes a slot for a request; the answer gives it back. Throws 429 when the app is over a limit. */
  enter(appId: string, mailboxKey: string, now = Date.now()): () => void {
    const key = `${appId}|${mailboxKey}`;
    let usage = this.#usage.get(key);
    if (!usage) {
      usage = { inFlight: 0, recent: [] };
      this.#usage.set(key, usage);
    }
    const periodMs = this.limits.periodSeconds * 1000;
    while (usage.recent.length > 0 && (usage.recent[0] ?? 0) <= now - periodMs) usage.recent.shift();
    if (usage.inFlight >= this.limits.concurrentRequests) {
      throw throttled('Application is over its MailboxConcurrency limit.', 1);
    }
    if (usage.recent.length >= this.limits.requestsPerPeriod) {
      const retryAfter = Math.max(1, Math.ceil(((usage.recent[0] ?? now) + periodMs - now) / 1000));
      throw throttled('Application is over its MailboxRequestsPerPeriod limit.', retryAfter);
    }
    usage.recent.push(now);
    usage.inFlight += 1;
    const held = usage;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      held.inFlight -= 1;
    };
  }

  /** Requests counted in the current period for an app and mailbox. */
  used(appId: string, mailboxKey: string, now = Date.now()): number {
    const usage = this.#usage.get(`${appId}|${mailboxKey}`);
    const periodMs = this.limits.periodSeconds * 1000;
    return usage ? usage.recent.filter((start) => start > now - periodMs).length : 0;
  }

  reset(): void {
    this.#usage.clear();
  }
}

const matches = (rule: { path?: string; method?: string }, method: string, path: string): boolean =>
  (rule.path === undefined || path.toLowerCase().includes(rule.path.toLowerCase())) &&
  (rule.method === undefined || rule.method.toUpperCase() === method);

/** Faults and holds a test asked for. */
export class GraphFaults {
  readonly #faults = new Map<string, GraphFault & { left: number }>();
  readonly #holds = new Map<
    string,
    GraphHold & { left: number; waiting: Array<() => void>; arrived: number; arrivals: Array<() => void> }
  >();

  add(fault: GraphFault): string {
    const id = randomUUID();
    this.#faults.set(id, { ...fault, left: fault.times ?? 1 });
    return id;
  }

  remove(id: string): void {
    this.#faults.delete(id);
  }

  clear(): void {
    this.#faults.clear();
    for (const id of [...this.#holds.keys()]) this.release(id);
  }

  /** Throws the first fault that matches the request, counting it down. */
  check(method: string, path: string): void {
    for (const [id, fault] of this.#faults) {
      if (!matches(fault, method, path)) continue;
      fault.left -= 1;
      if (fault.left <= 0) this.#faults.delete(id);
      if (fault.status === 410 && fault.code === undefined) throw syncStateNotFound();
      const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 || fault.status === 503 ? 1 : undefined);
      const code =
        fault.code ??
        (fault.status === 429
          ? 'ApplicationThrottled'
          : fault.status === 503
            ? 'ServiceUnavailable'
            : 'generalException');
      const message =
        fault.message ??
        (fault.status === 429
          ? 'Application is over its MailboxConcurrency limit.'
          : fault.status === 503
            ? 'The service is temporarily unavailable. Please retry later.'
            : 'A fault the test asked for.');
      throw new GraphError(
        fault.status,
        code,
        message,
        retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {},
      );
    }
  }

  hold(hold: GraphHold): string {
    const id = randomUUID();
    this.#holds.set(id, {
      ...hold,
      left: hold.times ?? Number.POSITIVE_INFINITY,
      waiting: [],
      arrived: 0,
      arrivals: [],
    });
    return id;
  }

  /** Waits while a hold matches the request (after it took its slot, so held requests count as in flight). */
  async wait(method: string, path: string): Promise<void> {
    for (const hold of this.#holds.values()) {
      if (hold.left <= 0 || !matches(hold, method, path)) continue;
      hold.left -= 1;
      hold.arrived += 1;
      for (const arrival of hold.arrivals.splice(0)) arrival();
      await new Promise<void>((resolve) => hold.waiting.push(resolve));
      return;
    }
  }

  /** Resolves once `count` requests are being held by the hold. */
  async held(id: string, count: number): Promise<void> {
    const hold = this.#holds.get(id);
    if (!hold) throw new Error(`No hold ${id}.`);
    while (hold.arrived < count) await new Promise<void>((resolve) => hold.arrivals.push(resolve));
  }

  /** Lets every request the hold keeps go on, and stops holding. */
  release(id: string): void {
    const hold = this.#holds.get(id);
    if (!hold) return;
    this.#holds.delete(id);
    for (const resume of hold.waiting.splice(0)) resume();
  }
}
