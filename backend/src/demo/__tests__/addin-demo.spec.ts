import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { addinTryUrl, demoMailSender } from '../addin-demo.ts';
import { seedContactsDemo } from '../contacts-demo.ts';

describe('the add-in demo mail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('comes from a person the seeded demo data knows, with their organization, and no one else', async () => {
    const tenant = await t.createTenant('Demo Absender GmbH', [{ displayName: 'Dora Demo' }]);
    const size = { tenantId: tenant.id, organizations: 30, persons: 90 };
    await seedContactsDemo(t.orm, size);
    const sender = demoMailSender(size);
    expect(sender).not.toBeNull();
    const agent = await tenant.as(tenant.upn('Dora Demo'));
    const lookup = await agent.get('/api/v1/lookup').query({ email: sender?.address.toUpperCase() });
    expect(lookup.status).toBe(200);
    const [item] = lookup.body.items;
    expect(item.businessContacts).toEqual([
      expect.objectContaining({ personName: sender?.name, organizationName: sender?.organizationName }),
    ]);
    expect(item.persons.length + item.organizations.length).toBe(0);
  });

  it('is named in the try-it URL', () => {
    const url = new URL(
      addinTryUrl('http://127.0.0.1:3000', { address: 'a@b.example', name: 'A B', organizationName: 'C' }),
    );
    expect(url.pathname).toBe('/addin/try.html');
    expect(url.searchParams.get('from')).toBe('a@b.example');
    expect(url.searchParams.get('fromName')).toBe('A B');
  });
});
