// Microsoft Graph v1.0 as the CRM uses it: /me, /users, /organization, the Outlook resources of a mailbox,
// /subscriptions and $batch, with Graph's auth checks, limits and error shape.
import { randomUUID } from 'node:crypto';
import { type EmulatorContext, issuerOf } from './context.ts';
import { graphBatch } from './graph-batch.ts';
import { calendarRoutes } from './graph-calendar.ts';
import {
  accessDenied,
  appIdOf,
  denied,
  GraphError,
  type GraphPrincipal,
  type GraphReply,
  notFound,
  ODATA_JSON,
  readPreferences,
} from './graph-common.ts';
import { contactRoutes } from './graph-contacts.ts';
import type { GraphServices } from './graph-control.ts';
import type { ItemKind, OutlookCall } from './graph-mailbox.ts';
import { messageRoutes } from './graph-messages.ts';
import type { EmulatorRequest, Reply } from './http.ts';
import { GRAPH_APP_ID, GRAPH_RESOURCE, type SeedTenant, type SeedUser } from './seed.ts';
import { TokenVerificationError } from './signing-keys.ts';

export type { GraphPrincipal } from './graph-common.ts';

/** The first segment after the mailbox of every Outlook resource the emulator serves. */
const OUTLOOK_RESOURCES = new Set([
  'contacts',
  'contactFolders',
  'calendars',
  'calendar',
  'events',
  'calendarView',
  'mailFolders',
  'messages',
  'sendMail',
]);
const DEFAULT_PAGE_SIZE = 100;

const USER_READ_ROLES = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const ORGANIZATION_READ_ROLES = [
  'Organization.Read.All',
  'Organization.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const FILTERABLE_USER_PROPERTIES = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'jobTitle',
  'preferredLanguage',
];

/** Verifies a Graph bearer token issued by the emulator; throws Graph's 401. */
export function authenticateGraph(context: EmulatorContext, request: EmulatorRequest): GraphPrincipal {
  const unauthorized = (message: string): GraphError =>
    new GraphError(401, 'InvalidAuthenticationToken', message, {
      'www-authenticate': `Bearer realm="", authorization_uri="${context.url}/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`,
    });
  const authorization = String(request.headers.authorization ?? '');
  const token = authorization.toLowerCase().startsWith('bearer ') ? authorization.slice(7).trim() : '';
  if (token === '') throw unauthorized('Access token is empty.');
  let claims: Record<string, unknown>;
  try {
    claims = context.keys.verify(token).claims;
  } catch (error) {
    if (error instanceof TokenVerificationError && error.reason === 'expired') {
      throw unauthorized('Lifetime validation failed, the token is expired.');
    }
    if (error instanceof TokenVerificationError && error.reason === 'malformed') {
      throw unauthorized('IDX14100: JWT is not well formed, there are no dots (.).');
    }
    throw unauthorized('Access token validation failure. Invalid signature.');
  }
  if (![GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID].includes(String(claims.aud))) {
    throw unauthorized('Access token validation failure. Invalid audience.');
  }
  const tenant = context.directory.tenant(String(claims.tid ?? ''));
  if (!tenant || claims.iss !== issuerOf(context, tenant.id)) {
    throw unauthorized('Access token validation failure. Invalid issuer.');
  }
  const appOnly = claims.idtyp === 'app' || typeof claims.scp !== 'string';
  const user = appOnly ? undefined : tenant.users.find((candidate) => candidate.id === claims.oid);
  if (!appOnly && !user)
    throw unauthorized('The user or application the token was issued for does not exist in the tenant.');
  return {
    tenant,
    user,
    scopes: typeof claims.scp === 'string' ? claims.scp.split(' ') : [],
    roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
    claims,
  };
}

/** One Graph request of a caller, as the handler and $batch run it. */
export type GraphExecutor = (request: EmulatorRequest, principal: GraphPrincipal) => Promise<GraphReply>;

