// Live boards across processes: a browser's event stream on one backend process hears a card move
// made through another process on the same database; the stream asks for a valid token and a
// pipeline of the caller's own organisation, and says nothing about another pipeline's changes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { changeSignature } from '../board.events.ts';

interface Stream {
  /** Resolves with the next event's name once one arrives (other than those already read). */
  next(): Promise<string>;
  close(): void;
}

/** Opens the board's event stream the way the web app does: fetch with the bearer token. */
async function openStream(baseUrl: string, pipelineId: string, token: string): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/v1/pipelines/${pipelineId}/events`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: string[] = [];
  return {
    async next() {
      while (events.length === 0) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          if (name) events.push(name);
          end = buffer.indexOf('\n\n');
        }
      }
      return events.shift() as string;
    },
    close: () => controller.abort(),
  };
}

describe('live board events', () => {
  let one: TestApp;
  let two: TestApp;
  let server: Server;
  let baseUrl: string;
  let contoso: TestTenant;
  let fabrikam: TestTenant;

  beforeAll(async () => {
    one = await createTestApp();
    two = await createTestApp();
    server = createServer(one.app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    contoso = await two.createTenant('Contoso Live GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    fabrikam = await two.createTenant('Fabrikam Live AG', [{ displayName: 'Fritz Fremd' }]);
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await one?.close();
    await two?.close();
  });

  it("tells a board open on one process about a colleague's move through another, and nothing of other pipelines", async () => {
    const admin = await contoso.as(contoso.upn('Anna Admin'));
    const rita = await contoso.as(contoso.upn('Rita Rep'));
    const pipeline = async (name: string) => {
      const res = await admin.post('/api/v1/pipelines').send({
        name,
        kind: 'deal',
        stages: [
          { name: 'Neu', probability: 10 },
          { name: 'Angebot', probability: 50 },
          { name: 'Gewonnen', probability: 100, outcome: 'won' },
        ],
      });
      expect(res.status).toBe(201);
      return res.body as { id: string; stages: { id: string }[] };
    };
    const watched = await pipeline('Live Vertrieb');
    const other = await pipeline('Live Service');
    const org = (await rita.post('/api/v1/organizations').send({ name: 'Kunde Live AG' })).body.id as string;
    const created = await rita
      .post('/api/v1/deals')
      .send({ title: 'Live-Deal', value: '100.00', stageId: watched.stages[0]?.id, organizationId: org });
    expect(created.status).toBe(201);

    const stream = await openStream(baseUrl, watched.id, await contoso.token(contoso.upn('Anna Admin')));
    try {
      expect(await stream.next()).toBe('ready');
      // A write to another pipeline leaves this pipeline's change signature as it was.
      const signature = () =>
        inTenantTransaction(one.orm.em as EntityManager, contoso.id, (em) => changeSignature(em, watched.id));
      const before = await signature();
      const elsewhere = await rita
        .post('/api/v1/deals')
        .send({ title: 'Anderswo', value: '5.00', stageId: other.stages[0]?.id, organizationId: org });
      expect(elsewhere.status).toBe(201);
      expect(await signature()).toBe(before);
      const moved = await rita
        .post(`/api/v1/deals/${created.body.id}/move`)
        .set('If-Match', `"${created.body.version}"`)
        .send({ stageId: watched.stages[1]?.id });
      expect(moved.status).toBe(200);
      expect(await stream.next()).toBe('change');
      // The board read after the event shows the move.
      const board = await admin.get(`/api/v1/pipelines/${watched.id}/board`);
      expect(board.body.stages[1].items.map((card: { title: string }) => card.title)).toEqual(['Live-Deal']);
    } finally {
      stream.close();
    }
  }, 60_000);

  it('asks for a token, and knows no pipeline of another organisation', async () => {
    const admin = await contoso.as(contoso.upn('Anna Admin'));
    const pipelineId = (await admin.get('/api/v1/pipelines?kind=deal')).body.items[0].id as string;
    const anonymous = await fetch(`${baseUrl}/api/v1/pipelines/${pipelineId}/events`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/problem\+json/);
    const stranger = await fetch(`${baseUrl}/api/v1/pipelines/${pipelineId}/events`, {
      headers: {
        Authorization: `Bearer ${await fabrikam.token(fabrikam.upn('Fritz Fremd'))}`,
        'Accept-Language': 'de',
      },
    });
    expect(stranger.status).toBe(404);
    expect((await stranger.json()).type).toBe('urn:crm:problem:not_found');
  });
});
