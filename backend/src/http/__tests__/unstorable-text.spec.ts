// Text no column can hold (U+0000, half a UTF-16 surrogate pair) is refused where it enters, on
// every route: walks the OpenAPI document, so a route added later is covered without a thought.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sample } from 'openapi-sampler';
import { type AuthedAgent, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { toPointer } from '../errors.ts';

interface Operation {
  operationId: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

const NUL = 'Angebot\u0000 Brotmann';
const LONE_SURROGATE = 'Angebot \ud800 Brotmann';

/** `body` with `text` put into its first string (depth first); a member of that name where it has none. */
function carrying(body: unknown, text: string): { body: unknown; pointer: string } {
  const copy = structuredClone(body);
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: copy, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.shift() as { value: unknown; path: (string | number)[] };
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : value !== null && typeof value === 'object'
        ? Object.entries(value)
        : [];
    for (const [key, item] of entries) {
      if (typeof item === 'string') {
        (value as Record<string | number, unknown>)[key] = `${item}${text}`;
        return { body: copy, pointer: toPointer([...path, key]) };
      }
      stack.push({ value: item, path: [...path, key] });
    }
  }
  const object = copy !== null && typeof copy === 'object' && !Array.isArray(copy) ? copy : {};
  return { body: { ...object, note: text }, pointer: '#/note' };
}

describe('text that cannot be stored', () => {
  let t: TestApp;
  let anna: AuthedAgent;
  let document: OpenApi;
  /** Real ids for the path parameters, by the collection the parameter follows (`persons/{id}`). */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    const contoso = await t.createTenant('Contoso Textkante GmbH', [{ displayName: 'Anna Schmidt' }]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    const created = async (path: string, body: object) => {
      const res = await anna.post(path).send(body);
      expect({ path, status: res.status }).toEqual({ path, status: 201 });
      return res.body as { id: string; stages?: { id: string }[] };
    };
    ids.persons = (await created('/api/v1/persons', { firstName: 'Klaus', lastName: 'Brotmann' })).id;
    ids.organizations = (await created('/api/v1/organizations', { name: 'Brotmann Backwaren GmbH' })).id;
    ids.tags = (await created('/api/v1/tags', { name: 'Bäckerei' })).id;
    const pipeline = await created('/api/v1/pipelines', {
      name: 'Großkunden',
      kind: 'deal',
      stages: [{ name: 'Erstgespräch', probability: 20 }],
    });
    ids.pipelines = pipeline.id;
    ids.stages = pipeline.stages?.[0]?.id ?? '';
    ids.deals = (
      await created('/api/v1/deals', {
        title: 'Öfen',
        value: '48000.00',
        organizationId: ids.organizations,
        stageId: ids.stages,
      })
    ).id;
    ids.leads = (await created('/api/v1/leads', { title: 'Anfrage Brotmann', companyName: 'Brotmann KG' })).id;
    ids.tasks = (await created('/api/v1/tasks', { title: 'Angebot schreiben' })).id;
    ids.users = await contoso.userId(contoso.upn('Anna Schmidt'));
    document = (await t.http.get('/api/openapi.json')).body;
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  /** The path with real ids where this test made one, a fresh uuid elsewhere, `person` for a record type. */
  const target = (path: string) =>
    path.replace(/([\w-]+)\/\{(\w+)\}/g, (_whole, collection: string, parameter: string) => {
      if (parameter === 'type') return `${collection}/person`;
      if (collection === 'person') return `${collection}/${ids.persons}`;
      if (parameter === 'stageId') return `${collection}/${ids.stages}`;
      if (parameter === 'tagId') return `${collection}/${ids.tags}`;
      return `${collection}/${ids[collection.replace(/^admin\//, '')] ?? randomUUID()}`;
    });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method: method as Method, operation })),
    );

  const writesWithJson = () =>
    operations().filter(({ operation }) => operation.requestBody?.content['application/json'] !== undefined);

  it('walks every write route with a JSON body', () => {
    expect(writesWithJson().map(({ operation }) => operation.operationId)).toEqual(
      expect.arrayContaining(['createPerson', 'updatePerson', 'createLead', 'fileMail', 'moveDeal', 'convertLead']),
    );
  });

  it.each([
    ['a NUL character', NUL, 'NUL'],
    ['a lone surrogate', LONE_SURROGATE, 'surrogate'],
  ])(
    'refuses %s in a text field of every write route with 400 naming the field',
    async (_name, text, word) => {
      for (const { path, method, operation } of writesWithJson()) {
        const schema = operation.requestBody?.content['application/json']?.schema;
        const sampled = sample(schema as object, { skipReadOnly: true }, document);
        const { body, pointer } = carrying(sampled, text);
        const url = target(path);
        const res = await anna[method](url).send(body as object);
        const where = `${method.toUpperCase()} ${url} (${operation.operationId})`;
        expect({ where, status: res.status, type: res.body.type, errors: res.body.errors }).toEqual({
          where,
          status: 400,
          type: 'urn:crm:problem:validation_failed',
          errors: [{ in: 'body', pointer, detail: expect.stringContaining(word) }],
        });
      }
    },
    120_000,
  );

  it('refuses such text in a member name too', async () => {
    const res = await anna.post('/api/v1/persons').send({ firstName: 'Klaus', lastName: 'Brotmann', 'no\u0000te': 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { in: 'body', pointer: '#/no\u0000te', detail: expect.stringContaining('member name') },
    ]);
  });

  it('stores nothing of a person or a lead whose name holds a NUL, on any database', async () => {
    const before = (await anna.get('/api/v1/persons?limit=100')).body.items.length as number;
    const person = await anna
      .post('/api/v1/persons')
      .send({ firstName: 'Kla\u0000us', lastName: 'Brotmann', emails: [{ address: 'k@brotmann.example' }] });
    expect(person.status).toBe(400);
    expect(person.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(person.body.errors).toEqual([{ in: 'body', pointer: '#/firstName', detail: expect.any(String) }]);
    expect(person.body.detail).toMatch(/^firstName: The text contains the NUL character/);
    const lead = await anna.post('/api/v1/leads').send({ title: 'Anfrage', companyName: 'Brot\ud83dmann' });
    expect(lead.status).toBe(400);
    expect(lead.body.errors).toEqual([{ in: 'body', pointer: '#/companyName', detail: expect.any(String) }]);
    expect((await anna.get('/api/v1/persons?limit=100')).body.items.length).toBe(before);
    // Whole characters beyond the Basic Multilingual Plane are text like any other.
    const emoji = await anna.post('/api/v1/leads').send({ title: 'Anfrage 🥨', companyName: 'Brezel 🥨 KG' });
    expect(emoji.status).toBe(201);
  });

  it('refuses %00 in any query parameter of every route with 400 naming the parameter', async () => {
    for (const { path, method, operation } of operations()) {
      for (const parameter of (operation.parameters ?? []).filter((candidate) => candidate.in === 'query')) {
        const url = `${target(path)}?${parameter.name}=Brot%00mann`;
        const res = await anna[method](url);
        const where = `${method.toUpperCase()} ${url} (${operation.operationId})`;
        expect({ where, status: res.status, errors: res.body.errors }).toEqual({
          where,
          status: 400,
          errors: [{ in: 'query', pointer: `#/${parameter.name}`, detail: expect.stringContaining('NUL') }],
        });
      }
    }
  }, 120_000);

  it('never answers %00 in a path parameter with a server error', async () => {
    for (const { path, method, operation } of operations()) {
      if (!path.includes('{')) continue;
      const url = path.replace(/\{\w+\}/g, 'Brot%00mann');
      const res = await anna[method](url);
      const where = `${method.toUpperCase()} ${url} (${operation.operationId})`;
      expect({ where, refused: [400, 404, 415].includes(res.status) }).toEqual({ where, refused: true });
    }
  }, 120_000);

  it('refuses a document whose file name holds a NUL', async () => {
    const boundary = 'textkante';
    const form = Buffer.from(
      [
        `--${boundary}`,
        `Content-Disposition: form-data; name="file"; filename*=UTF-8''Vertrag%00.pdf`,
        'Content-Type: application/pdf',
        '',
        '%PDF-1.4\n%%EOF',
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
    const res = await anna
      .post(`/api/v1/records/person/${ids.persons}/documents`)
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(form);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ in: 'body', pointer: '#/file', detail: expect.stringContaining('NUL') }]);
  });
});
