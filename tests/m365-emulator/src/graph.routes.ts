// Microsoft Graph v1.0 as the CRM uses it: /me, /users, /organization, with Graph's auth checks and error shape.
import { randomUUID } from 'node:crypto';
import { type EmulatorContext, issuerOf } from './context.ts';
import type { EmulatorRequest, Reply } from './http.ts';
import { GRAPH_APP_ID, GRAPH_RESOURCE, type SeedTenant, type SeedUser } from './seed.ts';
import { TokenVerificationError } from './signing-keys.ts';

const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
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

/** Who called Graph, from a verified token. */
export interface GraphPrincipal {
  tenant: SeedTenant;
  /** The signed-in user; undefined for app-only tokens. */
  user: SeedUser | undefined;
  scopes: string[];
  roles: string[];
  claims: Record<string, unknown>;
}

class GraphError extends Error {
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

const notFound = (segment: string): GraphError =>
  new GraphError(404, 'ResourceNotFound', `Resource not found for the segment '${segment}'.`);
const denied = (): GraphError =>
  new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

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

export function graphHandler(context: EmulatorContext): (request: EmulatorRequest) => Reply {
  // The port is known only once the server listens, after this handler is made.
  const metadata = (): string => `${context.url}/v1.0/$metadata`;

  return (request) => {
    const requestId = randomUUID();
    const clientRequestId = String(request.headers['client-request-id'] ?? requestId);
    const headers = {
      'request-id': requestId,
      'client-request-id': clientRequestId,
      'odata-version': '4.0',
      'x-ms-ags-diagnostic': JSON.stringify({
        ServerInfo: { DataCenter: 'Localhost', Slice: 'E', Ring: '0', ScaleUnit: '000' },
      }),
    };
    try {
      const principal = authenticateGraph(context, request);
      const body = route(request, principal);
      return { status: 200, headers: { ...headers, 'content-type': ODATA_JSON }, json: body };
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      return {
        status: error.status,
        headers: { ...headers, ...error.headers, 'content-type': 'application/json' },
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
      };
    }
  };

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
