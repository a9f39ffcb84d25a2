// What the calendar tests share: a MailboxGraph on the real Graph SDK against the emulator (app-only
// token, immutable ids, $batch 20 at a time) and a run of the 'events' resource as the run loop does
// it (push, then delta pages, each page in its own tenant transaction; 410 starts a new round).
import { GraphError } from '@microsoft/microsoft-graph-client';
import { GraphGateway } from '../../../../graph/graph-gateway.ts';
import { inTenantTransaction } from '../../../../http/tenancy.ts';
import { newId } from '../../../../ids.ts';
import type { TestApp } from '../../../../testing/test-app.ts';
import { calendarResource } from '../calendar.resource.ts';
import type { GraphRequest, GraphResponse, MailboxGraph, SyncContext } from '../sync-interface.ts';

const IMMUTABLE = 'IdType="ImmutableId"';

export function sdkMailboxGraph(gateway: GraphGateway, tenantId: string, mailboxId: string): MailboxGraph {
  const client = gateway.client(tenantId);
  let used = 0;
  const api = (url: string) => {
    used += 1;
    return client.api(url).header('Prefer', IMMUTABLE);
  };
  return {
    mailboxId,
    base: `/users/${mailboxId}`,
    get: (url, headers) => {
      let request = api(url);
      for (const [name, value] of Object.entries(headers ?? {})) {
        request = request.header(name, name.toLowerCase() === 'prefer' ? `${IMMUTABLE}, ${value}` : value);
      }
      return request.get();
    },
    post: (url, body) => api(url).post(body),
    patch: (url, body) => api(url).patch(body),
    delete: async (url) => {
      await api(url).delete();
    },
    async batch(requests: GraphRequest[]): Promise<GraphResponse[]> {
      const answers: GraphResponse[] = [];
      for (let at = 0; at < requests.length; at += 20) {
        const chunk = requests.slice(at, at + 20).map((request, index) => ({
          id: request.id ?? String(at + index + 1),
          method: request.method,
          url: request.url,
          headers: {
            Prefer: IMMUTABLE,
            ...(request.body ? { 'Content-Type': 'application/json' } : {}),
            ...request.headers,
          },
          ...(request.body ? { body: request.body } : {}),
        }));
        used += chunk.length;
        const reply = (await client.api('/$batch').post({ requests: chunk })) as { responses: GraphResponse[] };
        const byId = new Map(reply.responses.map((response) => [response.id, response]));
        for (const request of chunk) {
          const response = byId.get(request.id);
          answers.push(response ?? { id: request.id, status: 500, body: null, headers: {} });
        }
      }
      return answers;
    },
    get requestsUsed() {
      return used;
    },
  };
}

export interface Mailbox {
  tenantId: string;
  userId: string;
  upn: string;
  connectionId: string;
  graph: MailboxGraph;
  deltaLink?: string | undefined;
}

export function connectMailbox(t: TestApp, tenantId: string, userId: string, upn: string): Mailbox {
  const gateway = new GraphGateway(t.config.entra);
  return { tenantId, userId, upn, connectionId: newId(), graph: sdkMailboxGraph(gateway, tenantId, upn) };
}

const inMailbox = <T>(t: TestApp, mailbox: Mailbox, work: (ctx: SyncContext) => Promise<T>) =>
  inTenantTransaction(t.orm.em, mailbox.tenantId, (em) =>
    work({
      em,
      tenantId: mailbox.tenantId,
      userId: mailbox.userId,
      connectionId: mailbox.connectionId,
      graph: mailbox.graph,
    }),
  );

interface DeltaPage {
  value: unknown[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** One sync run of the calendar: CRM changes out, then Outlook's changes in; answers the pages read. */
export async function syncCalendar(t: TestApp, mailbox: Mailbox): Promise<number> {
  await inMailbox(t, mailbox, (ctx) => calendarResource.pushPending(ctx));
  let url = mailbox.deltaLink ?? (await inMailbox(t, mailbox, (ctx) => calendarResource.deltaUrl(ctx)));
  let pages = 0;
  for (;;) {
    let page: DeltaPage;
    try {
      page = await mailbox.graph.get<DeltaPage>(url, { Prefer: 'odata.maxpagesize=50' });
    } catch (error) {
      if (!(error instanceof GraphError) || error.statusCode !== 410) throw error;
      await inMailbox(t, mailbox, async (ctx) => calendarResource.fullResyncReset?.(ctx));
      mailbox.deltaLink = undefined;
      url = await inMailbox(t, mailbox, (ctx) => calendarResource.deltaUrl(ctx));
      continue;
    }
    pages += 1;
    await inMailbox(t, mailbox, (ctx) => calendarResource.applyPage(ctx, page.value));
    if (page['@odata.nextLink']) {
      url = page['@odata.nextLink'];
      continue;
    }
    mailbox.deltaLink = page['@odata.deltaLink'];
    return pages;
  }
}
