// Walks every route the OpenAPI document lists and calls it as tenant B with tenant A's ids.
// A route added later is covered without anyone remembering to add it here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sample } from 'openapi-sampler';
import { createTestApp, type TestApp, type TestTenant } from '../testing/test-app.ts';

interface Operation {
  operationId: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: unknown }> };
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

describe('tenant isolation across every route', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let document: OpenApi;
  /** Everything of Contoso's that must never reach Fabrikam. */
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Isolation GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller' },
    ]);
    fabrikam = await t.createTenant('Fabrikam Isolation AG', [{ displayName: 'Zoë Bäcker' }]);
    const anna = await contoso.as(contoso.upn('Anna Schmidt'));
    const bjoern = await contoso.userId(contoso.upn('Björn Müller'));
    const team = await anna.post('/api/v1/admin/teams').send({ name: 'Vertrieb Nord', memberIds: [bjoern] });
    expect(team.status).toBe(201);
    secrets.push(contoso.id, await contoso.userId(contoso.upn('Anna Schmidt')), bjoern, team.body.id);
    secrets.push(...contoso.seed.users.map((user) => user.id), 'Vertrieb Nord', 'Björn Müller', 'Anna Schmidt');
    document = (await t.http.get('/api/openapi.json')).body;
  });
  afterAll(async () => {
    await t.close();
  });

  const protectedOperations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => !(Array.isArray(operation.security) && operation.security.length === 0))
        .map(([method, operation]) => ({
          path,
          method: method as 'get' | 'post' | 'put' | 'patch' | 'delete',
          operation,
        })),
    );

  const bodyFor = (operation: Operation) => {
    const schema = operation.requestBody?.content['application/json']?.schema;
    return schema ? sample(schema as object, { skipReadOnly: true }, document) : undefined;
  };

  it('covers the routes of every module', () => {
    const ids = protectedOperations().map(({ operation }) => operation.operationId);
    expect(ids).toEqual(expect.arrayContaining(['getMe', 'listUsers', 'updateUser', 'getTeam', 'deleteTeam']));
  });

  it("never answers tenant B's request for tenant A's records with A's data", async () => {
    const asFabrikam = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    const ids = secrets.filter((secret) => /^[0-9a-f-]{36}$/.test(secret));
    const outcomes: string[] = [];
    for (const { path, method, operation } of protectedOperations()) {
      const params = path.match(/\{\w+\}/g) ?? [];
      if (params.length === 0 && method !== 'get') continue; // creating in one's own tenant is allowed
      const targets = params.length === 0 ? [path] : ids.map((id) => path.replace(/\{\w+\}/g, id));
      for (const target of targets) {
        const request = asFabrikam[method](target);
        const body = bodyFor(operation);
        const res = await (body === undefined ? request : request.send(body as object));
        const where = `${method.toUpperCase()} ${target} (${operation.operationId}) answered ${res.status}`;
        // An id the caller sent may be echoed back; anything else of Contoso's is a leak.
        for (const secret of secrets.filter((secret) => !target.includes(secret))) {
          if (res.text.includes(secret)) throw new Error(`${where} and leaked ${secret}: ${res.text}`);
        }
        if (params.length > 0) {
          // Validation may refuse a sampled body first; the record itself must be not found or forbidden.
          expect({ where, ok: [400, 403, 404, 422].includes(res.status) }).toEqual({ where, ok: true });
        } else {
          expect({ where, ok: res.status < 500 }).toEqual({ where, ok: true });
        }
        outcomes.push(`${res.status}`);
      }
    }
    // Most calls must get as far as looking the record up.
    expect(outcomes.filter((status) => status === '404' || status === '403').length).toBeGreaterThan(
      outcomes.length / 2,
    );
  });
});
