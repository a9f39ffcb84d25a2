// People on a record (C8): further contacts and responsible colleagues, each with a role.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import { newId } from '../../ids.ts';
import { recordHistory } from '../../records/history.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { OverviewSection } from '../../records/overview.ts';
import { type RecordType, requireRecord } from '../../records/record-types.ts';
import { sqlIn } from '../../records/sql.ts';

export interface RecordPersonView {
  id: string;
  kind: 'contact' | 'colleague';
  personId: string | null;
  userId: string | null;
  name: string;
  role: string | null;
}

export async function peopleOf(em: EntityManager, type: RecordType, id: string): Promise<RecordPersonView[]> {
  const rows = await sqlIn<{
    id: string;
    person_id: string | null;
    user_id: string | null;
    name: string;
    role: string | null;
  }>(
    em,
    `select rp.id, rp.person_id, rp.user_id, rp.role,
            case when rp.user_id is not null then u.display_name else concat_ws(' ', p.first_name, p.last_name) end as name
       from record_person rp
       left join person p on p.id = rp.person_id
       left join app_user u on u.id = rp.user_id
      where rp.tenant_id = crm_current_tenant() and rp.record_type = ? and rp.record_id = ?
        and (rp.person_id is null or p.deleted_at is null)
      order by rp.user_id is null, rp.created_at`,
    [type, id],
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.user_id ? 'colleague' : 'contact',
    personId: row.person_id,
    userId: row.user_id,
    name: row.name,
    role: row.role,
  }));
}

export async function addPerson(
  em: EntityManager,
  principal: Principal,
  record: { type: RecordType; id: string },
  input: { personId?: string | undefined; userId?: string | undefined; role?: string | null | undefined },
): Promise<RecordPersonView> {
  await requireRecord(em, record.type, record.id, principal);
  if (input.personId) {
    const found = await sqlIn(em, 'select 1 from person where id = ? and deleted_at is null', [input.personId]);
    if (found.length === 0) {
      throw new AppError({
        status: 422,
        code: 'unknown_link',
        title: 'Unknown person',
        detail: `There is no person ${input.personId} in your organisation, or she is in the trash.`,
        errors: [{ in: 'body', pointer: '#/personId', detail: 'no such person' }],
      });
    }
  } else {
    const found = await sqlIn(em, 'select 1 from app_user where id = ? and active', [input.userId]);
    if (found.length === 0) {
      throw new AppError({
        status: 422,
        code: 'unknown_user',
        title: 'Unknown colleague',
        detail: `There is no active user ${input.userId} in your organisation.`,
        errors: [{ in: 'body', pointer: '#/userId', detail: 'no such user' }],
      });
    }
  }
  const id = newId();
  const inserted = await sqlIn(
    em,
    `insert into record_person (id, tenant_id, record_type, record_id, person_id, user_id, role, created_by)
     values (?, crm_current_tenant(), ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
    [
      id,
      record.type,
      record.id,
      input.personId ?? null,
      input.userId ?? null,
      input.role ?? null,
      principal.userId ?? null,
    ],
  );
  if (inserted.length === 0) {
    throw new AppError({
      status: 409,
      code: 'already_on_record',
      title: 'Already on this record',
      detail: 'This person or colleague is already on the record; change their role instead.',
    });
  }
  const added = (await peopleOf(em, record.type, record.id)).find((person) => person.id === id) as RecordPersonView;
  recordHistory(em, principal, {
    type: record.type,
    id: record.id,
    action: 'update',
    before: { people: null },
    after: { people: { name: added.name, kind: added.kind, role: added.role } },
  });
  await em.flush();
  return added;
}

export async function removePerson(em: EntityManager, principal: Principal, id: string): Promise<void> {
  const [row] = await sqlIn<{ record_type: RecordType; record_id: string; role: string | null }>(
    em,
    'delete from record_person where id = ? returning record_type, record_id, role',
    [id],
  );
  if (!row) throw notFound(`There is nobody ${id} on a record of your organisation.`);
  recordHistory(em, principal, {
    type: row.record_type,
    id: row.record_id,
    action: 'update',
    before: { people: { id, role: row.role } },
    after: { people: null },
  });
  await em.flush();
}

export const peopleOverview: OverviewSection = (em, _principal, { type, id }) => peopleOf(em, type, id);

export const movePeopleOnMerge: MergeHook = async (em, merge) => {
  await sqlIn(
    em,
    `update record_person rp set record_id = ? where record_type = ? and record_id = ?
        and not exists (select 1 from record_person x where x.record_type = rp.record_type and x.record_id = ?
                          and coalesce(x.person_id, x.user_id) = coalesce(rp.person_id, rp.user_id))`,
    [merge.survivorId, merge.type, merge.mergedId, merge.survivorId],
  );
  await sqlIn(em, 'delete from record_person where record_type = ? and record_id = ?', [merge.type, merge.mergedId]);
  if (merge.type === 'person') {
    // Where the duplicate is a further contact, the survivor takes its place (once per record).
    await sqlIn(
      em,
      `delete from record_person rp where rp.person_id = ? and exists (select 1 from record_person x
          where x.record_type = rp.record_type and x.record_id = rp.record_id and x.person_id = ?)`,
      [merge.mergedId, merge.survivorId],
    );
    await sqlIn(em, 'update record_person set person_id = ? where person_id = ?', [merge.survivorId, merge.mergedId]);
  }
};
