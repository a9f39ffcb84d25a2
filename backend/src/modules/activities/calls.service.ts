// Logging a call (E5): an activity of the call type on the person, the protocol as a note, and a
// follow-up task, all in the request's one transaction: any bad part leaves nothing behind.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { Principal } from '../../http/principal.ts';
import { noSuch, problem, thingName } from '../../http/problems.ts';
import { db } from '../../records/sql.ts';
import { createNote, type NoteView } from '../notes/notes.service.ts';
import type { LogCall } from './activities.schemas.ts';
import { type ActivityView, createActivity, requireActiveUser } from './activities.service.ts';
import { createFollowUpTask, type FollowUpTask } from './follow-up-task.ts';

export interface LoggedCall {
  activity: ActivityView;
  note: NoteView | null;
  followUpTask: FollowUpTask | null;
}

function defaultSubject(language: 'de' | 'en', direction: 'inbound' | 'outbound', name: string): string {
  if (language === 'en') return `${direction === 'inbound' ? 'Call from' : 'Call to'} ${name}`;
  return `${direction === 'inbound' ? 'Anruf von' : 'Anruf bei'} ${name}`;
}

export async function logCall(
  em: EntityManager,
  principal: Principal & { userId: string },
  input: LogCall,
): Promise<LoggedCall> {
  const person = await db(em)
    .selectFrom('person')
    .select((eb) =>
      sql<string>`concat_ws(' ', ${eb.ref('title')}, ${eb.ref('first_name')}, ${eb.ref('last_name')})`.as('name'),
    )
    .where('id', '=', input.personId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!person) {
    throw problem(
      'unknown_link',
      { thing: thingName('person'), noSuch: noSuch('person'), id: input.personId },
      { at: { pointer: '#/personId' } },
    );
  }
  const callType = await db(em)
    .selectFrom('activity_type')
    .select('id')
    .where('system_key', '=', 'call')
    .executeTakeFirst();
  if (!callType) {
    throw problem('no_call_type');
  }
  const assigneeId = input.followUp?.assigneeId ?? principal.userId;
  if (input.followUp) await requireActiveUser(em, assigneeId, '#/followUp/assigneeId', 'assignee');
  const onPerson = [{ type: 'person', id: input.personId }];
  const activity = await createActivity(
    em,
    principal,
    {
      typeId: callType.id,
      subject: input.subject ?? defaultSubject(principal.language, input.direction, person.name),
      description: null,
      links: onPerson,
      startsAt: input.startsAt,
      durationMinutes: input.durationMinutes ?? null,
      location: undefined,
      done: true,
      outcome: input.outcome ?? null,
      direction: input.direction,
      ownerId: principal.userId,
    },
    { retiredTypeAllowed: true },
  );
  const note =
    input.note === undefined
      ? null
      : await createNote(
          em,
          principal,
          {
            body: typeof input.note === 'string' ? { format: 'markdown', body: input.note } : input.note,
            links: onPerson,
            activityId: activity.id,
          },
          typeof input.note === 'string' ? '#/note' : '#/note/body',
        );
  const followUpTask = input.followUp
    ? await createFollowUpTask(em, principal, {
        title: input.followUp.title,
        dueAt: input.followUp.dueAt,
        assigneeId,
        links: onPerson,
      })
    : null;
  return { activity, note, followUpTask };
}