export function graphHandler(
  context: EmulatorContext,
  graph: GraphServices,
): (request: EmulatorRequest) => Promise<Reply> {
  // The port is known only once the server listens, after this handler is made.
  const metadata = (): string => `${context.url}/v1.0/$metadata`;

  const errorReply = (error: GraphError, requestId: string, clientRequestId: string): GraphReply => ({
    status: error.status,
    headers: { ...error.headers, 'content-type': 'application/json' },
    json: {
      error: {
        code: error.code,
        message: error.message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': requestId,
          'client-request-id': clientRequestId,
        },
      },
    },
  });

  const execute: GraphExecutor = async (request, principal) => {
    const requestId = randomUUID();
    const clientRequestId = String(request.headers['client-request-id'] ?? requestId);
    const ids = { 'request-id': requestId, 'client-request-id': clientRequestId };
    try {
      const reply = await dispatch(request, principal);
      return {
        ...reply,
        headers: { ...ids, ...(reply.json !== undefined ? { 'content-type': ODATA_JSON } : {}), ...reply.headers },
      };
    } catch (caught) {
      const error =
        caught instanceof SyntaxError
          ? new GraphError(400, 'BadRequest', `Unable to read JSON request payload. ${caught.message}`)
          : caught;
      if (!(error instanceof GraphError)) throw error;
      const reply = errorReply(error, requestId, clientRequestId);
      return { ...reply, headers: { ...ids, ...reply.headers } };
    }
  };

  return async (request) => {
    const diagnostics = {
      'odata-version': '4.0',
      'x-ms-ags-diagnostic': JSON.stringify({
        ServerInfo: { DataCenter: 'Localhost', Slice: 'E', Ring: '0', ScaleUnit: '000' },
      }),
    };
    let principal: GraphPrincipal;
    try {
      principal = authenticateGraph(context, request);
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      const requestId = randomUUID();
      const clientRequestId = String(request.headers['client-request-id'] ?? requestId);
      const reply = errorReply(error, requestId, clientRequestId);
      return {
        status: reply.status,
        headers: { ...diagnostics, 'request-id': requestId, 'client-request-id': clientRequestId, ...reply.headers },
        json: reply.json,
      };
    }
    const reply = await execute(request, principal);
    return { status: reply.status, headers: { ...diagnostics, ...reply.headers }, json: reply.json };
  };

  async function dispatch(request: EmulatorRequest, principal: GraphPrincipal): Promise<GraphReply> {
    const segments = request.url.pathname
      .replace(/^\/v1\.0\/?/, '')
      .split('/')
      .filter((segment) => segment !== '')
      .map(decodeURIComponent)
      // OData's key form names the same thing as a path segment: mailFolders('Inbox') is mailFolders/Inbox.
      .flatMap((segment) => {
        const keyed = /^(\w+)\('([^']*)'\)$/.exec(segment);
        return keyed ? [keyed[1] as string, keyed[2] as string] : [segment];
      });
    const path = `/${segments.join('/')}`;
    if (segments[0] === '$batch' && segments.length === 1) {
      if (request.method !== 'POST') throw new GraphError(405, 'BadRequest', 'Only POST is allowed on $batch.');
      return graphBatch(request, principal, execute);
    }
    graph.faults.check(request.method, path);
    if (segments[0] === 'subscriptions') return graph.subscriptions.route(request, principal, segments.slice(1));
    const outlook = outlookTarget(segments, principal);
    if (!outlook) return { status: 200, json: route(request, principal) };
    const leave = graph.limits.enter(appIdOf(principal), `${principal.tenant.id}|${outlook.user.id}`);
    try {
      await graph.faults.wait(request.method, path);
      const mailbox = graph.store.mailbox(principal.tenant.id, outlook.user);
      const call: OutlookCall = {
        method: request.method === 'HEAD' ? 'GET' : request.method,
        query: request.url.searchParams,
        body: () => {
          const text = request.body.toString('utf8');
          const body: unknown = text.trim() === '' ? {} : JSON.parse(text);
          if (typeof body !== 'object' || body === null || Array.isArray(body)) {
            throw new GraphError(400, 'RequestBodyRead', 'The request body must be a JSON object.');
          }
          return body as Record<string, unknown>;
        },
        mailbox,
        base: `${context.url}/v1.0/${outlook.prefix}`,
        path: outlook.path,
        preferences: readPreferences(request),
        ifMatch: typeof request.headers['if-match'] === 'string' ? request.headers['if-match'] : undefined,
        canWrite: (kind) => permitted(principal, kind, true),
        recipientMailbox: (address) => {
          const lower = address.toLowerCase();
          const user = principal.tenant.users.find(
            (u) =>
              (u.mail ?? u.userPrincipalName).toLowerCase() === lower || u.userPrincipalName.toLowerCase() === lower,
          );
          return user ? graph.store.mailbox(principal.tenant.id, user) : undefined;
        },
        store: graph.store,
        delta: graph.delta,
      };
      const first = outlook.path[0] ?? '';
      const kind: ItemKind = first.startsWith('contact')
        ? 'contact'
        : first === 'messages' || first === 'mailFolders' || first === 'sendMail'
          ? 'message'
          : 'event';
      // Sending needs Mail.Send (a draft is written with Mail.ReadWrite, sent with Mail.Send).
      const sending = first === 'sendMail' || (first === 'messages' && outlook.path[2] === 'send');
      const allowed = sending
        ? (principal.user ? principal.scopes : principal.roles).includes('Mail.Send')
        : permitted(principal, kind, call.method !== 'GET');
      if (!allowed) throw accessDenied();
      const reply = contactRoutes(call) ?? calendarRoutes(call) ?? messageRoutes(call);
      if (!reply) throw notFound(outlook.path[outlook.path.length - 1] ?? '');
      return reply;
    } finally {
      leave();
    }
  }

  /** The mailbox an Outlook request is for: /me/… or /users/{id|upn}/…; undefined for other requests. */
  function outlookTarget(
    segments: string[],
    principal: GraphPrincipal,
  ): { user: SeedUser; prefix: string; path: string[] } | undefined {
    const [first, second, third] = segments;
    if (first === 'me' && second !== undefined && OUTLOOK_RESOURCES.has(second)) {
      if (!principal.user) {
        throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
      }
      return { user: principal.user, prefix: 'me', path: segments.slice(1) };
    }
    if (first === 'users' && second !== undefined && third !== undefined && OUTLOOK_RESOURCES.has(third)) {
      const lower = second.toLowerCase();
      const user = principal.tenant.users.find((u) => u.id === lower || u.userPrincipalName.toLowerCase() === lower);
      if (!user) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${second}' is invalid.`);
      // Delegated tokens reach the signed-in user's own mailbox only (no shared mailboxes here).
      if (principal.user && principal.user.id !== user.id) {
        throw accessDenied();
      }
      const policy = principal.user
        ? undefined
        : graph.accessPolicies.get(`${principal.tenant.id.toLowerCase()}|${appIdOf(principal)}`);
      if (policy && !policy.has(user.id)) {
        throw new GraphError(
          403,
          'ErrorAccessDenied',
          'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.',
        );
      }
      return { user, prefix: `users/${second}`, path: segments.slice(2) };
    }
    return undefined;
  }

  function route(request: EmulatorRequest, principal: GraphPrincipal): Record<string, unknown> {
    const segments = request.url.pathname
      .replace(/^\/v1\.0\/?/, '')
      .split('/')
      .filter((segment) => segment !== '')
      .map(decodeURIComponent);
    const [collection, id, ...rest] = segments;
    const query = request.url.searchParams;
    const get = (): void => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
      }
    };
    if (collection === 'me' && id === undefined) {
      get();
      if (!principal.user)
        throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
      if (!principal.scopes.some((scope) => /^(User|Directory)\./.test(scope))) throw denied();
      return entity('users', userResource(principal.tenant, principal.user), query);
    }
    if (collection === 'users' && rest.length === 0) {
      get();
      const allowed = principal.user
        ? principal.scopes.some((scope) => /^(User|Directory)\./.test(scope))
        : principal.roles.some((role) => USER_READ_ROLES.includes(role));
      if (!allowed) throw denied();
      if (id === undefined) return userList(request, principal.tenant);
      const lower = id.toLowerCase();
      const user = principal.tenant.users.find((u) => u.id === lower || u.userPrincipalName.toLowerCase() === lower);
      if (!user) {
        throw new GraphError(
          404,
          'Request_ResourceNotFound',
          `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
        );
      }
      return entity('users', userResource(principal.tenant, user), query);
    }
    if (collection === 'organization' && rest.length === 0) {
      get();
      if (!principal.user && !principal.roles.some((role) => ORGANIZATION_READ_ROLES.includes(role))) throw denied();
      const organization = organizationResource(principal.tenant);
      if (id !== undefined) {
        if (id !== principal.tenant.id) {
          throw new GraphError(
            404,
            'Request_ResourceNotFound',
            `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
          );
        }
        return entity('organization', organization, query);
      }
      const select = selection(query, organization, 'organization');
      return {
        '@odata.context': `${metadata()}#organization${select ? `(${select.join(',')})` : ''}`,
        value: [project(organization, select)],
      };
    }
    const known = collection === 'me' || collection === 'users' || collection === 'organization';
    throw notFound((known ? (collection === 'me' ? id : rest[0]) : collection) ?? '');
  }

  function entity(set: string, resource: Record<string, unknown>, query: URLSearchParams): Record<string, unknown> {
    const select = selection(query, resource, set === 'users' ? 'user' : set);
    return {
      '@odata.context': `${metadata()}#${set}${select ? `(${select.join(',')})` : ''}/$entity`,
      ...project(resource, select),
    };
  }

  function userList(request: EmulatorRequest, tenant: SeedTenant): Record<string, unknown> {
    const query = request.url.searchParams;
    const topText = query.get('$top');
    const top = topText === null ? DEFAULT_PAGE_SIZE : Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > 999) {
      throw new GraphError(
        400,
        'BadRequest',
        `Invalid page size specified: '${topText}'. Must be between 1 and 999 inclusive.`,
      );
    }
    let offset = 0;
    const skipToken = query.get('$skiptoken');
    if (skipToken !== null) {
      const decoded = Number(
        Buffer.from(skipToken, 'base64url')
          .toString('utf8')
          .replace(/^offset:/, ''),
      );
      if (!Number.isInteger(decoded) || decoded < 0)
        throw new GraphError(400, 'Request_BadRequest', 'Invalid paging token.');
      offset = decoded;
    }
    const resources = tenant.users.map((user) => userResource(tenant, user));
    const filtered = applyFilter(resources, query.get('$filter'));
    const ordered = applyOrder(filtered, query.get('$orderby'));
    const select = selection(query, resources[0] ?? userResource(tenant, placeholderUser), 'user');
    const page = ordered.slice(offset, offset + top);
    const body: Record<string, unknown> = {
      '@odata.context': `${metadata()}#users${select ? `(${select.join(',')})` : ''}`,
    };
    if (query.get('$count') === 'true') body['@odata.count'] = ordered.length;
    if (offset + top < ordered.length) {
      const next = new URLSearchParams(query);
      next.set('$skiptoken', Buffer.from(`offset:${offset + top}`).toString('base64url'));
      // Graph writes the $ of its query options as is.
      body['@odata.nextLink'] = `${context.url}/v1.0/users?${next.toString().replace(/%24/g, '$')}`;
    }
    body.value = page.map((resource) => project(resource, select));
    return body;
  }
}

