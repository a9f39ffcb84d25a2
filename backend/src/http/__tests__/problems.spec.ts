import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { z } from 'zod';
import { SavedFilter } from '../../modules/saved-filters/saved-filter.entity.ts';
import { currentTenant } from '../../records/current-tenant.ts';
import { db } from '../../records/sql.ts';
import { type AuthedAgent, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { emOf } from '../principal.ts';
import { defineRoute } from '../route.ts';

// A route of the shape every later module uses: path params, query and a JSON body, all validated.
const echoRoute = defineRoute({
  method: 'post',
  path: '/api/v1/test/echo/{id}',
  operationId: 'testEcho',
  summary: 'Echo (test only)',
  tags: ['Test'],
  params: z.object({ id: z.uuid() }),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
  body: z.object({
    name: z.string().min(1),
    addresses: z.array(z.object({ postalCode: z.string().regex(/^\d{5}$/, 'must be five digits') })).optional(),
  }),
  responses: { 200: { description: 'Echo' } },
  handler(ctx, { params, body }) {
    ctx.body = { id: params.id, name: body.name };
  },
});

const failingRoute = defineRoute({
  method: 'get',
  path: '/api/v1/test/fail',
  operationId: 'testFail',
  summary: 'Fails unexpectedly (test only)',
  tags: ['Test'],
  responses: { 200: { description: 'Never' } },
  handler() {
    throw new Error('connection string postgres://admin:hunter2@db leaked');
  },
});

// PostgreSQL answering "deadlock detected" (as two crossing transactions make it do), for real.
const deadlockRoute = defineRoute({
  method: 'get',
  path: '/api/v1/test/deadlock',
  operationId: 'testDeadlock',
  summary: 'Deadlocks (test only)',
  tags: ['Test'],
  responses: { 200: { description: 'Never' } },
  async handler(ctx) {
    const em = emOf(ctx);
    await em
      .getConnection()
      .execute(
        `do $$ begin raise exception 'deadlock detected' using errcode = '40P01'; end $$`,
        [],
        'run',
        em.getTransactionContext(),
      );
  },
});

// A row changed by another writer between this request's read and its write, for real: the
// version the unit of work holds no longer matches when it flushes.
const raceRoute = defineRoute({
  method: 'post',
  path: '/api/v1/test/race',
  operationId: 'testRace',
  summary: 'Loses a write race (test only)',
  tags: ['Test'],
  responses: { 200: { description: 'Never' } },
  async handler(ctx) {
    const em = emOf(ctx);
    const saved = em.create(SavedFilter, {
      tenant: currentTenant(em),
      ownerId: null,
      entityType: 'person',
      name: 'Wettlauf',
      filter: { field: 'lastName', op: 'eq', value: 'x' },
    });
    await em.flush();
    await db(em).updateTable('saved_filter').set({ version: sql`version + 1` }).where('id', '=', saved.id).execute();
    saved.name = 'Verloren';
    await em.flush();
  },
});

const ID = '0190f3c4-5b6a-7c8d-9e0f-123456789abc';

describe('errors as problem details', () => {
  let t: TestApp;
  let api: AuthedAgent;
  beforeAll(async () => {
    t = await createTestApp({ routes: [echoRoute, failingRoute, deadlockRoute, raceRoute] });
    const tenant = await t.createTenant('Problem Tests GmbH', [{ displayName: 'Petra Prüfer' }]);
    api = await tenant.as(tenant.upn('Petra Prüfer'));
  });
  afterAll(async () => {
    await t.close();
  });

  const expectProblem = (res: { headers: Record<string, string>; body: Record<string, unknown> }, status: number) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, instance: expect.any(String), requestId: expect.any(String) });
    expect(res.body.type).toMatch(/^urn:crm:problem:/);
    expect(typeof res.body.title).toBe('string');
    expect(typeof res.body.detail).toBe('string');
  };

  it('answers a database too busy (deadlock, pool wait) with 503 and Retry-After, in German too, never 500', async () => {
    const res = await api.get('/api/v1/test/deadlock').set('Accept-Language', 'de-DE');
    expect(res.status).toBe(503);
    expectProblem(res, 503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({ type: 'urn:crm:problem:database_busy', title: 'Gerade ausgelastet' });
    expect(res.body.detail).toContain('es wurde nichts geändert');
  });

  it('answers a write that lost a race with another with 409, nothing saved, in German too, never 500', async () => {
    const res = await api.post('/api/v1/test/race').set('Accept-Language', 'de-DE');
    expect(res.status).toBe(409);
    expectProblem(res, 409);
    expect(res.body).toMatchObject({ type: 'urn:crm:problem:changed_meanwhile', title: 'Gleichzeitig geändert' });
    expect(res.body.detail).toContain('es wurde nichts gespeichert');
    const left = await t.orm.em
      .fork()
      .getConnection()
      .execute<{ n: number }[]>("select count(*)::int as n from saved_filter where name in ('Wettlauf', 'Verloren')");
    expect(left[0]?.n).toBe(0);
  });

  it('answers a valid request', async () => {
    const res = await api.post(`/api/v1/test/echo/${ID}`).send({ name: 'Müller GmbH' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: ID, name: 'Müller GmbH' });
  });

  it('answers an unknown path with 404 naming the path', async () => {
    const res = await t.http.get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expectProblem(res, 404);
    expect(res.body.detail).toContain('GET /api/v1/nothing-here');
  });

  it('answers a wrong method with 405 and the Allow header', async () => {
    const res = await t.http.delete('/api/health');
    expect(res.status).toBe(405);
    expectProblem(res, 405);
    expect(res.headers.allow).toBe('HEAD, GET');
    expect(res.body.detail).toBe('DELETE is not allowed on /api/health; use HEAD, GET.');
  });

  it('answers malformed JSON with 400', async () => {
    const res = await api
      .post(`/api/v1/test/echo/${ID}`)
      .set('Content-Type', 'application/json')
      .send('{"name": "Anna",}');
    expect(res.status).toBe(400);
    expectProblem(res, 400);
    expect(res.body.type).toBe('urn:crm:problem:malformed_json');
  });

  it('answers a body over 1 MB with 413', async () => {
    const res = await api
      .post(`/api/v1/test/echo/${ID}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 1) }));
    expect(res.status).toBe(413);
    expectProblem(res, 413);
    expect(res.body.detail).toContain('1 MB');
  });

  it('answers a non-JSON body with 415 saying what to send', async () => {
    const res = await api.post(`/api/v1/test/echo/${ID}`).set('Content-Type', 'text/plain').send('name=Anna');
    expect(res.status).toBe(415);
    expectProblem(res, 415);
    expect(res.body.detail).toContain('application/json');
  });

  it('answers a form-encoded body with 415', async () => {
    const res = await api.post(`/api/v1/test/echo/${ID}`).type('form').send({ name: 'Anna' });
    expect(res.status).toBe(415);
  });

  it('names every invalid field with a JSON pointer', async () => {
    const res = await api
      .post('/api/v1/test/echo/not-a-uuid?dryRun=maybe')
      .send({ name: '', addresses: [{ postalCode: '50667' }, { postalCode: '5066' }] });
    expect(res.status).toBe(400);
    expectProblem(res, 400);
    expect(res.body.type).toBe('urn:crm:problem:validation_failed');
    const errors = res.body.errors as { in: string; pointer: string; detail: string }[];
    expect(errors.map((error) => [error.in, error.pointer])).toEqual([
      ['path', '#/id'],
      ['query', '#/dryRun'],
      ['body', '#/name'],
      ['body', '#/addresses/1/postalCode'],
    ]);
    expect(errors[3]?.detail).toBe('must be five digits');
  });

  it('asks for a body when none is sent', async () => {
    const res = await api.post(`/api/v1/test/echo/${ID}`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ in: 'body', pointer: '#', detail: 'A JSON request body is required.' }]);
  });

  it('refuses a JSON body that is not an object', async () => {
    const res = await api.post(`/api/v1/test/echo/${ID}`).set('Content-Type', 'application/json').send('"Anna"');
    expect(res.status).toBe(400);
  });

  it('answers an unexpected error with 500 and the request id, never the message or a stack', async () => {
    const res = await api.get('/api/v1/test/fail').set('X-Request-Id', 'support-case-4711');
    expect(res.status).toBe(500);
    expectProblem(res, 500);
    expect(res.body.requestId).toBe('support-case-4711');
    expect(res.body.detail).toContain('support-case-4711');
    expect(res.text).not.toContain('hunter2');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('request ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('honours a well-formed X-Request-Id', async () => {
    const res = await t.http.get('/api/health').set('X-Request-Id', 'outlook-addin:9f1c');
    expect(res.headers['x-request-id']).toBe('outlook-addin:9f1c');
  });

  it('makes a new id for a missing or unsafe one', async () => {
    const missing = await t.http.get('/api/health');
    const unsafe = await t.http.get('/api/health').set('X-Request-Id', 'id with spaces; and semicolons');
    expect(missing.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.headers['x-request-id']).not.toBe(missing.headers['x-request-id']);
  });

  it('sends security headers', async () => {
    const res = await t.http.get('/api/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
