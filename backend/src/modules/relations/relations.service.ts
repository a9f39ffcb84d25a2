// Typed relations between any two records (C4): "Geschäftsführer von" one way, "hat Geschäftsführer"
// the other. Types are the tenant's to edit; both records' history tells.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem, recordNouns } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { currentTenant } from '../../records/current-tenant.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { OverviewSection } from '../../records/overview.ts';
import { recordTitles, refKey } from '../../records/record-titles.ts';
import { type RecordType, requireRecord } from '../../records/record-types.ts';
import { db } from '../../records/sql.ts';
import type { TenantSetupStep } from '../../records/tenant-setup.ts';
import { Relation, RelationType } from './relation.entity.ts';

export const DEFAULT_RELATION_TYPES: [name: string, reverse: string][] = [
  ['Geschäftsführer von', 'hat Geschäftsführer'],
  ['Ansprechpartner bei', 'hat Ansprechpartner'],
  ['Tochtergesellschaft von', 'Muttergesellschaft von'],
  ['Lieferant von', 'hat Lieferant'],
  ['Partner von', 'Partner von'],
  ['Empfohlen von', 'hat empfohlen'],
];

export interface RelationTypeView {
  id: string;
  name: string;
  reverseName: string;
  active: boolean;
  version: number;
}

export interface RelationView {
  id: string;
  typeId: string;
  /** The label read from this record's side: the type's name outgoing, its reverse name incoming. */
  label: string;
  direction: 'outgoing' | 'incoming';
  other: { type: RecordType; id: string; title: string };
  note: string | null;
  createdAt: string;
}

const typeView = (type: RelationType): RelationTypeView => ({
  id: type.id,
  name: type.name,
  reverseName: type.reverseName,
  active: type.active,
  version: type.version,
});

