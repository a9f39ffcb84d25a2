import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp } from '../../../testing/test-app.ts';

const COLUMNS = {
  columns: [
    { key: 'name', width: 240 },
    { key: 'email', hidden: true },
    { key: 'customFields.branche', width: 160 },
  ],
  sort: '-updatedAt',
  quickFilters: ['mine'],
};

describe('per-user settings of lists and favourites', () => {
  let t: TestApp;
  let anna: AuthedAgent;
  let bjoern: AuthedAgent;
  let fabrikam: AuthedAgent;

  beforeAll(async () => {
    t = await createTestApp();
    const contoso = await t.createTenant('Contoso Settings GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
    ]);
    const other = await t.createTenant('Fabrikam Settings AG', [{ displayName: 'Frank Fischer' }]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    bjoern = await contoso.as(contoso.upn('Björn Müller'));
    fabrikam = await other.as(other.upn('Frank Fischer'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps a list’s columns and sort for the next visit, and gives them back with their version', async () => {
    const none = await anna.get('/api/v1/me/settings/lists/person');
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ listType: 'person', value: null, version: null });

    const kept = await anna.put('/api/v1/me/settings/lists/person').send(COLUMNS);
    expect(kept.status).toBe(200);
    expect(kept.body).toEqual({ listType: 'person', value: COLUMNS, version: 1 });
    expect(kept.headers.etag).toBe('"1"');

    const again = await anna.get('/api/v1/me/settings/lists/person');
    expect(again.body).toEqual({ listType: 'person', value: COLUMNS, version: 1 });
    expect(again.headers.etag).toBe('"1"');

    const changed = await anna
      .put('/api/v1/me/settings/lists/person')
      .set('If-Match', '"1"')
      .send({ ...COLUMNS, sort: 'name' });
    expect(changed.body).toMatchObject({ value: { sort: 'name' }, version: 2 });
  });

  it('refuses a stale write from another device with 412, in German and English', async () => {
    const german = await anna
      .put('/api/v1/me/settings/lists/person')
      .set('If-Match', '"1"')
      .set('Accept-Language', 'de')
      .send(COLUMNS);
    expect(german.status).toBe(412);
    expect(german.headers['content-type']).toContain('application/problem+json');
    expect(german.body.title).toBe('Der Datensatz wurde inzwischen geändert');
    expect(german.body.detail).toContain('Ihre Einstellung');

    const english = await anna
      .put('/api/v1/me/settings/lists/person')
      .set('If-Match', '"1"')
      .set('Accept-Language', 'en')
      .send(COLUMNS);
    expect(english.status).toBe(412);
    expect(english.body.detail).toContain('Your setting');

    // A first write that believes something is stored is stale, too.
    expect((await anna.put('/api/v1/me/settings/lists/deal').set('If-Match', '"3"').send(COLUMNS)).status).toBe(412);
    expect((await anna.get('/api/v1/me/settings/lists/person')).body.value.sort).toBe('name');
  });

  it('answers bad settings with a problem naming the field, in German and English', async () => {
    const english = await anna
      .put('/api/v1/me/settings/lists/person')
      .set('Accept-Language', 'en')
      .send({ columns: [{ key: 'name', width: 5 }] });
    expect(english.status).toBe(400);
    expect(english.headers['content-type']).toContain('application/problem+json');
    expect(english.body).toMatchObject({ title: 'The request is not valid' });
    expect(english.body.errors[0]).toMatchObject({ pointer: '#/columns/0/width', detail: 'at least 48 pixels' });

    const german = await anna
      .put('/api/v1/me/settings/lists/person')
      .set('Accept-Language', 'de')
      .send({ columns: [{ key: 'name' }, { key: 'name' }] });
    expect(german.status).toBe(400);
    expect(german.body.title).toBe('Die Anfrage ist nicht gültig');

    const unknownList = await anna.get('/api/v1/me/settings/lists/invoice');
    expect(unknownList.status).toBe(400);
    expect(unknownList.body.errors[0].pointer).toBe('#/listType');
    const extra = await anna.put('/api/v1/me/settings/lists/person').send({ columns: [], colour: 'red' });
    expect(extra.status).toBe(400);
  });

  it('keeps each user’s settings to themselves, and another organisation sees none of them', async () => {
    expect((await bjoern.get('/api/v1/me/settings/lists/person')).body.value).toBeNull();
    expect((await fabrikam.get('/api/v1/me/settings/lists/person')).body.value).toBeNull();
    // Writing one's own does not touch Anna's, even at the same version.
    expect((await bjoern.put('/api/v1/me/settings/lists/person').send({ columns: [] })).body.version).toBe(1);
    expect((await fabrikam.put('/api/v1/me/settings/lists/person').send({ columns: [] })).body.version).toBe(1);
    expect((await anna.get('/api/v1/me/settings/lists/person')).body).toMatchObject({
      value: { sort: 'name' },
      version: 2,
    });
    // Deleting one's own leaves the others' alone.
    expect((await fabrikam.delete('/api/v1/me/settings/lists/person')).status).toBe(204);
    expect((await anna.get('/api/v1/me/settings/lists/person')).body.version).toBe(2);
  });

  it('goes back to the defaults on delete, with If-Match', async () => {
    expect((await anna.delete('/api/v1/me/settings/lists/person').set('If-Match', '"1"')).status).toBe(412);
    expect((await anna.delete('/api/v1/me/settings/lists/person').set('If-Match', '"2"')).status).toBe(204);
    expect((await anna.get('/api/v1/me/settings/lists/person')).body.value).toBeNull();
    expect((await anna.delete('/api/v1/me/settings/lists/person')).status).toBe(204);
  });

  it('keeps the favourite lists in their order', async () => {
    const empty = await anna.get('/api/v1/me/settings/favourite-lists');
    expect(empty.body).toEqual({ value: { items: [] }, version: null });
    const favourites = {
      items: [
        { listType: 'deal', savedFilterId: null, label: 'Alle Deals' },
        { listType: 'person', savedFilterId: '0190f3c4-5b6a-7c8d-9e0f-123456789abc', label: 'Köln' },
      ],
    };
    const kept = await anna.put('/api/v1/me/settings/favourite-lists').send(favourites);
    expect(kept.body).toEqual({ value: favourites, version: 1 });
    expect((await anna.get('/api/v1/me/settings/favourite-lists')).body.value).toEqual(favourites);
    expect((await anna.put('/api/v1/me/settings/favourite-lists').set('If-Match', '"0"').send(favourites)).status).toBe(
      412,
    );
    expect((await bjoern.get('/api/v1/me/settings/favourite-lists')).body.value).toEqual({ items: [] });
    const bad = await anna
      .put('/api/v1/me/settings/favourite-lists')
      .set('Accept-Language', 'de')
      .send({ items: [{ listType: 'deal', savedFilterId: null, label: ' ' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('#/items/0/label');
  });

  it("keeps a user's record pages: hidden header buttons and each type's sections, not another user's", async () => {
    expect((await bjoern.get('/api/v1/me/settings/record-pages')).body).toEqual({
      value: { hiddenActions: [], sections: {} },
      version: null,
    });
    const layout = {
      hiddenActions: ['route'],
      sections: { person: [{ name: 'deals', wide: true }, { name: 'relations' }, { name: 'history', hidden: true }] },
    };
    const kept = await bjoern.put('/api/v1/me/settings/record-pages').set('If-Match', '"0"').send(layout);
    expect(kept.status).toBe(200);
    expect(kept.body).toEqual({ value: layout, version: 1 });
    expect((await bjoern.get('/api/v1/me/settings/record-pages')).body.value).toEqual(layout);
    expect((await anna.get('/api/v1/me/settings/record-pages')).body.value).toEqual({
      hiddenActions: [],
      sections: {},
    });
    expect((await fabrikam.get('/api/v1/me/settings/record-pages')).body.version).toBeNull();

    const stale = await bjoern.put('/api/v1/me/settings/record-pages').set('If-Match', '"0"').send(layout);
    expect(stale.status).toBe(412);
    const unknownButton = await bjoern
      .put('/api/v1/me/settings/record-pages')
      .set('Accept-Language', 'de')
      .send({ hiddenActions: ['fax'], sections: {} });
    expect(unknownButton.status).toBe(400);
    expect(unknownButton.headers['content-type']).toContain('application/problem+json');
    expect(unknownButton.body.errors[0].pointer).toBe('#/hiddenActions/0');
    const twice = await bjoern
      .put('/api/v1/me/settings/record-pages')
      .send({ hiddenActions: [], sections: { deal: [{ name: 'tasks' }, { name: 'tasks' }] } });
    expect(twice.status).toBe(400);
    const unknownType = await bjoern
      .put('/api/v1/me/settings/record-pages')
      .send({ hiddenActions: [], sections: { invoice: [] } });
    expect(unknownType.status).toBe(400);
  });
});
