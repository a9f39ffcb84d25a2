// Typed relations between any two records (C4): "Geschäftsführer von" one way, "hat Geschäftsführer"
// the other. Types are the tenant's to edit; both records' history tells.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { newId } from '../../ids.ts';
import { recordHistory } from '../../records/history.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import type { OverviewSection } from '../../records/overview.ts';
import { type RecordType, requireRecord } from '../../records/record-types.ts';
import { sqlIn } from '../../records/sql.ts';
import type { TenantSetupStep } from '../../records/tenant-setup.ts';

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

interface TypeRow {
  id: string;
  name: string;
  reverse_name: string;
  active: boolean;
  version: number;
}

const typeView = (row: TypeRow): RelationTypeView => ({
  id: row.id,
  name: row.name,
  reverseName: row.reverse_name,
  active: row.active,
  version: row.version,
});

export const seedDefaultRelationTypes: TenantSetupStep = async (em) => {
  for (const [name, reverse] of DEFAULT_RELATION_TYPES) {
    await sqlIn(
      em,
      `insert into relation_type (id, tenant_id, name, reverse_name) values (?, crm_current_tenant(), ?, ?)
       on conflict do nothing`,
      [newId(), name, reverse],
    );
  }
};

export async function listRelationTypes(em: EntityManager): Promise<RelationTypeView[]> {
  return (await sqlIn<TypeRow>(em, 'select * from relation_type order by lower(name)')).map(typeView);
}

async function getType(em: EntityManager, id: string): Promise<RelationTypeView> {
  const [row] = await sqlIn<TypeRow>(em, 'select * from relation_type where id = ?', [id]);
  if (!row) throw notFound(`There is no relation type ${id} in your organisation.`);
  return typeView(row);
}

function nameTaken(name: string): AppError {
  return new AppError({
    status: 409,
    code: 'duplicate_relation_type',
    title: 'A relation type with this name exists',
    detail: `There is already a relation type "${name}".`,
    errors: [{ in: 'body', pointer: '#/name', detail: 'already taken' }],
  });
}

export async function createRelationType(
  em: EntityManager,
  input: { name: string; reverseName: string },
): Promise<RelationTypeView> {
  const clash = await sqlIn(em, 'select 1 from relation_type where lower(name) = lower(?)', [input.name]);
  if (clash.length > 0) throw nameTaken(input.name);
  const id = newId();
  await sqlIn(
    em,
    'insert into relation_type (id, tenant_id, name, reverse_name) values (?, crm_current_tenant(), ?, ?)',
    [id, input.name, input.reverseName],
  );
  return getType(em, id);
}

export async function updateRelationType(
  em: EntityManager,
  id: string,
  change: { name?: string | undefined; reverseName?: string | undefined; active?: boolean | undefined },
  expectedVersion: number | undefined,
): Promise<RelationTypeView> {
  const type = await getType(em, id);
  checkVersion(type, expectedVersion, `Relation type ${type.name}`);
  if (change.name && change.name.toLowerCase() !== type.name.toLowerCase()) {
    const clash = await sqlIn(em, 'select 1 from relation_type where lower(name) = lower(?) and id <> ?', [
      change.name,
      id,
    ]);
    if (clash.length > 0) throw nameTaken(change.name);
  }
  await sqlIn(
    em,
    `update relation_type set name = ?, reverse_name = ?, active = ?, version = version + 1, updated_at = now() where id = ?`,
    [change.name ?? type.name, change.reverseName ?? type.reverseName, change.active ?? type.active, id],
  );
  return getType(em, id);
}

const TITLE_SQL = `case r.other_type
    when 'person' then (select concat_ws(' ', p.title, p.first_name, p.last_name) from person p where p.id = r.other_id and p.deleted_at is null)
    when 'organization' then (select o.name from organization o where o.id = r.other_id and o.deleted_at is null)
    when 'business_contact' then (select concat_ws(' ', p.first_name, p.last_name) || ' (' || o.name || ')'
                                    from business_contact bc join person p on p.id = bc.person_id
                                    join organization o on o.id = bc.organization_id
                                   where bc.id = r.other_id and bc.deleted_at is null)
  end`;