export const seedDefaultRelationTypes: TenantSetupStep = async (em) => {
  const now = new Date();
  // One idempotent statement: a tenant set up twice (consent, then first sign-in) keeps one set.
  await db(em)
    .insertInto('relation_type')
    .values(
      DEFAULT_RELATION_TYPES.map(([name, reverse]) => ({
        id: newId(),
        tenant_id: sql<string>`crm_current_tenant()`,
        name,
        reverse_name: reverse,
        active: true,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
};

export async function listRelationTypes(em: EntityManager): Promise<RelationTypeView[]> {
  const rows = await db(em)
    .selectFrom('relation_type')
    .select(['id', 'name', 'reverse_name', 'active', 'version'])
    .orderBy((eb) => eb.fn('lower', ['name']))
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    reverseName: row.reverse_name,
    active: row.active,
    version: row.version,
  }));
}

async function loadType(em: EntityManager, id: string): Promise<RelationType> {
  const row = await em.findOne(RelationType, id);
  if (!row) throw problem('not_found', { noSuch: noSuch('relation_type'), id });
  return row;
}

async function nameClash(em: EntityManager, name: string, exceptId?: string): Promise<boolean> {
  const clash = await db(em)
    .selectFrom('relation_type')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .where('id', '<>', exceptId ?? '00000000-0000-0000-0000-000000000000')
    .executeTakeFirst();
  return clash !== undefined;
}

function nameTaken(name: string): AppError {
  return problem('duplicate_relation_type', { name }, { at: { pointer: '#/name' } });
}

export async function createRelationType(
  em: EntityManager,
  input: { name: string; reverseName: string },
): Promise<RelationTypeView> {
  if (await nameClash(em, input.name)) throw nameTaken(input.name);
  const type = em.create(RelationType, { tenant: currentTenant(em), name: input.name, reverseName: input.reverseName });
  await em.flush();
  return typeView(type);
}

export async function updateRelationType(
  em: EntityManager,
  id: string,
  change: { name?: string | undefined; reverseName?: string | undefined; active?: boolean | undefined },
  expectedVersion: number | undefined,
): Promise<RelationTypeView> {
  const type = await loadType(em, id);
  checkVersion(type, expectedVersion, named('relation_type', type.name));
  if (change.name && change.name.toLowerCase() !== type.name.toLowerCase()) {
    if (await nameClash(em, change.name, id)) throw nameTaken(change.name);
  }
  em.assign(type, {
    name: change.name ?? type.name,
    reverseName: change.reverseName ?? type.reverseName,
    active: change.active ?? type.active,
  });
  // Every accepted change is a new version, even one that changes nothing.
  type.updatedAt = new Date();
  await em.flush();
  return typeView(type);
}

/** Relations of a record, both directions, labelled from its side; related records in the trash are left out. */
export async function relationsOf(em: EntityManager, type: RecordType, id: string): Promise<RelationView[]> {
  const outgoing = db(em)
    .selectFrom('relation as rel')
    .innerJoin('relation_type as t', 't.id', 'rel.type_id')
    .select([
      'rel.id',
      'rel.type_id',
      't.name as label',
      sql.lit<'outgoing' | 'incoming'>('outgoing').as('direction'),
      'rel.to_type as other_type',
      'rel.to_id as other_id',
      'rel.note',
      'rel.created_at',
    ])
    .where('rel.tenant_id', '=', (eb) => eb.fn('crm_current_tenant'))
    .where('rel.from_type', '=', type)
    .where('rel.from_id', '=', id);
  const incoming = db(em)
    .selectFrom('relation as rel')
    .innerJoin('relation_type as t', 't.id', 'rel.type_id')
    .select([
      'rel.id',
      'rel.type_id',
      't.reverse_name as label',
      sql.lit<'outgoing' | 'incoming'>('incoming').as('direction'),
      'rel.from_type as other_type',
      'rel.from_id as other_id',
      'rel.note',
      'rel.created_at',
    ])
    .where('rel.tenant_id', '=', (eb) => eb.fn('crm_current_tenant'))
    .where('rel.to_type', '=', type)
    .where('rel.to_id', '=', id);
  const rows = await outgoing.unionAll(incoming).orderBy('label').orderBy('created_at').execute();
  const titles = await recordTitles(
    em,
    rows.map((row) => ({ type: row.other_type, id: row.other_id })),
  );
  return rows.flatMap((row) => {
    const title = titles.get(refKey({ type: row.other_type, id: row.other_id }));
    if (title === undefined) return [];
    return [
      {
        id: row.id,
        typeId: row.type_id,
        label: row.label,
        direction: row.direction,
        other: { type: row.other_type, id: row.other_id, title },
        note: row.note ?? null,
        createdAt: new Date(row.created_at).toISOString(),
      },
    ];
  });
}

export async function createRelation(
  em: EntityManager,
  principal: Principal,
  input: {
    typeId: string;
    from: { type: RecordType; id: string };
    to: { type: RecordType; id: string };
    note?: string | null | undefined;
  },
): Promise<RelationView> {
  const type = await em.findOne(RelationType, { id: input.typeId, active: true });
  if (!type) {
    throw problem('unknown_relation_type', { id: input.typeId }, { at: { pointer: '#/typeId' } });
  }
  if (input.from.type === input.to.type && input.from.id === input.to.id) {
    throw problem('relation_to_itself', {}, { at: { pointer: '#/to' } });
  }
  for (const [end, ref] of [
    ['from', input.from],
    ['to', input.to],
  ] as const) {
    try {
      await requireRecord(em, ref.type, ref.id, principal);
    } catch {
      throw problem('unknown_link', { ...recordNouns(ref.type), id: ref.id }, { at: { pointer: `#/${end}/id` } });
    }
  }
  const exists = await em.findOne(Relation, {
    type,
    fromType: input.from.type,
    fromId: input.from.id,
    toType: input.to.type,
    toId: input.to.id,
  });
  if (exists) {
    throw problem('duplicate_relation', { type: type.name });
  }
  const relation = em.create(Relation, {
    tenant: currentTenant(em),
    type,
    fromType: input.from.type,
    fromId: input.from.id,
    toType: input.to.type,
    toId: input.to.id,
    note: input.note ?? null,
  });
  // Both records' history tells (relation.audit.ts).
  await em.flush();
  const created = (await relationsOf(em, input.from.type, input.from.id)).find((item) => item.id === relation.id);
  return created as RelationView;
}

export async function deleteRelation(em: EntityManager, _principal: Principal, id: string): Promise<void> {
  const row = await em.findOne(Relation, id);
  if (!row) throw problem('not_found', { noSuch: noSuch('relation'), id });
  // The from-record's history tells (relation.audit.ts).
  em.remove(row);
  await em.flush();
}

export const relationsOverview: OverviewSection = (em, _principal, { type, id }) => relationsOf(em, type, id);

// Relations of a merged record move to the survivor; one that would relate it to itself goes.
export const moveRelationsOnMerge: MergeHook = async (em, merge) => {
  for (const end of ['from', 'to'] as const) {
    const other = end === 'from' ? 'to' : 'from';
    await db(em)
      .updateTable('relation as r')
      .set(end === 'from' ? { from_id: merge.survivorId } : { to_id: merge.survivorId })
      .where(`r.${end}_type`, '=', merge.type)
      .where(`r.${end}_id`, '=', merge.mergedId)
      .where((eb) =>
        eb.not(
          eb.and([eb(`r.${other}_type`, '=', eb.ref(`r.${end}_type`)), eb(`r.${other}_id`, '=', merge.survivorId)]),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('relation as x')
              .select('x.id')
              .whereRef('x.type_id', '=', 'r.type_id')
              .whereRef(`x.${end}_type`, '=', `r.${end}_type`)
              .where(`x.${end}_id`, '=', merge.survivorId)
              .whereRef(`x.${other}_type`, '=', `r.${other}_type`)
              .whereRef(`x.${other}_id`, '=', `r.${other}_id`),
          ),
        ),
      )
      .execute();
    await db(em)
      .deleteFrom('relation')
      .where(`${end}_type`, '=', merge.type)
      .where(`${end}_id`, '=', merge.mergedId)
      .execute();
  }
};
