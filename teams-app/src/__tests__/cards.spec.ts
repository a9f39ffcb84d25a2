import { describe, expect, it } from '@jest/globals';
import { delegationCard, reminderCard, TASK_DONE, TASK_SNOOZE } from '../cards/index.ts';

const task = {
  id: '0192f0c0-0000-7000-8000-000000000001',
  title: 'Angebot nachfassen',
  status: 'open',
  priority: 'high',
  dueAt: '2026-12-07T09:00:00.000Z',
  remindAt: '2026-12-07T08:00:00.000Z',
  version: 3,
  record: { type: 'deal', id: '0192f0c0-0000-7000-8000-000000000002', name: 'Öfen für Brotmann' },
};
const de = { language: 'de' as const, timeZone: 'Europe/Berlin', teamsAppId: 'app' };

describe('the reminder card', () => {
  it('shows title, record, due date in the user’s zone and priority, in German', () => {
    const json = JSON.stringify(reminderCard(task, de));
    expect(json).toContain('Angebot nachfassen');
    expect(json).toContain('Öfen für Brotmann');
    expect(json).toContain('07.12.2026, 10:00');
    expect(json).toContain('hoch');
  });

  it('offers Done, two snoozes and Open while open, carrying the version it shows', () => {
    const actions = reminderCard(task, { ...de, language: 'en' }).actions ?? [];
    expect(actions.map((action) => action.title)).toEqual(['Done', 'In 1 hour', 'Tomorrow 09:00', 'Open']);
    expect(actions[0]).toMatchObject({
      type: 'Action.Execute',
      verb: TASK_DONE,
      data: { taskId: task.id, version: 3 },
    });
    expect(actions[2]).toMatchObject({ verb: TASK_SNOOZE, data: { until: 'tomorrow' } });
    expect(String(actions[3]?.url)).toContain(encodeURIComponent('deal/'));
  });

  it('only opens the task once it is done', () => {
    const done = reminderCard({ ...task, status: 'done' }, de, { kind: 'done' });
    expect(done.actions?.map((action) => action.type)).toEqual(['Action.OpenUrl']);
    expect(JSON.stringify(done)).toContain('Erledigt ✓');
  });
});

describe('the delegation card', () => {
  it('asks to accept or decline with a reason, and shows the answer once given', () => {
    const asking = delegationCard({ task, delegatorName: 'Anna', state: 'pending' }, { ...de, language: 'en' });
    expect(asking.actions?.map((action) => action.title)).toEqual(['Accept', 'Decline', 'Open']);
    expect(JSON.stringify(asking)).toContain('"isRequired":true');
    const answered = delegationCard({ task, delegatorName: 'Anna', state: 'declined', reason: 'Urlaub' }, de);
    expect(JSON.stringify(answered)).toContain('Abgelehnt: Urlaub');
    expect(answered.actions?.map((action) => action.type)).toEqual(['Action.OpenUrl']);
  });
});