/** Whether the token's scopes (delegated) or roles (app) let it read, or write, contacts, calendars or mail. */
function permitted(principal: GraphPrincipal, kind: ItemKind, write: boolean): boolean {
  const area = kind === 'contact' ? 'Contacts' : kind === 'message' ? 'Mail' : 'Calendars';
  const names = write ? [`${area}.ReadWrite`] : [`${area}.Read`, `${area}.ReadWrite`];
  const granted = principal.user ? principal.scopes : principal.roles;
  return names.some((name) => granted.includes(name));
}

const placeholderUser: SeedUser = { id: '', displayName: '', userPrincipalName: '', directoryRoles: [], appRoles: [] };

function userResource(tenant: SeedTenant, user: SeedUser): Record<string, unknown> {
  const mail = user.mail ?? user.userPrincipalName;
  return {
    businessPhones: user.businessPhones ?? [],
    displayName: user.displayName,
    givenName: user.givenName ?? null,
    jobTitle: user.jobTitle ?? null,
    mail,
    mobilePhone: user.mobilePhone ?? null,
    officeLocation: user.officeLocation ?? null,
    preferredLanguage: user.preferredLanguage ?? null,
    surname: user.surname ?? null,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
    // Only returned when $select names them, as in Graph.
    '#accountEnabled': true,
    '#userType': 'Member',
    '#usageLocation': tenant.country ?? null,
    '#companyName': tenant.displayName,
    '#department': null,
    '#otherMails': [],
    '#proxyAddresses': [`SMTP:${mail}`],
  };
}

