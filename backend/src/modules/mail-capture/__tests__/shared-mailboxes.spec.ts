import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp } from '../../../testing/test-app.ts';

describe('shared mailboxes', () => {
  let t: TestApp;
  let admin: AuthedAgent;
  let rep: AuthedAgent;
  let fabrikam: AuthedAgent;

  beforeAll(async () => {
    t = await createTestApp();
    const contoso = await t.createTenant('Contoso Postfach GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß' },
    ]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    rep = await contoso.as(contoso.upn('Jürgen Weiß'));
    const other = await t.createTenant('Fabrikam Postfach AG', [{ displayName: 'Fritz Fabrikam' }]);
    fabrikam = await other.as(other.upn('Fritz Fabrikam'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets an administrator name a team mailbox, lists it, and removes it', async () => {
    const added = await admin.post('/api/v1/shared-mailboxes').send({ address: ' Vertrieb@Contoso.example ' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      address: 'vertrieb@contoso.example',
      lastSuccessAt: null,
      backlog: 0,
      lastError: null,
    });
    const listed = await admin.get('/api/v1/shared-mailboxes');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { address: string }) => item.address)).toEqual(['vertrieb@contoso.example']);

    const health = await admin.get('/api/v1/admin/sync');
    expect(health.status).toBe(200);
    expect(health.body.sharedMailboxes).toEqual([
      expect.objectContaining({
        address: 'vertrieb@contoso.example',
        lastSuccessAt: null,
        backlog: 0,
        lastError: null,
      }),
    ]);

    const again = await admin
      .post('/api/v1/shared-mailboxes')
      .set('Accept-Language', 'de')
      .send({ address: 'vertrieb@contoso.example' });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.body.detail).toContain('vertrieb@contoso.example');

    const removed = await admin.delete(`/api/v1/shared-mailboxes/${added.body.id}`);
    expect(removed.status).toBe(204);
    expect((await admin.get('/api/v1/shared-mailboxes')).body.items).toEqual([]);
  });

  it('refuses an address that is none, in German and English', async () => {
    const de = await admin.post('/api/v1/shared-mailboxes').set('Accept-Language', 'de').send({ address: 'vertrieb' });
    expect(de.status).toBe(400);
    expect(de.headers['content-type']).toContain('application/problem+json');
    const en = await admin.post('/api/v1/shared-mailboxes').set('Accept-Language', 'en').send({});
    expect(en.status).toBe(400);
    expect(en.body.detail).not.toEqual(de.body.detail);
  });

  it('lets only administrators see and change them', async () => {
    const mailbox = await admin.post('/api/v1/shared-mailboxes').send({ address: 'service@contoso.example' });
    expect((await rep.get('/api/v1/shared-mailboxes')).status).toBe(403);
    expect((await rep.post('/api/v1/shared-mailboxes').send({ address: 'x@contoso.example' })).status).toBe(403);
    expect((await rep.delete(`/api/v1/shared-mailboxes/${mailbox.body.id}`)).status).toBe(403);
  });

  it("answers 404 for another organisation's mailbox and keeps it", async () => {
    const mailbox = await admin.post('/api/v1/shared-mailboxes').send({ address: 'einkauf@contoso.example' });
    const crossing = await fabrikam.delete(`/api/v1/shared-mailboxes/${mailbox.body.id}`);
    expect(crossing.status).toBe(404);
    expect((await fabrikam.get('/api/v1/shared-mailboxes')).body.items).toEqual([]);
    const mine = await admin.get('/api/v1/shared-mailboxes');
    expect(mine.body.items.map((item: { address: string }) => item.address)).toContain('einkauf@contoso.example');
  });
});
