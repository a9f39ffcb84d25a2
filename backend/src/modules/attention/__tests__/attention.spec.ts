import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

const DAY = 24 * 3600_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

interface AttentionItem {
  id: string;
  title: string;
  reasons: string[];
  lastActivityAt: string | null;
}

describe('deals that need attention (GET /api/v1/me/attention)', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let rita: AuthedAgent;
  let rolf: AuthedAgent;
  let manager: AuthedAgent;
  let outsider: AuthedAgent;
  let rolfId: string;
  let org: string;
  let callType: string;
  const ids: Record<string, string> = {};

  /** A deal created `createdDaysAgo` days ago (as if), with activities on it that long ago. */
  const dealOf = async (
    api: AuthedAgent,
    title: string,
    options: { createdDaysAgo: number; closeInDays?: number; activityDaysAgo?: number[]; organizationId?: string },
  ) => {
    const res = await api.post('/api/v1/deals').send({
      title,
      value: '1200.5',
      organizationId: options.organizationId ?? org,
      ...(options.closeInDays !== undefined ? { expectedCloseDate: dateIn(options.closeInDays) } : {}),
    });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    await t.orm.em
      .getConnection()
      .execute('update deal set created_at = ? where id = ?', [daysAgo(options.createdDaysAgo), res.body.id]);
    for (const days of options.activityDaysAgo ?? []) {
      const activity = await api.post('/api/v1/activities').send({
        typeId: callType,
        subject: `Anruf zu ${title}`,
        startsAt: daysAgo(days),
        links: [{ type: 'deal', id: res.body.id }],
      });
      expect(activity.status).toBe(201);
    }
    ids[title] = res.body.id;
    return res.body as { id: string; version: number };
  };

  const attentionOf = async (api: AuthedAgent) => {
    const res = await api.get('/api/v1/me/attention?timeZone=Europe/Berlin');
    expect(res.status).toBe(200);
    return res.body as { total: number; quietDays: number; date: string; items: AttentionItem[] };
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Attention GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Max Manager', appRoles: ['CRM.SalesManager'] },
      { displayName: 'Rita Rep', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Rolf Rep', appRoles: ['CRM.SalesRep'] },
    ]);
    const admin = await contoso.as(contoso.upn('Anna Admin'));
    manager = await contoso.as(contoso.upn('Max Manager'));
    rita = await contoso.as(contoso.upn('Rita Rep'));
    rolf = await contoso.as(contoso.upn('Rolf Rep'));
    rolfId = await contoso.userId(contoso.upn('Rolf Rep'));
    const ritaId = await contoso.userId(contoso.upn('Rita Rep'));
    const managerId = await contoso.userId(contoso.upn('Max Manager'));
    await admin.post('/api/v1/admin/teams').send({ name: 'Vertrieb Nord', managerId, memberIds: [ritaId] });
    org = (await admin.post('/api/v1/organizations').send({ name: 'Mühlenwerke Nord GmbH' })).body.id;
    const types = (await rita.get('/api/v1/activity-types')).body.items as { id: string; key: string | null }[];
    callType = types.find((type) => type.key === 'call')?.id as string;

    await dealOf(rita, 'Still seit drei Wochen', { createdDaysAgo: 21 });
    await dealOf(rita, 'Abschluss verpasst', { createdDaysAgo: 40, closeInDays: -3, activityDaysAgo: [2] });
    await dealOf(rita, 'Beides', { createdDaysAgo: 60, closeInDays: -10, activityDaysAgo: [45, 20] });
    await dealOf(rita, 'Läuft', { createdDaysAgo: 60, closeInDays: 30, activityDaysAgo: [30, 3] });
    await dealOf(rita, 'Gerade angelegt', { createdDaysAgo: 2, closeInDays: 20 });
    // A call planned for next week is no activity yet.
    await dealOf(rita, 'Nur geplant', { createdDaysAgo: 30, closeInDays: 20, activityDaysAgo: [-7] });
    const trashed = await dealOf(rita, 'Im Papierkorb', { createdDaysAgo: 30 });
    expect((await rita.delete(`/api/v1/deals/${trashed.id}`).set('If-Match', `"${trashed.version}"`)).status).toBe(204);
    // Rita's deal handed to Rolf by the admin: Rolf's now.
    const handed = await dealOf(rita, 'Übergeben', { createdDaysAgo: 30 });
    const handover = await admin
      .patch(`/api/v1/deals/${handed.id}`)
      .set('If-Match', `"${handed.version}"`)
      .send({ ownerId: rolfId });
    expect(handover.status).toBe(200);

    const fabrikam = await t.createTenant('Fabrikam Attention AG', [
      { displayName: 'Olga Outside', appRoles: ['CRM.SalesRep'] },
    ]);
    outsider = await fabrikam.as(fabrikam.upn('Olga Outside'));
    const otherOrg = (await outsider.post('/api/v1/organizations').send({ name: 'Fabrikam Kunde' })).body.id;
    await dealOf(outsider, 'Fabrikam still', { createdDaysAgo: 30, organizationId: otherOrg });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists my open deals past their close date or without activity for 14 days, each with its reasons', async () => {
    const attention = await attentionOf(rita);
    expect(attention.quietDays).toBe(14);
    expect(attention.total).toBe(4);
    // Close date passed first (the longest past first), then the quiet ones.
    expect(attention.items.map((item) => [item.title, item.reasons])).toEqual([
      ['Beides', ['closeDatePassed', 'noRecentActivity']],
      ['Abschluss verpasst', ['closeDatePassed']],
      ['Nur geplant', ['noRecentActivity']],
      ['Still seit drei Wochen', ['noRecentActivity']],
    ]);
    const both = attention.items[0] as AttentionItem & Record<string, unknown>;
    expect(both).toMatchObject({ value: '1200.50', currency: 'EUR', stageName: 'Qualifizierung' });
    expect(both.expectedCloseDate).toBe(dateIn(-10));
    expect(Date.now() - Date.parse(both.lastActivityAt as string)).toBeGreaterThan(19 * DAY);
    expect(Date.now() - Date.parse(both.lastActivityAt as string)).toBeLessThan(21 * DAY);
    expect(attention.items.find((item) => item.title === 'Still seit drei Wochen')?.lastActivityAt).toBeNull();
  });

  it("shows only my own deals: not a colleague's, not a handed-over one, not my team's to a manager", async () => {
    expect((await attentionOf(rolf)).items.map((item) => item.title)).toEqual(['Übergeben']);
    // The manager sees Rita's deals in the deals list, but they are not the manager's own.
    expect((await manager.get(`/api/v1/deals/${ids.Beides}`)).status).toBe(200);
    expect((await attentionOf(manager)).items).toEqual([]);
  });

  it("never shows another tenant's deals", async () => {
    expect((await attentionOf(outsider)).items.map((item) => item.title)).toEqual(['Fabrikam still']);
    expect((await outsider.get(`/api/v1/deals/${ids.Beides}`)).status).toBe(404);
  });

  it('refuses a time zone that is none, in the language asked for', async () => {
    const res = await rita.get('/api/v1/me/attention?timeZone=Mars/Olympus').set('Accept-Language', 'de');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors[0].pointer).toBe('#/timeZone');
  });
});
