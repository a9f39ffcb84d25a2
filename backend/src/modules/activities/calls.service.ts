// Logging a call (E5): an activity of the call type on the person, the protocol as a note, and a
// follow-up task, all in the request's one transaction: any bad part leaves nothing behind.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import { sqlIn } from '../../records/sql.ts';
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
  const [person] = await sqlIn<{ name: string }>(
    em,
    `select concat_ws(' ', title, first_name, last_name) as name from person where id = ? and deleted_at is null`,
    [input.personId],
  );
  if (!person) {
    throw new AppError({
      status: 422,
      code: 'unknown_link',
      title: 'Unknown person',
      detail: `There is no person ${input.personId} in your organisation, or she is in the trash.`,
      errors: [{ in: 'body', pointer: '#/personId', detail: 'no such person' }],
    });
  }
  const [callType] = await sqlIn<{ id: string }>(em, "select id from activity_type where system_key = 'call'");
  if (!callType) {
    throw new AppError({
      status: 409,
      code: 'no_call_type',
      title: 'Calls cannot be logged',
      detail: 'Your organisation has no activity type for calls; ask your CRM administrator to set up the CRM again.',
    });
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
