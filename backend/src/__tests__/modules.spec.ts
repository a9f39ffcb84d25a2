// The CRM is the modules app.ts lists: each route comes from exactly one module, and a module
// left out of the list adds nothing — no routes, no section in the 360° view.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CRM_MODULES, OVERVIEW_SECTIONS } from '../app.ts';
import { assembleModules } from '../modules/wiring.ts';
import { type AuthedAgent, createTestApp, type TestApp } from '../testing/test-app.ts';

type OpenApi = { paths: Record<string, Record<string, { operationId: string }>> };

const operationsOf = (document: OpenApi) =>
  Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('the CRM made of CRM_MODULES', () => {
  let t: TestApp;
  let anna: AuthedAgent;
  let person: string;

  beforeAll(async () => {
    t = await createTestApp();
    const contoso = await t.createTenant('Modules Contoso GmbH', [{ displayName: 'Anna Schmidt' }]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    const created = await anna.post('/api/v1/persons').send({ firstName: 'Jürgen', lastName: 'Weiß' });
    expect(created.status).toBe(201);
    person = created.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves every route of the OpenAPI document, each from exactly one module', async () => {
    const document = (await t.http.get('/api/openapi.json')).body as OpenApi;
    const mounted = t.app.routeSpecs.map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(new Set(mounted).size).toBe(mounted.length);
    expect([...mounted].sort()).toEqual(operationsOf(document).sort());
    const contributed = CRM_MODULES.flatMap((module) =>
      (module.routes?.({ config: t.config, orm: t.orm } as never) ?? []).map(
        (route) => `${route.method.toUpperCase()} ${route.path}`,
      ),
    );
    expect(contributed.sort()).toEqual([...mounted].sort());
  });

  it('names each module once', () => {
    const names = CRM_MODULES.map((module) => module.name);
    expect(new Set(names).size).toBe(names.length);
    expect(() => assembleModules([...CRM_MODULES, { name: 'notes' }], OVERVIEW_SECTIONS)).toThrow(
      'Module notes is listed twice',
    );
  });

  it('refuses two modules contributing the same thing, and a section without a place in the view', () => {
    const notes = CRM_MODULES.find((module) => module.name === 'notes');
    expect(() => assembleModules([...CRM_MODULES, { ...notes, name: 'notes-again' }], OVERVIEW_SECTIONS)).toThrow(
      'Overview section notes/person is contributed by both notes and notes-again',
    );
    expect(() =>
      assembleModules(
        [{ name: 'stray', overviewSections: [{ name: 'stray', section: async () => [] }] }],
        OVERVIEW_SECTIONS,
      ),
    ).toThrow('Overview section stray of module stray has no place in the overview order');
  });

  it("shows a person's 360° view with the sections in the listed order", async () => {
    const res = await anna.get(`/api/v1/records/person/${person}/overview`);
    expect(res.status).toBe(200);
    const shown = Object.keys(res.body).filter((key) => key !== 'type' && key !== 'id');
    expect(shown).toEqual(OVERVIEW_SECTIONS.filter((name) => shown.includes(name)));
    expect(shown).toEqual(expect.arrayContaining(['record', 'notes', 'tasks', 'deals', 'history']));
  });
});

describe('the CRM without the notes module', () => {
  let t: TestApp;
  let anna: AuthedAgent;
  let person: string;

  beforeAll(async () => {
    t = await createTestApp({ modules: CRM_MODULES.filter((module) => module.name !== 'notes') });
    const contoso = await t.createTenant('Modules Without Notes GmbH', [{ displayName: 'Anna Schmidt' }]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    const created = await anna.post('/api/v1/persons').send({ firstName: 'Käthe', lastName: 'Brandt' });
    expect(created.status).toBe(201);
    person = created.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it("has no notes section in a person's view, and /notes is not found", async () => {
    const overview = await anna.get(`/api/v1/records/person/${person}/overview`);
    expect(overview.status).toBe(200);
    expect(overview.body).not.toHaveProperty('notes');
    expect(overview.body).toHaveProperty('tasks');

    const note = await anna.post('/api/v1/notes').send({ body: 'Rückruf', links: [{ type: 'person', id: person }] });
    expect(note.status).toBe(404);
    const document = (await t.http.get('/api/openapi.json')).body as OpenApi;
    expect(operationsOf(document).filter((operation) => operation.includes('/notes'))).toEqual([]);
  });
});