/** Relations of a record, both directions, labelled from its side; related records in the trash are left out. */
export async function relationsOf(em: EntityManager, type: RecordType, id: string): Promise<RelationView[]> {
  const rows = await sqlIn<{
    id: string;
    type_id: string;
    label: string;
    direction: 'outgoing' | 'incoming';
    other_type: RecordType;
    other_id: string;
    title: string | null;
    note: string | null;
    created_at: string;
  }>(
    em,
    `select r.*, ${TITLE_SQL} as title from (
       select rel.id, rel.type_id, t.name as label, 'outgoing' as direction, rel.to_type as other_type, rel.to_id as other_id,
              rel.note, rel.created_at
         from relation rel join relation_type t on t.id = rel.type_id
        where rel.tenant_id = crm_current_tenant() and rel.from_type = ? and rel.from_id = ?
       union all
       select rel.id, rel.type_id, t.reverse_name, 'incoming', rel.from_type, rel.from_id, rel.note, rel.created_at
         from relation rel join relation_type t on t.id = rel.type_id
        where rel.tenant_id = crm_current_tenant() and rel.to_type = ? and rel.to_id = ?
     ) r order by r.label, r.created_at`,
    [type, id, type, id],
  );
  return rows
    .filter((row) => row.title !== null)
    .map((row) => ({
      id: row.id,
      typeId: row.type_id,
      label: row.label,
      direction: row.direction,
      other: { type: row.other_type, id: row.other_id, title: row.title as string },
      note: row.note,
      createdAt: new Date(row.created_at).toISOString(),
    }));
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
  const [type] = await sqlIn<TypeRow>(em, 'select * from relation_type where id = ? and active', [input.typeId]);
  if (!type) {
    throw new AppError({
      status: 422,
      code: 'unknown_relation_type',
      title: 'Unknown relation type',
      detail: `There is no active relation type ${input.typeId}; GET /api/v1/relation-types lists them.`,
      errors: [{ in: 'body', pointer: '#/typeId', detail: 'no such active relation type' }],
    });
  }
  if (input.from.type === input.to.type && input.from.id === input.to.id) {
    throw new AppError({
      status: 409,
      code: 'relation_to_itself',
      title: 'A record cannot be related to itself',
      detail: 'from and to name the same record.',
      errors: [{ in: 'body', pointer: '#/to', detail: 'the same record as from' }],
    });
  }
  for (const [end, ref] of [
    ['from', input.from],
    ['to', input.to],
  ] as const) {
    try {
      await requireRecord(em, ref.type, ref.id, principal);
    } catch {
      throw new AppError({
        status: 422,
        code: 'unknown_link',
        title: 'Unknown record',
        detail: `There is no ${ref.type.replace('_', ' ')} ${ref.id} in your organisation, or it is in the trash.`,
        errors: [{ in: 'body', pointer: `#/${end}/id`, detail: 'no such record' }],
      });
    }
  }
  const id = newId();
  const inserted = await sqlIn(
    em,
    `insert into relation (id, tenant_id, type_id, from_type, from_id, to_type, to_id, note, created_by)
     values (?, crm_current_tenant(), ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
    [
      id,
      input.typeId,
      input.from.type,
      input.from.id,
      input.to.type,
      input.to.id,
      input.note ?? null,
      principal.userId ?? null,
    ],
  );
  if (inserted.length === 0) {
    throw new AppError({
      status: 409,
      code: 'duplicate_relation',
      title: 'This relation exists',
      detail: `These two records are already related as "${type.name}".`,
    });
  }
  const after = { relation: type.name, to: input.to };
  recordHistory(em, principal, {
    type: input.from.type,
    id: input.from.id,
    action: 'update',
    before: { relations: null },
    after: { relations: after },
  });
  recordHistory(em, principal, {
    type: input.to.type,
    id: input.to.id,
    action: 'update',
    before: { relations: null },
    after: { relations: { relation: type.reverse_name, to: input.from } },
  });
  await em.flush();
  const created = (await relationsOf(em, input.from.type, input.from.id)).find((relation) => relation.id === id);
  return created as RelationView;
}

export async function deleteRelation(em: EntityManager, principal: Principal, id: string): Promise<void> {
  const [row] = await sqlIn<{
    from_type: RecordType;
    from_id: string;
    to_type: RecordType;
    to_id: string;
    name: string;
  }>(
    em,
    'delete from relation r using relation_type t where t.id = r.type_id and r.id = ? returning r.from_type, r.from_id, r.to_type, r.to_id, t.name',
    [id],
  );
  if (!row) throw notFound(`There is no relation ${id} in your organisation.`);
  recordHistory(em, principal, {
    type: row.from_type,
    id: row.from_id,
    action: 'update',
    before: { relations: { relation: row.name, to: { type: row.to_type, id: row.to_id } } },
    after: { relations: null },
  });
  await em.flush();
}

export const relationsOverview: OverviewSection = (em, _principal, { type, id }) => relationsOf(em, type, id);

// Relations of a merged record move to the survivor; one that would relate it to itself goes.
export const moveRelationsOnMerge: MergeHook = async (em, merge) => {
  for (const end of ['from', 'to'] as const) {
    const other = end === 'from' ? 'to' : 'from';
    await sqlIn(
      em,
      `update relation r set ${end}_id = ? where ${end}_type = ? and ${end}_id = ?
          and not (${other}_type = ${end}_type and ${other}_id = ?)
          and not exists (select 1 from relation x where x.type_id = r.type_id and x.${end}_type = r.${end}_type
                            and x.${end}_id = ? and x.${other}_type = r.${other}_type and x.${other}_id = r.${other}_id)`,
      [merge.survivorId, merge.type, merge.mergedId, merge.survivorId, merge.survivorId],
    );
    await sqlIn(em, `delete from relation where ${end}_type = ? and ${end}_id = ?`, [merge.type, merge.mergedId]);
  }
};
