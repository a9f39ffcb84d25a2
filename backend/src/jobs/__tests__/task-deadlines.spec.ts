import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { createTaskRows, updateTaskRow } from '../../testing/task-rows.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../testing/test-app.ts';
import { deadlineTenants, notifyOverdueTasks, sendOverdueDigests, TASK_DEADLINES } from '../task-deadlines.job.ts';

const DAY = 86_400;

interface NotificationRow {
  recipient_id: string;
  kind: string;
  idempotency_key: string;
  payload: Record<string, unknown>;
}

describe('deadline rules', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let anna = '';
  let bjoern = '';
  let clara = '';
  let team = '';
  let zoe = '';

  const inTenant = <T>(tenant: TestTenant, work: (em: EntityManager) => Promise<T>) =>
    inTenantTransaction(t.orm.em as EntityManager, tenant.id, work);
  const notifications = (tenant: TestTenant, kind: string) =>
    t.orm.em.getConnection().execute<NotificationRow[]>(
      `select recipient_id, kind, idempotency_key, payload from notification
          where tenant_id = ? and kind = ? order by idempotency_key`,
      [tenant.id, kind],
    );
  const tenantsWithWork = async () => deadlineTenants(t.orm.em.fork() as EntityManager);

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Deadlines GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller' },
      { displayName: 'Clara Weber' },
    ]);
    fabrikam = await t.createTenant('Fabrikam Deadlines AG', [{ displayName: 'Zoë Bäcker' }]);
    anna = await contoso.userId(contoso.upn('Anna Schmidt'));
    bjoern = await contoso.userId(contoso.upn('Björn Müller'));
    clara = await contoso.userId(contoso.upn('Clara Weber'));
    zoe = await fabrikam.userId(fabrikam.upn('Zoë Bäcker'));
    const admin = await contoso.as(contoso.upn('Anna Schmidt'));
    const created = await admin
      .post('/api/v1/admin/teams')
      .send({ name: 'Vertrieb West', managerId: anna, memberIds: [anna, bjoern, clara] });
    expect(created.status).toBe(201);
    team = created.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('tells the assignee of an overdue open task once per due time', async () => {
    const tasks = await inTenant(contoso, (em) =>
      createTaskRows(em, [
        { title: 'Angebot nachfassen', assigneeId: bjoern, dueInSeconds: -3600 },
        { title: 'Noch nicht fällig', assigneeId: bjoern, dueInSeconds: 3600 },
        { title: 'Schon erledigt', assigneeId: bjoern, dueInSeconds: -3600, status: 'done' },
        { title: 'Abgesagt', assigneeId: bjoern, dueInSeconds: -3600, status: 'cancelled' },
        { title: 'Im Papierkorb', assigneeId: bjoern, dueInSeconds: -3600, deletedAt: new Date().toISOString() },
        { title: 'Uralt (importiert)', assigneeId: bjoern, dueInSeconds: -8 * DAY },
        { title: 'Team-Aufgabe', teamId: team, dueInSeconds: -60 },
      ]),
    );
    const [overdue, , , , , , teamTask] = tasks;
    if (!overdue?.dueAt || !teamTask?.dueAt) throw new Error('no tasks');
    expect(await inTenant(contoso, notifyOverdueTasks)).toBe(4);
    expect(await inTenant(contoso, notifyOverdueTasks)).toBe(0);
    const rows = await notifications(contoso, 'task.overdue');
    expect(rows.filter((row) => row.payload.taskId === overdue.id)).toEqual([
      {
        recipient_id: bjoern,
        kind: 'task.overdue',
        idempotency_key: `task.overdue:${overdue.id}:${overdue.dueAt}`,
        payload: { taskId: overdue.id, title: 'Angebot nachfassen', dueAt: overdue.dueAt },
      },
    ]);
    // Every member of the team, the manager among them, for the team's own task.
    expect(
      rows
        .filter((row) => row.payload.taskId === teamTask.id)
        .map((row) => row.recipient_id)
        .sort(),
    ).toEqual([anna, bjoern, clara].sort());
    expect(rows).toHaveLength(4);

    // Moved to another time that has passed too: overdue again, told again.
    const moved = await inTenant(contoso, (em) =>
      updateTaskRow(em, overdue.id, { dueAt: new Date(Date.parse(overdue.dueAt as string) - 60_000).toISOString() }),
    );
    expect(await inTenant(contoso, notifyOverdueTasks)).toBe(1);
    expect((await notifications(contoso, 'task.overdue')).map((row) => row.idempotency_key)).toContain(
      `task.overdue:${overdue.id}:${moved.dueAt}`,
    );
  });

  it("sends each team manager one digest a day of the team's overdue tasks, not the manager's own", async () => {
    await inTenant(contoso, (em) =>
      createTaskRows(em, [
        { title: 'Annas eigene Aufgabe', assigneeId: anna, dueInSeconds: -DAY },
        { title: 'Claras Besuchsbericht', assigneeId: clara, dueInSeconds: -2 * DAY },
      ]),
    );
    await inTenant(fabrikam, (em) =>
      createTaskRows(em, [{ title: 'Fabrikams Geheimsache', assigneeId: zoe, dueInSeconds: -DAY }]),
    );
    // Before the digest hour of the day, nothing.
    expect(await inTenant(contoso, (em) => sendOverdueDigests(em, { fromHour: 24 }))).toBe(0);
    expect(await inTenant(contoso, (em) => sendOverdueDigests(em, { fromHour: 0 }))).toBe(1);
    expect(await inTenant(contoso, (em) => sendOverdueDigests(em, { fromHour: 0 }))).toBe(0);
    const [digest] = await notifications(contoso, 'task.overdue_digest');
    if (!digest) throw new Error('no digest');
    const day = digest.payload.day as string;
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(digest).toMatchObject({ recipient_id: anna, idempotency_key: `task.overdue_digest:${anna}:${day}` });
    const listed = (digest.payload.tasks as { title: string }[]).map((task) => task.title);
    // Oldest first, the imported backlog too; Anna's own task is not hers to chase.
    expect(listed).toEqual(['Uralt (importiert)', 'Claras Besuchsbericht', 'Angebot nachfassen', 'Team-Aufgabe']);
    expect(digest.payload.total).toBe(4);
  });

  it('runs as periodic work for the tenants that have something to announce, each in its own tenant', async () => {
    expect(await tenantsWithWork()).toContain(fabrikam.id);
    await t.jobs.runPeriodic(TASK_DEADLINES);
    const [told] = await notifications(fabrikam, 'task.overdue');
    expect(told).toMatchObject({ recipient_id: zoe, payload: { title: 'Fabrikams Geheimsache' } });
    // Fabrikam has no team and so no digest.
    expect(await notifications(fabrikam, 'task.overdue_digest')).toEqual([]);
    // Everything told, today's digest sent: neither tenant is visited again.
    expect(await tenantsWithWork()).not.toContain(fabrikam.id);
    expect(await tenantsWithWork()).not.toContain(contoso.id);
  });
});
