import { CRM_APP_ID } from '@crm/m365-emulator';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CRM_SCOPE, createTestApp, type TestApp } from '../../../testing/test-app.ts';

describe('setting an organisation up by admin consent', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The callback address registered for the CRM's app in the emulator.
    t = await createTestApp({ env: { PUBLIC_URL: 'http://localhost:3000' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const newTenant = (displayName: string) =>
    t.emulator.createTenant({
      displayName,
      consentedApps: [],
      users: [{ displayName: 'Ömer Yılmaz', directoryRoles: ['Global Administrator'] }, { displayName: 'Ida Öztürk' }],
    });

  /** What the administrator does in the browser: open the consent URL, pick themselves, accept. */
  async function grantConsent(tenantId: string, adminId: string, decision: 'accept' | 'decline'): Promise<URL> {
    const { body } = await t.http.get(`/api/v1/setup/consent-url?tenant=${tenantId}`);
    const consent = new URL(body.url);
    expect(consent.searchParams.get('client_id')).toBe(CRM_APP_ID);
    expect(consent.searchParams.get('redirect_uri')).toBe('http://localhost:3000/api/v1/setup/consent-callback');
    const form = new URLSearchParams(consent.searchParams);
    form.set('user_id', adminId);
    form.set('decision', decision);
    const answer = await fetch(consent.origin + consent.pathname, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    expect(answer.status).toBe(302);
    return new URL(answer.headers.get('location') ?? '');
  }

  it('refuses an organisation whose administrator has not consented', async () => {
    const tenant = await newTenant('Northwind Ohne Zustimmung KG');
    const res = await t.http.get(`/api/v1/setup/consent-callback?admin_consent=True&tenant=${tenant.id}`);
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('urn:crm:problem:consent_missing');
  });

  it('sets the organisation up, named as in Microsoft 365, once its administrator consented', async () => {
    const tenant = await newTenant('Northwind Handels KG');
    const callback = await grantConsent(tenant.id, tenant.users[0]?.id ?? '', 'accept');
    expect(callback.searchParams.get('admin_consent')).toBe('True');
    const res = await t.http.get(callback.pathname + callback.search);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tenant: { id: tenant.id, name: 'Northwind Handels KG' }, created: true });
    // Now anyone of the organisation signs in, not only its administrators.
    const ida = tenant.users[1]?.userPrincipalName ?? '';
    const token = await t.emulator.passwordToken({ tenant: tenant.id, username: ida, scope: CRM_SCOPE });
    const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(200);
    expect(me.body.tenant.name).toBe('Northwind Handels KG');
    expect(me.body.roles).toEqual(['sales_rep']);
    expect((await t.http.get(callback.pathname + callback.search)).body.created).toBe(false);
    await t.orm.em.getConnection().execute('delete from tenant where id = ?', [tenant.id]);
  });

  it('reports a declined consent', async () => {
    const tenant = await newTenant('Northwind Abgelehnt KG');
    const callback = await grantConsent(tenant.id, tenant.users[0]?.id ?? '', 'decline');
    const res = await t.http.get(callback.pathname + callback.search);
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('urn:crm:problem:consent_declined');
    expect(res.body.detail).toMatch(/AADSTS65004/);
  });
});