function organizationResource(tenant: SeedTenant): Record<string, unknown> {
  const initialDomain = `${tenant.domain.split('.')[0]}.onmicrosoft.com`;
  const german = ['DE', 'AT', 'CH', 'LI'].includes(tenant.country ?? '');
  return {
    id: tenant.id,
    deletedDateTime: null,
    businessPhones: [],
    city: null,
    country: null,
    countryLetterCode: tenant.country ?? null,
    displayName: tenant.displayName,
    preferredLanguage: german ? 'de' : 'en',
    tenantType: 'AAD',
    verifiedDomains: [
      {
        capabilities: 'Email, OfficeCommunicationsOnline',
        isDefault: true,
        isInitial: false,
        name: tenant.domain,
        type: 'Managed',
      },
      {
        capabilities: 'Email, OfficeCommunicationsOnline',
        isDefault: false,
        isInitial: true,
        name: initialDomain,
        type: 'Managed',
      },
    ],
  };
}

function selection(query: URLSearchParams, resource: Record<string, unknown>, type: string): string[] | undefined {
  const text = query.get('$select');
  if (text === null || text.trim() === '') return undefined;
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(name in resource) && !(`#${name}` in resource)) {
      throw new GraphError(
        400,
        'BadRequest',
        `Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`,
      );
    }
  }
  return names;
}

