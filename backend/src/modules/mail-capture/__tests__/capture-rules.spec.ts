import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp } from '../../../testing/test-app.ts';

const RULES = {
  enabled: true,
  internalDomains: ['Contoso.example', '@contoso.de'],
  excludedAddresses: ['Betriebsrat@Kunde.example'],
  excludedDomains: ['privat.example'],
  folders: ['inbox'],
  lookbackDays: 90,
};

describe('capture rules', () => {
  let t: TestApp;
  let admin: AuthedAgent;
  let rep: AuthedAgent;
  let fabrikam: AuthedAgent;

  beforeAll(async () => {
    t = await createTestApp();
    const contoso = await t.createTenant('Contoso Ablage GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß' },
    ]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    rep = await contoso.as(contoso.upn('Jürgen Weiß'));
    const other = await t.createTenant('Fabrikam Ablage AG', [{ displayName: 'Fritz Fabrikam' }]);
    fabrikam = await other.as(other.upn('Fritz Fabrikam'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows the defaults until an administrator sets rules, then the rules, lower-cased', async () => {
    const defaults = await rep.get('/api/v1/capture-rules');
    expect(defaults.status).toBe(200);
    expect(defaults.body).toEqual({
      enabled: true,
      internalDomains: null,
      verifiedDomains: [],
      effectiveInternalDomains: [],
      excludedAddresses: [],
      excludedDomains: [],
      folders: ['inbox', 'sentitems'],
      lookbackDays: 30,
      linkOpenDeals: 'single',
      privateNeverFiled: true,
      version: null,
    });

    const put = await admin.put('/api/v1/capture-rules').set('If-Match', '"0"').send(RULES);
    expect(put.status).toBe(200);
    expect(put.headers.etag).toBe('"1"');
    expect(put.body).toMatchObject({
      internalDomains: ['contoso.example', 'contoso.de'],
      effectiveInternalDomains: ['contoso.example', 'contoso.de'],
      excludedAddresses: ['betriebsrat@kunde.example'],
      folders: ['inbox'],
      lookbackDays: 90,
      version: 1,
    });
    expect((await rep.get('/api/v1/capture-rules')).body).toMatchObject({ lookbackDays: 90, version: 1 });
  });

  it('lets only administrators change the organisation’s rules, and refuses a stale change', async () => {
    const refused = await rep.put('/api/v1/capture-rules').set('Accept-Language', 'de').send(RULES);
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.detail).toContain('admin');

    const stale = await admin.put('/api/v1/capture-rules').set('If-Match', '"0"').send(RULES);
    expect(stale.status).toBe(412);
    const current = await admin.get('/api/v1/capture-rules');
    const changed = await admin
      .put('/api/v1/capture-rules')
      .set('If-Match', current.headers.etag as string)
      .send({ ...RULES, folders: ['inbox', 'sentitems'], internalDomains: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ internalDomains: null, folders: ['inbox', 'sentitems'] });
  });

  it('answers bad rules with a problem naming the field, in German and English', async () => {
    const english = await admin
      .put('/api/v1/capture-rules')
      .set('Accept-Language', 'en')
      .send({ ...RULES, excludedAddresses: ['not an address'] });
    expect(english.status).toBe(400);
    expect(english.headers['content-type']).toContain('application/problem+json');
    expect(english.body.title).toBe('The request is not valid');
    expect(english.body.errors[0]).toMatchObject({ pointer: '#/excludedAddresses/0' });

    const german = await admin
      .put('/api/v1/capture-rules')
      .set('Accept-Language', 'de')
      .send({ ...RULES, lookbackDays: 5000, folders: ['drafts'] });
    expect(german.status).toBe(400);
    expect(german.body.title).toBe('Die Anfrage ist nicht gültig');
    expect(german.body.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual([
      '#/folders/0',
      '#/lookbackDays',
    ]);
    const domain = await admin.put('/api/v1/capture-rules').send({ ...RULES, excludedDomains: ['no domain'] });
    expect(domain.status).toBe(400);
  });

  it('keeps each organisation’s rules to itself', async () => {
    expect((await fabrikam.get('/api/v1/capture-rules')).body).toMatchObject({ version: null, lookbackDays: 30 });
    const own = await fabrikam.put('/api/v1/capture-rules').send({ ...RULES, lookbackDays: 7 });
    expect(own.body).toMatchObject({ version: 1, lookbackDays: 7 });
    expect((await admin.get('/api/v1/capture-rules')).body.lookbackDays).toBe(90);
  });

  it('lets every user opt out or exclude addresses for their own mail only', async () => {
    expect((await rep.get('/api/v1/me/capture-rules')).body).toEqual({
      optOut: false,
      excludedAddresses: [],
      version: null,
    });
    const mine = await rep
      .put('/api/v1/me/capture-rules')
      .send({ optOut: true, excludedAddresses: ['Meine.Frau@Privat.example'] });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({ optOut: true, excludedAddresses: ['meine.frau@privat.example'], version: 1 });
    expect((await admin.get('/api/v1/me/capture-rules')).body).toMatchObject({ optOut: false, version: null });
    expect((await fabrikam.get('/api/v1/me/capture-rules')).body).toMatchObject({ optOut: false, version: null });

    const stale = await rep
      .put('/api/v1/me/capture-rules')
      .set('If-Match', '"7"')
      .send({ optOut: false, excludedAddresses: [] });
    expect(stale.status).toBe(412);
    const bad = await rep
      .put('/api/v1/me/capture-rules')
      .set('Accept-Language', 'de')
      .send({ optOut: 'ja', excludedAddresses: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('#/optOut');
  });
});
