// What the Outlook resources' routes share: their answers, OData context, list pages and write checks.
import {
  accessDenied,
  GraphError,
  type GraphReply,
  itemIdOf,
  preferenceApplied,
  selectFrom,
  selectionOf,
} from './graph-common.ts';
import type { ItemKind, OutlookCall, OutlookItem } from './graph-mailbox.ts';

/** Outlook's page size for lists without $top. */
const DEFAULT_LIST_SIZE = 10;

export function answer(call: OutlookCall, json: Record<string, unknown>, pageSize?: number, status = 200): GraphReply {
  return { status, json, headers: preferenceApplied(call.preferences, pageSize) };
}

export function context(call: OutlookCall, path: string): string {
  const origin = call.base.slice(0, call.base.indexOf('/v1.0') + 5);
  return `${origin}/$metadata#users('${call.mailbox.userId}')/${path}`;
}

export function writable(call: OutlookCall, kind: ItemKind): void {
  if (!call.canWrite(kind)) {
    throw accessDenied();
  }
}

/** An `If-Match` that names another version than `changeKey` fails the write, as Exchange does. */
export function matchesVersion(call: OutlookCall, changeKey: string): void {
  const wanted = call.ifMatch?.trim();
  if (wanted === undefined || wanted === '*') return;
  if (wanted.replace(/^W\//, '').replace(/"/g, '') !== changeKey) {
    throw new GraphError(
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    );
  }
}

/** `$filter` with one `name eq 'value'` clause (case-insensitive, as Exchange compares names) on `properties`. */
export function filterEquals(
  query: URLSearchParams,
  resources: Array<Record<string, unknown>>,
  properties: string[],
): Array<Record<string, unknown>> {
  const filter = query.get('$filter');
  if (filter === null || filter.trim() === '') return resources;
  const clause = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(filter);
  if (!clause?.[1] || !properties.includes(clause[1])) {
    throw new GraphError(400, 'ErrorInvalidUrlQueryFilter', `The $filter '${filter}' is not supported here.`);
  }
  const property = clause[1];
  const value = (clause[2] ?? '').replace(/''/g, "'").toLowerCase();
  return resources.filter((resource) => String(resource[property] ?? '').toLowerCase() === value);
}

/** One page of a list (`$top`, or `Prefer: odata.maxpagesize`; `$skip`; `$select`), with the next page's link. */
export function listPage<T>(
  call: OutlookCall,
  items: T[],
  render: (item: T) => Record<string, unknown>,
  contextPath: string,
): GraphReply {
  const { query } = call;
  const top = queryNumber(query, '$top', call.preferences.maxPageSize ?? DEFAULT_LIST_SIZE, 1, 1000);
  const skip = queryNumber(query, '$skip', 0, 0, Number.MAX_SAFE_INTEGER);
  const select = selectionOf(query);
  const body: Record<string, unknown> = {
    '@odata.context': context(call, contextPath),
    value: items.slice(skip, skip + top).map((item) => selectFrom(render(item), select)),
  };
  if (skip + top < items.length) {
    const next = new URLSearchParams(query);
    next.set('$skip', String(skip + top));
    // Graph writes the $ of its query options as is.
    body['@odata.nextLink'] = `${call.base}/${call.path.join('/')}?${next.toString().replace(/%24/g, '$')}`;
  }
  return answer(call, body, top);
}

function queryNumber(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = query.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GraphError(
      400,
      'ErrorInvalidUrlQuery',
      `The value '${text}' of the query parameter '${name}' is invalid.`,
    );
  }
  return value;
}

/** A deleted item in a delta round, named with the id it had where the client saw it. */
export function removedEntry(type: ItemKind, key: string, folderId: string, immutable: boolean) {
  return {
    '@odata.type': `#microsoft.graph.${type}`,
    id: itemIdOf(key, folderId, immutable),
    '@removed': { reason: 'deleted' },
  };
}

export const EXTENDED_PROPERTIES = 'singleValueExtendedProperties';

/** Stores the singleValueExtendedProperties of a create or update body on the item (new values replace old). */
export function writeExtendedProperties(item: OutlookItem, input: Record<string, unknown>): void {
  const given = input[EXTENDED_PROPERTIES];
  if (given === undefined) return;
  const entries = Array.isArray(given) ? given : [given];
  for (const entry of entries) {
    const property = (entry ?? {}) as Record<string, unknown>;
    if (typeof property.id !== 'string' || typeof property.value !== 'string') {
      throw new GraphError(
        400,
        'ErrorInvalidExtendedPropertyValue',
        'An extended property needs an id and a string value.',
      );
    }
    item.extended.set(property.id.toLowerCase(), { id: property.id, value: property.value });
  }
}

/** `$expand=singleValueExtendedProperties($filter=id eq '…')`: the named properties the item has. */
export function expandExtendedProperties(
  query: URLSearchParams,
  item: OutlookItem,
  resource: Record<string, unknown>,
): Record<string, unknown> {
  const expand = query.get('$expand');
  if (expand === null || !expand.startsWith(EXTENDED_PROPERTIES)) return resource;
  const wanted = /\$filter=\s*id\s+eq\s+'((?:[^']|'')*)'/i.exec(expand)?.[1]?.replace(/''/g, "'").toLowerCase();
  const values = [...item.extended.entries()].filter(([id]) => wanted === undefined || id === wanted).map(([, p]) => p);
  return { ...resource, [EXTENDED_PROPERTIES]: values };
}

/** `$filter=singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')`; undefined without one. */
export function extendedPropertyFilter(query: URLSearchParams): ((item: OutlookItem) => boolean) | undefined {
  const filter = query.get('$filter');
  if (filter === null || !filter.toLowerCase().startsWith(EXTENDED_PROPERTIES.toLowerCase())) return undefined;
  const literal = "'((?:[^']|'')*)'";
  const match = new RegExp(
    `^${EXTENDED_PROPERTIES}/any\\(\\s*(\\w+)\\s*:\\s*\\1/id\\s+eq\\s+${literal}\\s+and\\s+\\1/value\\s+eq\\s+${literal}\\s*\\)$`,
    'i',
  ).exec(filter.trim());
  if (!match) throw new GraphError(400, 'ErrorInvalidUrlQueryFilter', `The $filter '${filter}' is not supported here.`);
  const id = (match[2] ?? '').replace(/''/g, "'").toLowerCase();
  const value = (match[3] ?? '').replace(/''/g, "'");
  return (item) => item.extended.get(id)?.value === value;
}