function project(resource: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return Object.fromEntries(Object.entries(resource).filter(([name]) => !name.startsWith('#')));
  return Object.fromEntries(select.map((name) => [name, name in resource ? resource[name] : resource[`#${name}`]]));
}

/** $filter with startswith(prop,'x') and prop eq 'x' clauses, joined by all-and or all-or. */
function applyFilter(resources: Array<Record<string, unknown>>, filter: string | null): Array<Record<string, unknown>> {
  if (filter === null || filter.trim() === '') return resources;
  const clauses: Array<(resource: Record<string, unknown>) => boolean> = [];
  const joins = new Set<string>();
  let rest = filter.trim();
  const literal = `'((?:[^']|'')*)'`;
  while (rest !== '') {
    const startsWith = new RegExp(`^startswith\\(\\s*(\\w+)\\s*,\\s*${literal}\\s*\\)`, 'i').exec(rest);
    const equals = new RegExp(`^(\\w+)\\s+eq\\s+${literal}`, 'i').exec(rest);
    const match = startsWith ?? equals;
    if (!match) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${filter}`);
    const property = match[1] ?? '';
    const value = (match[2] ?? '').replace(/''/g, "'").toLowerCase();
    if (!FILTERABLE_USER_PROPERTIES.includes(property)) {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        `Unsupported or invalid query filter clause specified for property '${property}' of resource 'User'.`,
      );
    }
    clauses.push(
      startsWith
        ? (resource) =>
            String(resource[property] ?? '')
              .toLowerCase()
              .startsWith(value)
        : (resource) => String(resource[property] ?? '').toLowerCase() === value,
    );
    rest = rest.slice(match[0].length).trim();
    if (rest === '') break;
    const join = /^(and|or)\s+/i.exec(rest);
    if (!join?.[1]) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${filter}`);
    joins.add(join[1].toLowerCase());
    rest = rest.slice(join[0].length);
  }
  if (joins.size > 1) throw new GraphError(400, 'Request_UnsupportedQuery', 'Unsupported Query.');
  const any = joins.has('or');
  return resources.filter((resource) => (any ? clauses.some((c) => c(resource)) : clauses.every((c) => c(resource))));
}

function applyOrder(resources: Array<Record<string, unknown>>, orderBy: string | null): Array<Record<string, unknown>> {
  if (orderBy === null || orderBy.trim() === '') return resources;
  const match = /^(displayName|userPrincipalName|mail)(?:\s+(asc|desc))?$/i.exec(orderBy.trim());
  if (!match?.[1]) throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported sort property '${orderBy}'.`);
  const property = match[1];
  const direction = match[2]?.toLowerCase() === 'desc' ? -1 : 1;
  return [...resources].sort((a, b) => direction * String(a[property]).localeCompare(String(b[property])));
}
