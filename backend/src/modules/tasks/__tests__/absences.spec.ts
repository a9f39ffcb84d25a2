import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CRM_MODULES } from '../../../app.ts';
import { inTenantTransaction } from '../../../http/tenancy.ts';
import type { CrmModule } from '../../../modules/module.ts';
import type { TaskChange } from '../../../records/task-events.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';
import { handOverStartedAbsences, tenantsWithAbsencesToHandOver } from '../tasks.service.ts';

const changes: TaskChange[] = [];
const listening: CrmModule = {
  name: 'task-change-listener',
  taskListeners: [
    async (_em, change) => {
      changes.push(change);
    },
  ],
};

const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

describe('absences and substitutes', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let juergen: AuthedAgent;
  let petra: AuthedAgent;
  let annaId: string;
  let juergenId: string;
  let petraId: string;
  let svenId: string;

  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
    t.orm.em.getConnection().execute<T[]>(query, params);
  const notifications = (recipientId: string, kind: string) =>
    sql<{ payload: Record<string, unknown>; idempotency_key: string }>(
      'select payload, idempotency_key from notification where recipient_id = ? and kind = ? order by created_at',
      [recipientId, kind],
    );
  const handOver = () =>
    inTenantTransaction(t.orm.em as EntityManager, contoso.id, (em) => handOverStartedAbsences(em));
  /** Lets an absence begin a minute ago, as if its start had come. */
  const begin = (absenceId: string) =>
    sql("update absence set starts_at = now() - interval '1 minute' where id = ?", [absenceId]);
  const task = async (agent: AuthedAgent, body: object) => {
    const res = await agent.post('/api/v1/tasks').send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number };
  };

  beforeAll(async () => {
    t = await createTestApp({ modules: [...CRM_MODULES, listening] });
    contoso = await t.createTenant('Contoso Abwesenheit GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Jürgen Weiß', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Petra Klein', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Sven Süd', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    juergen = await contoso.as(contoso.upn('Jürgen Weiß'));
    petra = await contoso.as(contoso.upn('Petra Klein'));
    annaId = await contoso.userId(contoso.upn('Anna Schmidt'));
    juergenId = await contoso.userId(contoso.upn('Jürgen Weiß'));
    petraId = await contoso.userId(contoso.upn('Petra Klein'));
    svenId = await contoso.userId(contoso.upn('Sven Süd'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('hands the open tasks to the substitute when the absence begins, once however often the job runs', async () => {
    const open = await task(juergen, { title: 'Angebot Bäckerei', dueAt: '2026-12-01T10:00:00+01:00' });
    const done = await task(juergen, { title: 'Erledigtes', status: 'done' });
    const absence = await juergen
      .post('/api/v1/me/absences')
      .send({ from: inHours(24), to: inHours(24 * 8), substituteId: petraId, note: 'Urlaub' });
    expect(absence.status).toBe(201);
    expect(absence.body).toMatchObject({
      userId: juergenId,
      substituteId: petraId,
      note: 'Urlaub',
      active: false,
      handedOverAt: null,
    });
    expect(await handOver()).toEqual({ absences: 0, tasks: 0 });
    expect((await juergen.get(`/api/v1/tasks/${open.id}`)).body.assigneeId).toBe(juergenId);

    expect(await tenantsWithAbsencesToHandOver(t.orm.em as EntityManager)).not.toContain(contoso.id);
    await begin(absence.body.id);
    expect(await tenantsWithAbsencesToHandOver(t.orm.em as EntityManager)).toContain(contoso.id);
    changes.length = 0;
    const runs = await Promise.all([handOver(), handOver()]);
    expect(runs.map((run) => run.tasks).sort()).toEqual([0, 1]);
    expect(await handOver()).toEqual({ absences: 0, tasks: 0 });
    expect(await tenantsWithAbsencesToHandOver(t.orm.em as EntityManager)).not.toContain(contoso.id);
    expect(changes).toEqual([
      {
        before: expect.objectContaining({ id: open.id, assigneeId: juergenId }),
        after: expect.objectContaining({ id: open.id, assigneeId: petraId }),
      },
    ]);
    const moved = await petra.get(`/api/v1/tasks/${open.id}`);
    expect(moved.body).toMatchObject({
      assigneeId: petraId,
      substitution: { forUserId: juergenId, absenceId: absence.body.id, until: absence.body.to },
      version: open.version + 1,
    });
    // The absent user still sees why.
    expect((await juergen.get(`/api/v1/tasks/${open.id}`)).body.substitution).toMatchObject({ forUserId: juergenId });
    expect((await juergen.get(`/api/v1/tasks/${done.id}`)).body.assigneeId).toBe(juergenId);
    expect(await notifications(petraId, 'task.substituted')).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ taskId: open.id, forUserId: juergenId, absenceId: absence.body.id }),
      }),
    ]);
    expect(await notifications(petraId, 'absence.handover')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ absenceId: absence.body.id, taskCount: 1 }) }),
    ]);
    const history = (await juergen.get(`/api/v1/tasks/${open.id}/history`)).body.items as {
      field: string;
      changedBy: string | null;
      after: unknown;
    }[];
    expect(
      history
        .filter((entry) => entry.changedBy === null)
        .map((entry) => entry.field)
        .sort(),
    ).toEqual(['assigneeId', 'substitutedFor', 'substitutionAbsenceId']);

    // While the absence lasts, new tasks for the absent user go to the substitute too.
    const fresh = await anna.post('/api/v1/tasks').send({ title: 'Neu für Jürgen', assigneeId: juergenId });
    expect(fresh.body).toMatchObject({ assigneeId: petraId, substitution: { forUserId: juergenId } });
    expect(
      (await notifications(petraId, 'task.substituted')).map((notification) => notification.payload.taskId),
    ).toContain(fresh.body.id);
    expect(
      (await notifications(juergenId, 'task.assigned')).filter(
        (notification) => notification.payload.taskId === fresh.body.id,
      ),
    ).toEqual([]);
    const asked = await anna.post('/api/v1/tasks').send({ title: 'Delegiert an Jürgen' });
    const delegated = await anna.post(`/api/v1/tasks/${asked.body.id}/delegate`).send({ toUserId: juergenId });
    expect(delegated.body).toMatchObject({ assigneeId: petraId, delegation: { state: 'pending' } });
    expect((await petra.post(`/api/v1/tasks/${asked.body.id}/accept`)).status).toBe(200);

    // Back early: the still-open tasks come back, what the substitute finished stays.
    await petra.patch(`/api/v1/tasks/${fresh.body.id}`).send({ status: 'done' });
    const back = await juergen.post(`/api/v1/me/absences/${absence.body.id}/return`).send({ giveBack: true });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ returnedTasks: 2, absence: { active: false, returnedAt: expect.any(String) } });
    expect((await juergen.get(`/api/v1/tasks/${open.id}`)).body).toMatchObject({
      assigneeId: juergenId,
      substitution: null,
    });
    expect((await juergen.get(`/api/v1/tasks/${asked.body.id}`)).body.assigneeId).toBe(juergenId);
    expect((await juergen.get(`/api/v1/tasks/${fresh.body.id}`)).body.assigneeId).toBe(petraId);
    const after = await anna.post('/api/v1/tasks').send({ title: 'Wieder da', assigneeId: juergenId });
    expect(after.body).toMatchObject({ assigneeId: juergenId, substitution: null });
    expect((await juergen.post(`/api/v1/me/absences/${absence.body.id}/return`).send({ giveBack: true })).status).toBe(
      409,
    );
  });

  it('hands over at once when the absence has begun already, and keeps tasks with the substitute on return', async () => {
    const open = await task(petra, { title: 'Rückruf Konditorei' });
    const absence = await petra
      .post('/api/v1/me/absences')
      .send({ from: inHours(-1), to: inHours(48), substituteId: juergenId });
    expect(absence.status).toBe(201);
    expect(absence.body).toMatchObject({ active: true, handedOverAt: expect.any(String) });
    expect((await juergen.get(`/api/v1/tasks/${open.id}`)).body).toMatchObject({
      assigneeId: juergenId,
      substitution: { forUserId: petraId },
    });
    const listed = await petra.get('/api/v1/me/absences');
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(absence.body.id);
    const under = await petra.delete(`/api/v1/me/absences/${absence.body.id}`);
    expect(under.status).toBe(409);
    const back = await petra.post(`/api/v1/me/absences/${absence.body.id}/return`).send({});
    expect(back.body.returnedTasks).toBe(0);
    expect((await juergen.get(`/api/v1/tasks/${open.id}`)).body.assigneeId).toBe(juergenId);
  });

  it('gives the handed-over tasks to a new substitute when the substitute changes', async () => {
    const open = await task(anna, { title: 'Jahresplanung', assigneeId: svenId });
    const sven = await contoso.as(contoso.upn('Sven Süd'));
    const absence = await sven
      .post('/api/v1/me/absences')
      .send({ from: inHours(-2), to: inHours(20), substituteId: petraId });
    expect((await anna.get(`/api/v1/tasks/${open.id}`)).body.assigneeId).toBe(petraId);
    const stale = await sven
      .patch(`/api/v1/me/absences/${absence.body.id}`)
      .set('If-Match', '"7"')
      .send({ substituteId: annaId });
    expect(stale.status).toBe(412);
    const changed = await sven
      .patch(`/api/v1/me/absences/${absence.body.id}`)
      .set('If-Match', `"${absence.body.version}"`)
      .send({ substituteId: annaId, to: inHours(30) });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ substituteId: annaId });
    expect((await anna.get(`/api/v1/tasks/${open.id}`)).body).toMatchObject({
      assigneeId: annaId,
      substitution: { forUserId: svenId, absenceId: absence.body.id, until: changed.body.to },
    });
    expect(
      (await notifications(annaId, 'absence.handover')).map((notification) => notification.payload.absenceId),
    ).toContain(absence.body.id);
    const begun = await sven.patch(`/api/v1/me/absences/${absence.body.id}`).send({ from: inHours(1) });
    expect(begun.status).toBe(409);
    await sven.post(`/api/v1/me/absences/${absence.body.id}/return`).send({ giveBack: true });
    expect((await anna.get(`/api/v1/tasks/${open.id}`)).body.assigneeId).toBe(svenId);
  });

  it('refuses a substitute who is the user, of another organisation or deactivated, and overlapping absences', async () => {
    const before = Number(
      (await sql<{ n: string }>('select count(*) as n from absence where tenant_id = ?', [contoso.id]))[0]?.n,
    );
    const self = await juergen
      .post('/api/v1/me/absences')
      .send({ from: inHours(100), to: inHours(120), substituteId: juergenId });
    expect(self.status).toBe(422);
    expect(self.body.errors).toEqual([expect.objectContaining({ pointer: '#/substituteId' })]);
    const fabrikam = await t.createTenant('Fabrikam Abwesenheit AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoeId = await fabrikam.userId(fabrikam.upn('Zoë Bäcker'));
    const foreign = await juergen
      .post('/api/v1/me/absences')
      .send({ from: inHours(100), to: inHours(120), substituteId: zoeId });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ pointer: '#/substituteId' })]);
    const backwards = await juergen
      .post('/api/v1/me/absences')
      .send({ from: inHours(120), to: inHours(100), substituteId: petraId });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ pointer: '#/to' })]);
    const badDate = await juergen
      .post('/api/v1/me/absences')
      .send({ from: '2026-02-30T08:00:00+01:00', to: inHours(100), substituteId: petraId });
    expect(badDate.status).toBe(400);
    const first = await juergen
      .post('/api/v1/me/absences')
      .send({ from: inHours(100), to: inHours(120), substituteId: petraId });
    expect(first.status).toBe(201);
    const overlap = await juergen
      .post('/api/v1/me/absences')
      .send({ from: inHours(110), to: inHours(130), substituteId: annaId });
    expect(overlap.status).toBe(409);
    const notBegun = await juergen.post(`/api/v1/me/absences/${first.body.id}/return`).send({});
    expect(notBegun.status).toBe(409);
    const dora = await t.createTenant('Contoso Nebenan GmbH', [{ displayName: 'Dora Dritte' }]);
    const doraAgent = await dora.as(dora.upn('Dora Dritte'));
    expect((await doraAgent.patch(`/api/v1/me/absences/${first.body.id}`).send({ note: 'x' })).status).toBe(404);
    expect((await doraAgent.delete(`/api/v1/me/absences/${first.body.id}`)).status).toBe(404);
    expect((await petra.delete(`/api/v1/me/absences/${first.body.id}`)).status).toBe(404);
    expect((await juergen.delete(`/api/v1/me/absences/${first.body.id}`)).status).toBe(204);
    const after = Number(
      (
        await sql<{ n: string }>('select count(*) as n from absence where tenant_id = ? and deleted_at is null', [
          contoso.id,
        ])
      )[0]?.n,
    );
    expect(after).toBe(before);
  });

  it('does not hand over to a substitute deactivated meanwhile', async () => {
    const ines = await t.createTenant('Contoso Inaktiv GmbH', [
      { displayName: 'Ina Admin' },
      { displayName: 'Kai Kollege', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Lea Vertretung', appRoles: ['CRM.SalesRep'] },
    ]);
    const admin = await ines.as(ines.upn('Ina Admin'));
    const kai = await ines.as(ines.upn('Kai Kollege'));
    const leaId = await ines.userId(ines.upn('Lea Vertretung'));
    const open = (await kai.post('/api/v1/tasks').send({ title: 'Offen' })).body;
    const absence = await kai
      .post('/api/v1/me/absences')
      .send({ from: inHours(5), to: inHours(50), substituteId: leaId });
    await admin.patch(`/api/v1/admin/users/${leaId}`).send({ active: false });
    await sql("update absence set starts_at = now() - interval '1 minute' where id = ?", [absence.body.id]);
    const run = await inTenantTransaction(t.orm.em as EntityManager, ines.id, (em) => handOverStartedAbsences(em));
    expect(run).toEqual({ absences: 0, tasks: 0 });
    expect((await kai.get(`/api/v1/tasks/${open.id}`)).body.assigneeId).toBe(
      await ines.userId(ines.upn('Kai Kollege')),
    );
  });

  it("lets an admin manage anyone's absences, and nobody else", async () => {
    const created = await anna
      .post(`/api/v1/admin/users/${petraId}/absences`)
      .send({ from: inHours(200), to: inHours(240), substituteId: svenId });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userId: petraId, substituteId: svenId, createdBy: annaId });
    const listed = await anna.get(`/api/v1/admin/users/${petraId}/absences`);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(created.body.id);
    expect((await petra.get('/api/v1/me/absences')).body.items.map((item: { id: string }) => item.id)).toContain(
      created.body.id,
    );
    const patched = await anna
      .patch(`/api/v1/admin/users/${petraId}/absences/${created.body.id}`)
      .send({ note: 'Elternzeit' });
    expect(patched.body.note).toBe('Elternzeit');
    expect((await juergen.get(`/api/v1/admin/users/${petraId}/absences`)).status).toBe(403);
    expect(
      (
        await juergen
          .post(`/api/v1/admin/users/${petraId}/absences`)
          .send({ from: inHours(300), to: inHours(310), substituteId: juergenId })
      ).status,
    ).toBe(403);
    expect(
      (await anna.patch(`/api/v1/admin/users/${juergenId}/absences/${created.body.id}`).send({ note: 'x' })).status,
    ).toBe(404);
    const fabrikam = await t.createTenant('Fabrikam Admin AG', [{ displayName: 'Zoë Admin' }]);
    const zoe = await fabrikam.as(fabrikam.upn('Zoë Admin'));
    expect((await zoe.get(`/api/v1/admin/users/${petraId}/absences`)).status).toBe(404);
    expect((await zoe.delete(`/api/v1/admin/users/${petraId}/absences/${created.body.id}`)).status).toBe(404);
    expect((await anna.delete(`/api/v1/admin/users/${petraId}/absences/${created.body.id}`)).status).toBe(204);
  });
});
