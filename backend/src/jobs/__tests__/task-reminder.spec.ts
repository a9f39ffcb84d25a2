import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { db } from '../../records/sql.ts';
import { eventually } from '../../testing/eventually.ts';
import { createTaskRows, updateTaskRow } from '../../testing/task-rows.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../testing/test-app.ts';
import { deliverReminders, scheduleReminder, TASK_REMINDER_JOB } from '../task-reminder.job.ts';

interface NotificationRow {
  recipient_id: string;
  kind: string;
  idempotency_key: string;
  payload: Record<string, unknown>;
}

describe('task reminders', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let bjoern = '';
  let clara = '';
  let team = '';

  const inContoso = <T>(work: (em: EntityManager) => Promise<T>) =>
    inTenantTransaction(t.orm.em as EntityManager, contoso.id, work);
  const notificationsOf = (taskId: string) =>
    t.orm.em.getConnection().execute<NotificationRow[]>(
      `select recipient_id, kind, idempotency_key, payload from notification
          where tenant_id = ? and payload->>'taskId' = ? order by idempotency_key`,
      [contoso.id, taskId],
    );
  const jobsOf = (taskId: string) =>
    t.orm.em
      .getConnection()
      .execute<{ state: string; singleton_key: string }[]>(
        `select state, singleton_key from pgboss.job where name = ? and data->'data'->>'taskId' = ? order by created_on`,
        [TASK_REMINDER_JOB, taskId],
      );
  const waitingJobs = async (taskId: string) =>
    (await jobsOf(taskId)).filter((job) => job.state === 'created').map((job) => job.singleton_key);

  beforeAll(async () => {
    t = await createTestApp({ jobs: { work: true }, env: { JOBS_POLL_SECONDS: '0.5' } });
    contoso = await t.createTenant('Contoso Reminders GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller' },
      { displayName: 'Clara Weber' },
    ]);
    bjoern = await contoso.userId(contoso.upn('Björn Müller'));
    clara = await contoso.userId(contoso.upn('Clara Weber'));
    const anna = await contoso.as(contoso.upn('Anna Schmidt'));
    const created = await anna.post('/api/v1/admin/teams').send({ name: 'Vertrieb Süd', memberIds: [bjoern, clara] });
    expect(created.status).toBe(201);
    team = created.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('reminds the assignee once at the reminder time, however often the reminder job runs', async () => {
    const [task] = await inContoso((em) =>
      createTaskRows(em, [
        { title: 'Angebot an Bäckerei Schmitt nachfassen', assigneeId: bjoern, remindInSeconds: 1, dueInSeconds: 3600 },
      ]),
    );
    if (!task?.remindAt) throw new Error('no task');
    const [notification] = await eventually(
      () => notificationsOf(task.id),
      (rows) => rows.length > 0,
    );
    expect(notification).toEqual({
      recipient_id: bjoern,
      kind: 'task.reminder',
      idempotency_key: `task.reminder:${task.id}:${task.remindAt}`,
      payload: {
        taskId: task.id,
        title: 'Angebot an Bäckerei Schmitt nachfassen',
        remindAt: task.remindAt,
        dueAt: task.dueAt,
      },
    });
    // The same reminder again: a second job, and the handler run directly twice more.
    await inContoso((em) => scheduleReminder(em, task.id, task.remindAt as string));
    await eventually(
      async () => (await jobsOf(task.id)).map((job) => job.state),
      (states) => states.length === 2 && states.every((state) => state === 'completed'),
    );
    await inContoso((em) => deliverReminders(em, [{ taskId: task.id, remindAt: task.remindAt as string }]));
    await inContoso((em) => deliverReminders(em, [{ taskId: task.id, remindAt: task.remindAt as string }]));
    expect(await notificationsOf(task.id)).toHaveLength(1);
  });

  it('moves the waiting reminder when its time changes and cancels it when it is cleared', async () => {
    const [task] = await inContoso((em) =>
      createTaskRows(em, [{ title: 'Messe vorbereiten', assigneeId: bjoern, remindInSeconds: 3600 }]),
    );
    if (!task) throw new Error('no task');
    expect(await waitingJobs(task.id)).toEqual([`${task.id}:${task.remindAt}`]);
    const moved = await inContoso((em) => updateTaskRow(em, task.id, { remindInSeconds: 7200 }));
    expect(await waitingJobs(task.id)).toEqual([`${task.id}:${moved.remindAt}`]);
    await inContoso((em) => updateTaskRow(em, task.id, { remindAt: null }));
    expect(await waitingJobs(task.id)).toEqual([]);
    expect((await jobsOf(task.id)).map((job) => job.state)).toEqual(['cancelled', 'cancelled']);
  });

  it('never reminds of a task that is done, cancelled or in the trash', async () => {
    const tasks = await inContoso((em) =>
      createTaskRows(em, [
        { title: 'Erledigt', assigneeId: bjoern, remindInSeconds: 3600 },
        { title: 'Abgesagt', assigneeId: bjoern, remindInSeconds: 3600 },
        { title: 'Gelöscht', assigneeId: bjoern, remindInSeconds: 3600 },
      ]),
    );
    const [done, cancelled, trashed] = tasks.map((task) => task.id) as [string, string, string];
    await inContoso(async (em) => {
      await updateTaskRow(em, done, { status: 'done' });
      await updateTaskRow(em, cancelled, { status: 'cancelled' });
      await updateTaskRow(em, trashed, { deletedAt: new Date().toISOString() });
    });
    for (const id of [done, cancelled, trashed]) expect(await waitingJobs(id)).toEqual([]);
    // Even a reminder job that ran anyway (due now) finds nothing to remind of.
    const due = await inContoso(async (em) => {
      const ids = [done, cancelled, trashed];
      await db(em)
        .updateTable('task')
        .set({ remind_at: sql<Date>`date_trunc('milliseconds', now())` })
        .where('id', 'in', ids)
        .execute();
      const rows = await db(em).selectFrom('task').select(['id', 'remind_at']).where('id', 'in', ids).execute();
      return rows.map((row) => ({ taskId: row.id, remindAt: new Date(row.remind_at as Date | string).toISOString() }));
    });
    await inContoso((em) => deliverReminders(em, due));
    for (const id of [done, cancelled, trashed]) expect(await notificationsOf(id)).toEqual([]);
  });

  it('reminds each member of the team of a team task without assignee, each once', async () => {
    const [task] = await inContoso((em) =>
      createTaskRows(em, [{ title: 'Quartalszahlen prüfen', teamId: team, remindInSeconds: 1 }]),
    );
    if (!task) throw new Error('no task');
    const rows = await eventually(
      () => notificationsOf(task.id),
      (found) => found.length === 2,
    );
    expect(rows.map((row) => [row.recipient_id, row.idempotency_key]).sort()).toEqual(
      [
        [bjoern, `task.reminder:${task.id}:${task.remindAt}:${bjoern}`],
        [clara, `task.reminder:${task.id}:${task.remindAt}:${clara}`],
      ].sort(),
    );
  });

  it('reminds of a task restored from the trash whose reminder time passed meanwhile', async () => {
    const [task] = await inContoso((em) =>
      createTaskRows(em, [{ title: 'Rückruf Frau Köhler', assigneeId: clara, remindInSeconds: 3600 }]),
    );
    if (!task) throw new Error('no task');
    await inContoso(async (em) => {
      await updateTaskRow(em, task.id, { deletedAt: new Date().toISOString() });
      await updateTaskRow(em, task.id, { remindInSeconds: -60 });
    });
    expect(await waitingJobs(task.id)).toEqual([]);
    await inContoso((em) => updateTaskRow(em, task.id, { deletedAt: null }));
    const [notification] = await eventually(
      () => notificationsOf(task.id),
      (rows) => rows.length > 0,
    );
    expect(notification?.recipient_id).toBe(clara);
  });

  it("goes by the database's clock: a process clock an hour ahead sends nothing early", async () => {
    const [task] = await inContoso((em) =>
      createTaskRows(em, [{ title: 'Vertrag verlängern', assigneeId: bjoern, remindInSeconds: 2 }]),
    );
    if (!task?.remindAt) throw new Error('no task');
    jest.useFakeTimers({
      now: Date.now() + 3_600_000,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    try {
      // A run of the job this instant (as a worker trusting its own clock would start it) sends nothing.
      const early = await inContoso((em) =>
        deliverReminders(em, [{ taskId: task.id, remindAt: task.remindAt as string }]),
      );
      expect(early).toEqual([{ taskId: task.id, remindAt: task.remindAt }]);
      expect(await notificationsOf(task.id)).toEqual([]);
      const [sent] = await eventually(
        () =>
          t.orm.em.getConnection().execute<{ on_time: boolean }[]>(
            `select n.created_at >= t.remind_at as on_time from notification n join task t on t.id = (n.payload->>'taskId')::uuid
                where n.tenant_id = ? and t.id = ?`,
            [contoso.id, task.id],
          ),
        (rows) => rows.length > 0,
      );
      expect(sent).toEqual({ on_time: true });
    } finally {
      jest.useRealTimers();
    }
  });
});
