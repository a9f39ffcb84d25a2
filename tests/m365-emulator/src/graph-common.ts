// What every Graph part shares: Graph's error type, the caller, Prefer headers and the ids Outlook hands out.
import type { EmulatorRequest } from './http.ts';
import type { SeedTenant, SeedUser } from './seed.ts';

export const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Who called Graph, from a verified token. */
export interface GraphPrincipal {
  tenant: SeedTenant;
  /** The signed-in user; undefined for app-only tokens. */
  user: SeedUser | undefined;
  scopes: string[];
  roles: string[];
  claims: Record<string, unknown>;
}

export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** What a Graph part answers; the handler adds request ids and the OData content type. */
export interface GraphReply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
}

export const notFound = (segment: string): GraphError =>
  new GraphError(404, 'ResourceNotFound', `Resource not found for the segment '${segment}'.`);
export const itemNotFound = (): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
export const denied = (): GraphError =>
  new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
export const accessDenied = (): GraphError =>
  new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
export const badMethod = (): GraphError =>
  new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');

/** The app that called, as Graph tokens name it. */
export const appIdOf = (principal: GraphPrincipal): string =>
  String(principal.claims.appid ?? principal.claims.azp ?? '');

/** The preferences of a `Prefer` header (several headers or comma-separated), names lower-cased, quotes removed. */
function preferencesOf(request: Pick<EmulatorRequest, 'headers'>): Map<string, string> {
  const raw = request.headers.prefer;
  const text = Array.isArray(raw) ? raw.join(',') : String(raw ?? '');
  const preferences = new Map<string, string>();
  for (const part of text.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const match = /^\s*([\w.-]+)\s*(?:=\s*"?([^"]*)"?)?\s*$/.exec(part);
    if (match?.[1]) preferences.set(match[1].toLowerCase(), match[2] ?? '');
  }
  return preferences;
}

/** How the caller wants items named and times written. */
export interface Preferences {
  immutableIds: boolean;
  timeZone: string | undefined;
  maxPageSize: number | undefined;
}

export function readPreferences(request: Pick<EmulatorRequest, 'headers'>): Preferences {
  const preferences = preferencesOf(request);
  const size = Number(preferences.get('odata.maxpagesize'));
  return {
    immutableIds: preferences.get('idtype')?.toLowerCase() === 'immutableid',
    timeZone: preferences.get('outlook.timezone') || undefined,
    maxPageSize: Number.isInteger(size) && size > 0 ? size : undefined,
  };
}

/** The reply headers that say which preferences were honoured, as Graph writes them. */
export function preferenceApplied(preferences: Preferences, pageSize?: number): Record<string, string> {
  const applied: string[] = [];
  if (preferences.immutableIds) applied.push('IdType="ImmutableId"');
  if (preferences.timeZone) applied.push(`outlook.timezone="${preferences.timeZone}"`);
  if (pageSize !== undefined && preferences.maxPageSize !== undefined) applied.push(`odata.maxpagesize=${pageSize}`);
  return applied.length > 0 ? { 'preference-applied': applied.join(', ') } : {};
}

/**
 * Outlook item ids. An immutable id names the item alone and survives moves; the default (mutable) id also
 * names the folder the item is in, so it changes when the item moves, as Exchange's EntryIds do.
 */
export function itemIdOf(internalId: string, folderId: string, immutable: boolean): string {
  return immutable
    ? `AAkALg${Buffer.from(`I|${internalId}`).toString('base64url')}`
    : `AAMkAG${Buffer.from(`M|${folderId}|${internalId}`).toString('base64url')}`;
}

/** The item and, for a mutable id, the folder it named; undefined when the text is not an item id. */
export function parseItemId(id: string): { internalId: string; folderId: string | undefined } | undefined {
  if (!/^AA(kALg|MkAG)[A-Za-z0-9_-]+$/.test(id)) return undefined;
  const text = Buffer.from(id.slice(6), 'base64url').toString('utf8');
  const [kind, first, second] = text.split('|');
  if (kind === 'I' && first && second === undefined) return { internalId: first, folderId: undefined };
  if (kind === 'M' && first && second) return { internalId: second, folderId: first };
  return undefined;
}

/**
 * An item of `items` by either kind of id (in `folder`, when given); a mutable id of an item that
 * moved since finds nothing, as in Exchange. Throws Graph's ErrorItemNotFound.
 */
export function findItem<T extends { folderId: string }>(items: Map<string, T>, id: string, folder?: string): T {
  const parsed = parseItemId(id);
  const item = parsed ? items.get(parsed.internalId) : undefined;
  if (!item || (parsed?.folderId !== undefined && parsed.folderId !== item.folderId)) throw itemNotFound();
  if (folder !== undefined && item.folderId !== folder) throw itemNotFound();
  return item;
}

/** Graph's OData literal for a `$select`: the names asked for, or undefined for all. */
export function selectionOf(query: URLSearchParams): string[] | undefined {
  const text = query.get('$select');
  if (text === null || text.trim() === '') return undefined;
  return text.split(',').map((name) => name.trim());
}

/** A resource with only the selected properties (id and etag always), as Graph answers `$select`. */
export function selectFrom(resource: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return resource;
  const picked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(resource)) {
    if (name === 'id' || name.startsWith('@odata.') || select.includes(name)) picked[name] = value;
  }
  return picked;
}
