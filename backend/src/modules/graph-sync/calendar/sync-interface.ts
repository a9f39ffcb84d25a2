// The parts of sync-core the calendar resource uses, named in one place.
export type { GraphRequest, GraphResponse, MailboxGraph } from '../graph-client.ts';
export type { SyncContext, SyncResource } from '../resource.ts';
