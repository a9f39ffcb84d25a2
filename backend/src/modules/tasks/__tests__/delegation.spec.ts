import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('delegating tasks', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let juergen: AuthedAgent;
  let petra: AuthedAgent;
  let annaId: string;
  let juergenId: string;
  let petraId: string;

  const notifications = async (recipientId: string, kind: string) =>
    t.orm.em
      .getConnection()
      .execute<{ payload: Record<string, unknown>; idempotency_key: string }[]>(
        'select payload, idempotency_key from notification where recipient_id = ? and kind = ? order by created_at',
        [recipientId, kind],
      );

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Delegation GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Petra Klein', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Otto Ruhestand', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    juergen = await contoso.as(contoso.upn('Jürgen Weiß'));
    petra = await contoso.as(contoso.upn('Petra Klein'));
    annaId = await contoso.userId(contoso.upn('Anna Schmidt'));
    juergenId = await contoso.userId(contoso.upn('Jürgen Weiß'));
    petraId = await contoso.userId(contoso.upn('Petra Klein'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('waits for the delegate, who accepts; the delegator hears of it and the chain is in the history', async () => {
    const task = (await anna.post('/api/v1/tasks').send({ title: 'Kundentermin Bäckerei vorbereiten' })).body;
    const delegated = await anna
      .post(`/api/v1/tasks/${task.id}/delegate`)
      .set('If-Match', '"1"')
      .send({ toUserId: juergenId, note: 'Du kennst Herrn Schmitt am besten' });
    expect(delegated.status).toBe(200);
    expect(delegated.body).toMatchObject({
      assigneeId: juergenId,
      delegation: { state: 'pending', delegatedBy: annaId, note: 'Du kennst Herrn Schmitt am besten', reason: null },
    });
    const asked = await notifications(juergenId, 'task.delegated');
    expect(asked).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          taskId: task.id,
          byUserId: annaId,
          note: 'Du kennst Herrn Schmitt am besten',
        }),
      }),
    ]);
    expect(
      (await juergen.get('/api/v1/me/tasks')).body.waitingForMe.items.map((item: { id: string }) => item.id),
    ).toEqual([task.id]);
    expect(
      (await anna.get('/api/v1/me/tasks')).body.delegatedByMe.items.map((item: { id: string }) => item.id),
    ).toEqual([task.id]);
    expect((await anna.post(`/api/v1/tasks/${task.id}/accept`)).status).toBe(403);
    const again = await anna.post(`/api/v1/tasks/${task.id}/delegate`).send({ toUserId: petraId });
    expect(again.status).toBe(409);
    const accepted = await juergen.post(`/api/v1/tasks/${task.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      assigneeId: juergenId,
      delegation: { state: 'accepted', delegatedBy: annaId },
    });
    expect(await notifications(annaId, 'task.delegation_accepted')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ taskId: task.id, byUserId: juergenId }) }),
    ]);
    expect((await juergen.post(`/api/v1/tasks/${task.id}/accept`)).status).toBe(409);
    const history = (await anna.get(`/api/v1/tasks/${task.id}/history?limit=50`)).body.items as {
      field: string;
      before: unknown;
      after: unknown;
      changedBy: string;
    }[];
    const states = history
      .filter((entry) => entry.field === 'delegationState')
      .map((entry) => `${entry.before}→${entry.after} by ${entry.changedBy === annaId ? 'Anna' : 'Jürgen'}`);
    expect(states).toEqual(['pending→accepted by Jürgen', 'null→pending by Anna']);
    expect(history.find((entry) => entry.field === 'assigneeId')).toMatchObject({ before: annaId, after: juergenId });
    // The task's history names who changed it and whom its ids refer to, as every record's does.
    const handedOver = history.find((entry) => entry.field === 'assigneeId') as unknown as {
      changedByName: string | null;
      names: Record<string, string>;
    };
    expect(handedOver.changedByName).toEqual(expect.any(String));
    expect(Object.keys(handedOver.names).sort()).toEqual([annaId, juergenId].sort());
  });

  it('returns a declined task to the delegator with the reason', async () => {
    const task = (await anna.post('/api/v1/tasks').send({ title: 'Messestand abbauen' })).body;
    await anna.post(`/api/v1/tasks/${task.id}/delegate`).send({ toUserId: petraId });
    expect((await petra.post(`/api/v1/tasks/${task.id}/decline`).send({ reason: '' })).status).toBe(400);
    expect((await juergen.post(`/api/v1/tasks/${task.id}/decline`).send({ reason: 'nicht meins' })).status).toBe(404);
    const declined = await petra.post(`/api/v1/tasks/${task.id}/decline`).send({ reason: 'Bin an dem Tag in Hamburg' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({
      assigneeId: annaId,
      delegation: { state: 'declined', delegatedBy: annaId, reason: 'Bin an dem Tag in Hamburg' },
    });
    expect(await notifications(annaId, 'task.delegation_declined')).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ taskId: task.id, reason: 'Bin an dem Tag in Hamburg', byUserId: petraId }),
      }),
    ]);
    // Delegated anew, it waits again, and the delegate hears of the new request.
    const anew = await anna.post(`/api/v1/tasks/${task.id}/delegate`).send({ toUserId: juergenId });
    expect(anew.body.delegation).toMatchObject({ state: 'pending', reason: null });
    const history = (await anna.get(`/api/v1/tasks/${task.id}/history?limit=50`)).body.items as {
      field: string;
      after: unknown;
    }[];
    expect(history.filter((entry) => entry.field === 'assigneeId').map((entry) => entry.after)).toEqual([
      juergenId,
      annaId,
      petraId,
    ]);
  });

  it('refuses delegating to oneself, the assignee, another organisation, a deactivated user, or a closed task', async () => {
    const task = (await juergen.post('/api/v1/tasks').send({ title: 'Rechnung prüfen' })).body;
    const self = await juergen.post(`/api/v1/tasks/${task.id}/delegate`).send({ toUserId: juergenId });
    expect(self.status).toBe(422);
    expect(self.body.errors).toEqual([expect.objectContaining({ pointer: '#/toUserId' })]);
    const assignee = await anna.post(`/api/v1/tasks/${task.id}/delegate`).send({ toUserId: juergenId });
    expect(assignee.status).toBe(422);
    const fabrikam = await t.createTenant('Fabrikam Delegation AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoeId = await fabrikam.userId(fabrikam.upn('Zoë Bäcker'));
    const foreign = await juergen.post(`/api/v1/tasks/${task.id}/delegate`).send({ toUserId: zoeId });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ pointer: '#/toUserId' })]);
    const otto = await contoso.userId(contoso.upn('Otto Ruhestand'));
    await anna.patch(`/api/v1/admin/users/${otto}`).send({ active: false });
    const retired = await juergen.post(`/api/v1/tasks/${task.id}/delegate`).send({ toUserId: otto });
    expect(retired.status).toBe(422);
    expect(retired.body.detail).toContain('deactivated');
    await juergen.patch(`/api/v1/tasks/${task.id}`).send({ status: 'done' });
    expect((await juergen.post(`/api/v1/tasks/${task.id}/delegate`).send({ toUserId: petraId })).status).toBe(409);
    const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    expect((await zoe.post(`/api/v1/tasks/${task.id}/delegate`).send({ toUserId: zoeId })).status).toBe(404);
    expect((await zoe.post(`/api/v1/tasks/${task.id}/accept`)).status).toBe(404);
    expect((await anna.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({
      assigneeId: juergenId,
      delegation: null,
    });
    expect(await notifications(otto, 'task.delegated')).toEqual([]);
  });

  it('notifies an assignee given a task by someone else, once per assignment', async () => {
    const task = (await anna.post('/api/v1/tasks').send({ title: 'Katalog versenden' })).body;
    expect((await anna.patch(`/api/v1/tasks/${task.id}`).send({ assigneeId: petraId })).status).toBe(200);
    expect(
      (await anna.patch(`/api/v1/tasks/${task.id}`).send({ assigneeId: petraId, title: 'Katalog 2027' })).status,
    ).toBe(200);
    const assigned = (await notifications(petraId, 'task.assigned')).filter(
      (notification) => notification.payload.taskId === task.id,
    );
    expect(assigned).toHaveLength(1);
    await anna.patch(`/api/v1/tasks/${task.id}`).send({ assigneeId: juergenId });
    await anna.patch(`/api/v1/tasks/${task.id}`).send({ assigneeId: petraId });
    const again = (await notifications(petraId, 'task.assigned')).filter(
      (notification) => notification.payload.taskId === task.id,
    );
    expect(again).toHaveLength(2);
    expect(new Set(again.map((notification) => notification.idempotency_key)).size).toBe(2);
    // A pending delegation ends when someone assigns the task anew.
    await anna.post(`/api/v1/tasks/${task.id}/delegate`).send({ toUserId: juergenId });
    const reassigned = await anna.patch(`/api/v1/tasks/${task.id}`).send({ assigneeId: annaId });
    expect(reassigned.body).toMatchObject({ assigneeId: annaId, delegation: null });
    expect((await juergen.post(`/api/v1/tasks/${task.id}/accept`)).status).toBe(404);
  });
});
