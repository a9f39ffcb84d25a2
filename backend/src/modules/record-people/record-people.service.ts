// People on a record (C8): further contacts and responsible colleagues, each with a role.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { Principal } from '../../http/principal.ts';
import { noSuch, problem, thingName } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { recordHistory } from '../../records/history.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { OverviewSection } from '../../records/overview.ts';
import { type RecordType, requireRecord } from '../../records/record-types.ts';
import { currentTenantId, db } from '../../records/sql.ts';

export interface RecordPersonView {
  id: string;
  kind: 'contact' | 'colleague';
  personId: string | null;
  userId: string | null;
  name: string;
  role: string | null;
}

export async function peopleOf(em: EntityManager, type: RecordType, id: string): Promise<RecordPersonView[]> {
  const rows = await db(em)
    .selectFrom('record_person as rp')
    .leftJoin('person as p', 'p.id', 'rp.person_id')
    .leftJoin('app_user as u', 'u.id', 'rp.user_id')
    .select((eb) => [
      'rp.id',
      'rp.person_id',
      'rp.user_id',
      'rp.role',
      eb
        .case()
        .when('rp.user_id', 'is not', null)
        .then(eb.ref('u.display_name'))
        .else(eb.fn<string>('concat_ws', [sql.lit(' '), 'p.first_name', 'p.last_name']))
        .end()
        .$castTo<string>()
        .as('name'),
    ])
    .where('rp.tenant_id', '=', currentTenantId)
    .where('rp.record_type', '=', type)
    .where('rp.record_id', '=', id)
    .where((eb) => eb.or([eb('rp.person_id', 'is', null), eb('p.deleted_at', 'is', null)]))
    .orderBy((eb) => eb('rp.user_id', 'is', null))
    .orderBy('rp.created_at')
    .execute();
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
    const found = await db(em)
      .selectFrom('person')
      .select('id')
      .where('id', '=', input.personId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!found) {
      throw problem(
        'unknown_link',
        { thing: thingName('person'), noSuch: noSuch('person'), id: input.personId },
        { at: { pointer: '#/personId' } },
      );
    }
  } else {
    const found = await db(em)
      .selectFrom('app_user')
      .select('id')
      .where('id', '=', input.userId as string)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!found) {
      throw problem('unknown_colleague', { id: String(input.userId) }, { at: { pointer: '#/userId' } });
    }
  }
  const id = newId();
  const inserted = await db(em)
    .insertInto('record_person')
    .values({
      id,
      tenant_id: currentTenantId,
      record_type: record.type,
      record_id: record.id,
      person_id: input.personId ?? null,
      user_id: input.userId ?? null,
      role: input.role ?? null,
      created_by: principal.userId ?? null,
    })
    .onConflict((conflict) => conflict.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    throw problem('already_on_record');
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
  const row = await db(em)
    .deleteFrom('record_person')
    .where('id', '=', id)
    .returning(['record_type', 'record_id', 'role'])
    .executeTakeFirst();
  if (!row) throw problem('not_found', { noSuch: noSuch('record_person'), id });
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
  await db(em)
    .updateTable('record_person as rp')
    .set({ record_id: merge.survivorId })
    .where('rp.record_type', '=', merge.type)
    .where('rp.record_id', '=', merge.mergedId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('record_person as x')
            .select('x.id')
            .whereRef('x.record_type', '=', 'rp.record_type')
            .where('x.record_id', '=', merge.survivorId)
            .where((eb) =>
              eb(eb.fn.coalesce('x.person_id', 'x.user_id'), '=', eb.fn.coalesce('rp.person_id', 'rp.user_id')),
            ),
        ),
      ),
    )
    .execute();
  await db(em)
    .deleteFrom('record_person')
    .where('record_type', '=', merge.type)
    .where('record_id', '=', merge.mergedId)
    .execute();
  if (merge.type === 'person') {
    // Where the duplicate is a further contact, the survivor takes its place (once per record).
    await db(em)
      .deleteFrom('record_person as rp')
      .where('rp.person_id', '=', merge.mergedId)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('record_person as x')
            .select('x.id')
            .whereRef('x.record_type', '=', 'rp.record_type')
            .whereRef('x.record_id', '=', 'rp.record_id')
            .where('x.person_id', '=', merge.survivorId),
        ),
      )
      .execute();
    await db(em)
      .updateTable('record_person')
      .set({ person_id: merge.survivorId })
      .where('person_id', '=', merge.mergedId)
      .execute();
  }
};
