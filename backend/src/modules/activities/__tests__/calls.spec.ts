import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CRM_MODULES } from '../../../app.ts';
import type { CrmModule } from '../../../modules/module.ts';
import type { TaskChange } from '../../../records/task-events.ts';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

const FOREIGN_ID = '0190f3c4-5b6a-7c8d-9e0f-123456789abc';

// What the reminders and the sales module would hear of a task written by a logged call.
const announced: TaskChange[] = [];
const listening: CrmModule = {
  name: 'task-change-listener',
  taskListeners: [
    async (_em, change) => {
      announced.push(change);
    },
  ],
};

describe('logging a call', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let bjoern: AuthedAgent;
  let annaId: string;
  let bjoernId: string;
  let person: string;

  const sql = <T>(query: string, params: unknown[] = []) => t.orm.em.getConnection().execute<T[]>(query, params);
  const counts = async () =>
    (
      await sql<{ activities: number; notes: number; tasks: number; links: number }>(
        `select (select count(*) from activity)::int as activities, (select count(*) from note)::int as notes,
                (select count(*) from task)::int as tasks, (select count(*) from record_link)::int as links`,
      )
    )[0];

  beforeAll(async () => {
    t = await createTestApp({ modules: [...CRM_MODULES, listening] });
    contoso = await t.createTenant('Contoso Telefon GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    bjoern = await contoso.as(contoso.upn('Björn Müller'));
    annaId = await contoso.userId(contoso.upn('Anna Schmidt'));
    bjoernId = await contoso.userId(contoso.upn('Björn Müller'));
    person = (await anna.post('/api/v1/persons').send({ firstName: 'Jürgen', lastName: 'Weiß' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('makes a done call activity on the person, its protocol note and a follow-up task', async () => {
    announced.length = 0;
    const res = await bjoern.post('/api/v1/calls').send({
      personId: person,
      direction: 'inbound',
      startsAt: '2026-11-24T14:05:00+01:00',
      durationMinutes: 12,
      outcome: 'Interesse an Öfen',
      note: 'Ruft wegen **neuer Öfen** an.\n\n- Budget 40.000 €\n- Lieferung im März',
      followUp: { title: 'Angebot Öfen schicken', dueAt: '2026-11-27T10:00:00+01:00', assigneeId: annaId },
    });
    expect(res.status).toBe(201);
    const { activity, note, followUpTask } = res.body;
    expect(activity).toMatchObject({
      type: { key: 'call', name: 'Anruf' },
      subject: 'Anruf von Jürgen Weiß',
      direction: 'inbound',
      startsAt: '2026-11-24T13:05:00.000Z',
      durationMinutes: 12,
      done: true,
      outcome: 'Interesse an Öfen',
      ownerId: bjoernId,
      links: [{ type: 'person', id: person }],
    });
    expect(note).toMatchObject({
      body: { format: 'markdown', body: expect.stringContaining('**neuer Öfen**') },
      activityId: activity.id,
      links: [{ type: 'person', id: person }],
      author: { id: bjoernId, displayName: 'Björn Müller' },
    });
    expect(note.bodyHtml).toContain('<strong>neuer Öfen</strong>');
    expect(note.bodyHtml).toContain('<li>Budget 40.000 €</li>');
    expect(followUpTask).toMatchObject({
      title: 'Angebot Öfen schicken',
      assigneeId: annaId,
      dueAt: '2026-11-27T09:00:00.000Z',
      status: 'open',
    });
    const [task] = await sql<Record<string, unknown>>('select * from task where id = ?', [followUpTask.id]);
    expect(task).toMatchObject({
      tenant_id: contoso.id,
      title: 'Angebot Öfen schicken',
      assignee_id: annaId,
      owner_id: bjoernId,
      created_by: bjoernId,
      status: 'open',
      deleted_at: null,
    });
    const taskLinks = await sql('select record_type, record_id from record_link where item_type = ? and item_id = ?', [
      'task',
      followUpTask.id,
    ]);
    expect(taskLinks).toEqual([{ record_type: 'person', record_id: person }]);
    expect(announced).toEqual([
      {
        before: null,
        after: {
          id: followUpTask.id,
          title: 'Angebot Öfen schicken',
          assigneeId: annaId,
          teamId: null,
          status: 'open',
          dueAt: '2026-11-27T09:00:00.000Z',
          remindAt: null,
          deletedAt: null,
        },
      },
    ]);
    const onPerson = await bjoern.get(`/api/v1/activities?record=person:${person}`);
    expect(onPerson.body.items.map((item: { id: string }) => item.id)).toContain(activity.id);
  });

  it('logs a bare call: no note, no task, the follow-up for the caller when no assignee is named', async () => {
    const bare = await bjoern
      .post('/api/v1/calls')
      .send({ personId: person, direction: 'outbound', startsAt: '2026-11-25T09:00:00Z' });
    expect(bare.status).toBe(201);
    expect(bare.body).toMatchObject({ note: null, followUpTask: null, activity: { subject: 'Anruf bei Jürgen Weiß' } });
    const own = await bjoern.post('/api/v1/calls').send({
      personId: person,
      direction: 'outbound',
      startsAt: '2026-11-25T10:00:00Z',
      subject: 'Rückruf',
      note: { format: 'html', body: '<p>Erreicht</p>' },
      followUp: { title: 'Nachfassen', dueAt: '2026-12-01T09:00:00+01:00' },
    });
    expect(own.body.activity.subject).toBe('Rückruf');
    expect(own.body.note.bodyText).toBe('Erreicht');
    expect(own.body.followUpTask.assigneeId).toBe(bjoernId);
  });

  it('still logs calls when an admin retired the call type from the pickers', async () => {
    const types = (await anna.get('/api/v1/activity-types')).body.items;
    const call = types.find((type: { key: string }) => type.key === 'call');
    await anna.patch(`/api/v1/activity-types/${call.id}`).send({ active: false });
    const res = await bjoern
      .post('/api/v1/calls')
      .send({ personId: person, direction: 'inbound', startsAt: '2026-11-26T09:00:00Z' });
    expect(res.status).toBe(201);
    await anna.patch(`/api/v1/activity-types/${call.id}`).send({ active: true });
  });

  it('stores nothing at all when any part is wrong', async () => {
    const before = await counts();
    const valid = {
      personId: person,
      direction: 'inbound',
      startsAt: '2026-11-24T14:05:00+01:00',
      note: 'Protokoll',
      followUp: { title: 'Nachfassen', dueAt: '2026-11-27T10:00:00+01:00' },
    };
    const scriptOnly = await bjoern.post('/api/v1/calls').send({ ...valid, note: '<script>alert(1)</script>' });
    expect(scriptOnly.status).toBe(400);
    expect(scriptOnly.body.errors[0]).toMatchObject({
      pointer: '#/note',
      detail: 'nothing left after removing unsafe HTML',
    });
    const unknownAssignee = await bjoern
      .post('/api/v1/calls')
      .send({ ...valid, followUp: { ...valid.followUp, assigneeId: FOREIGN_ID } });
    expect(unknownAssignee.status).toBe(422);
    expect(unknownAssignee.body.errors[0].pointer).toBe('#/followUp/assigneeId');
    const badDue = await bjoern
      .post('/api/v1/calls')
      .send({ ...valid, followUp: { ...valid.followUp, dueAt: 'nächsten Dienstag' } });
    expect(badDue.status).toBe(400);
    expect(badDue.body.errors[0].pointer).toBe('#/followUp/dueAt');
    const tooLarge = await bjoern.post('/api/v1/calls').send({ ...valid, note: 'x'.repeat(110 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.detail).toMatch(/100 kB/);
    const badDirection = await bjoern.post('/api/v1/calls').send({ ...valid, direction: 'sideways' });
    expect(badDirection.status).toBe(400);
    const fabrikam = await t.createTenant('Fabrikam Telefon AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    const theirPerson = (await zoe.post('/api/v1/persons').send({ lastName: 'Fremd' })).body.id;
    const foreign = await bjoern.post('/api/v1/calls').send({ ...valid, personId: theirPerson });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].pointer).toBe('#/personId');
    const zoeId = await fabrikam.userId(fabrikam.upn('Zoë Bäcker'));
    const foreignAssignee = await bjoern
      .post('/api/v1/calls')
      .send({ ...valid, followUp: { ...valid.followUp, assigneeId: zoeId } });
    expect(foreignAssignee.status).toBe(422);
    const after = await counts();
    expect(after?.activities).toBe(before?.activities);
    expect(after?.notes).toBe(before?.notes);
    expect(after?.tasks).toBe(before?.tasks);
    expect(after?.links).toBe(before?.links);
  });
});
