// The real Graph SDK pointed at an emulator, and the tokens the CRM uses with it.
import { Client, type GraphError } from '@microsoft/microsoft-graph-client';
import { CRM_APP_ID, emulatorClient, type RunningEmulator } from '../index.ts';
import { ANNA, CONTOSO, CRM_SECRET } from './trusted-emulator.ts';

export const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';
export const JUERGEN = 'juergen.weiss@contoso.example';

export function graphClient(emulator: RunningEmulator, accessToken: string): Client {
  return Client.init({
    baseUrl: `${emulator.url}/`,
    defaultVersion: 'v1.0',
    // The Graph client sends the token only to Graph's hosts and to the custom hosts named here.
    customHosts: new Set([new URL(emulator.url).hostname]),
    authProvider: (done) => done(null, accessToken),
  });
}

/** Anna's delegated token (ROPC) with the CRM app's Graph scopes (Contacts.ReadWrite, Calendars.ReadWrite …). */
export async function delegatedToken(emulator: RunningEmulator, username = ANNA): Promise<string> {
  return emulatorClient(emulator.url).passwordToken({ tenant: CONTOSO, username, scope: GRAPH_DEFAULT });
}

/** The CRM app's app-only token in a tenant (roles Contacts.ReadWrite, Calendars.ReadWrite …). */
export async function appToken(emulator: RunningEmulator, tenant = CONTOSO): Promise<string> {
  return emulatorClient(emulator.url).clientCredentialsToken({
    tenant,
    clientId: CRM_APP_ID,
    clientSecret: CRM_SECRET,
    scope: GRAPH_DEFAULT,
  });
}

export async function graphError(request: Promise<unknown>): Promise<GraphError> {
  try {
    await request;
  } catch (error) {
    return error as GraphError;
  }
  throw new Error('the request succeeded');
}

/** Follows a delta round to its end: every item and the deltaLink. */
export async function deltaRound(
  client: Client,
  link: string,
  prefer: string[] = [],
): Promise<{ items: Array<Record<string, unknown>>; pages: number; deltaLink: string }> {
  const items: Array<Record<string, unknown>> = [];
  let next: string | undefined = link;
  let pages = 0;
  while (next) {
    let request = client.api(next);
    if (prefer.length > 0) request = request.header('Prefer', prefer.join(', '));
    const page = (await request.get()) as Record<string, unknown>;
    pages += 1;
    items.push(...(page.value as Array<Record<string, unknown>>));
    if (typeof page['@odata.deltaLink'] === 'string') return { items, pages, deltaLink: page['@odata.deltaLink'] };
    next = page['@odata.nextLink'] as string | undefined;
  }
  throw new Error('the round ended without a deltaLink');
}
