// The calendar's view of sync-core's interface (graph-sync/resource.ts, graph-client.ts): kept in
// one place so that the calendar compiles against it before and after sync-core is merged.
import type { EntityManager } from '@mikro-orm/postgresql';

export interface GraphRequest {
  id?: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
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

export interface MailboxGraph {
  readonly mailboxId: string;
  /** `/users/{mailboxId}` — prefix of the mailbox's resources. */
  readonly base: string;
  get<T = unknown>(url: string, headers?: Record<string, string>): Promise<T>;
  post<T = unknown>(url: string, body: unknown): Promise<T>;
  patch<T = unknown>(url: string, body: unknown): Promise<T>;
  delete(url: string): Promise<void>;
  batch(requests: GraphRequest[]): Promise<GraphResponse[]>;
  readonly requestsUsed: number;
}

export interface SyncContext {
  em: EntityManager;
  tenantId: string;
  userId: string;
  connectionId: string;
  graph: MailboxGraph;
}

export interface SyncResource {
  name: 'contacts' | 'events';
  deltaUrl(ctx: SyncContext): Promise<string>;
  applyPage(ctx: SyncContext, items: unknown[]): Promise<void>;
  pushPending(ctx: SyncContext): Promise<void>;
  fullResyncReset?(ctx: SyncContext): Promise<void>;
}
