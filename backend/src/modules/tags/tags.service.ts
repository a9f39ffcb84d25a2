// Tags (V4): tenant tags with a color, on any record; history tells who tagged what.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppError } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { currentTenant } from '../../records/current-tenant.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import { type RecordType, requireRecord } from '../../records/record-types.ts';
import { db } from '../../records/sql.ts';
import { RecordTag, Tag } from './tag.entity.ts';

export interface TagView {
  id: string;
  name: string;
  color: string;
}

export interface TagDetail extends TagView {
  version: number;
  usage: number;
}

const toDetail = (tag: Pick<Tag, 'id' | 'name' | 'color' | 'version'>, usage: number | string | bigint): TagDetail => ({
  id: tag.id,
  name: tag.name,
  color: tag.color,
  version: tag.version,
  usage: Number(usage),
});

function duplicateName(name: string): AppError {
  return problem('duplicate_tag_name', { name }, { at: { pointer: '#/name' } });
}

export async function listTags(em: EntityManager): Promise<TagDetail[]> {
  const rows = await db(em)
    .selectFrom('tag as t')
    .leftJoin('record_tag as rt', 'rt.tag_id', 't.id')
    .select(['t.id', 't.name', 't.color', 't.version', (eb) => eb.fn.count('rt.tag_id').as('usage')])
    .groupBy('t.id')
    .orderBy((eb) => eb.fn('lower', ['t.name']))
    .execute();
  return rows.map((row) => toDetail(row, row.usage));
}

async function usageOf(em: EntityManager, tagId: string): Promise<number> {
  const { usage } = await db(em)
    .selectFrom('record_tag')
    .select((eb) => eb.fn.countAll().as('usage'))
    .where('tag_id', '=', tagId)
    .executeTakeFirstOrThrow();
  return Number(usage);
}

async function loadTag(em: EntityManager, id: string): Promise<Tag> {
  const row = await em.findOne(Tag, id);
  if (!row) throw problem('not_found', { noSuch: noSuch('tag'), id });
  return row;
}

export async function getTag(em: EntityManager, id: string): Promise<TagDetail> {
  const tag = await loadTag(em, id);
  return toDetail(tag, await usageOf(em, id));
}

async function nameTaken(em: EntityManager, name: string, exceptId?: string): Promise<boolean> {
  const clash = await db(em)
    .selectFrom('tag')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .where('id', '<>', exceptId ?? '00000000-0000-0000-0000-000000000000')
    .executeTakeFirst();
  return clash !== undefined;
}

export async function createTag(
  em: EntityManager,
  input: { name: string; color?: string | undefined },
): Promise<TagDetail> {
  if (await nameTaken(em, input.name)) throw duplicateName(input.name);
  const tag = em.create(Tag, {
    tenant: currentTenant(em),
    name: input.name,
    ...(input.color ? { color: input.color } : {}),
  });
  await em.flush();
  return toDetail(tag, 0);
}

export async function updateTag(
  em: EntityManager,
  id: string,
  change: { name?: string | undefined; color?: string | undefined },
  expectedVersion: number | undefined,
): Promise<TagDetail> {
  const tag = await loadTag(em, id);
  checkVersion(tag, expectedVersion, named('tag', tag.name));
  if (
    change.name !== undefined &&
    change.name.toLowerCase() !== tag.name.toLowerCase() &&
    (await nameTaken(em, change.name, id))
  ) {
    throw duplicateName(change.name);
  }
  em.assign(tag, { name: change.name ?? tag.name, color: change.color ?? tag.color });
  // A change that changes nothing still counts as one, as it always has.
  tag.updatedAt = new Date();
  await em.flush();
  return getTag(em, id);
}

export async function deleteTag(em: EntityManager, id: string, expectedVersion: number | undefined): Promise<void> {
  const tag = await loadTag(em, id);
  checkVersion(tag, expectedVersion, named('tag', tag.name));
  em.remove(tag);
  await em.flush();
}

/** Tags of many records in one query, by record id. */
export async function tagsOf(
  em: EntityManager,
  type: RecordType,
  ids: readonly string[],
): Promise<Map<string, TagView[]>> {
  const result = new Map<string, TagView[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return result;
  const rows = await db(em)
    .selectFrom('record_tag as rt')
    .innerJoin('tag as t', 't.id', 'rt.tag_id')
    .select(['rt.record_id', 't.id', 't.name', 't.color'])
    .where('rt.tenant_id', '=', (eb) => eb.fn('crm_current_tenant'))
    .where('rt.record_type', '=', type)
    .where('rt.record_id', 'in', [...ids])
    .orderBy((eb) => eb.fn('lower', ['t.name']))
    .execute();
  for (const row of rows) result.get(row.record_id)?.push({ id: row.id, name: row.name, color: row.color });
  return result;
}

async function setTagged(
  em: EntityManager,
  principal: Principal,
  type: RecordType,
  recordId: string,
  tagId: string,
  tagged: boolean,
): Promise<void> {
  await requireRecord(em, type, recordId, principal);
  const tag = await loadTag(em, tagId);
  const existing = await em.findOne(RecordTag, { tag, recordType: type, recordId });
  if (tagged === (existing !== null)) return;
  if (existing) em.remove(existing);
  else
    em.create(RecordTag, {
      tenant: currentTenant(em),
      tag,
      recordType: type,
      recordId,
      taggedBy: principal.userId ?? null,
    });
  // The tagged record's history tells (tag.audit.ts).
  await em.flush();
}

export const tagRecord = (em: EntityManager, principal: Principal, type: RecordType, recordId: string, tagId: string) =>
  setTagged(em, principal, type, recordId, tagId, true);

export const untagRecord = (
  em: EntityManager,
  principal: Principal,
  type: RecordType,
  recordId: string,
  tagId: string,
) => setTagged(em, principal, type, recordId, tagId, false);

// The survivor of a merge carries the tags of both.
export const moveTagsOnMerge: MergeHook = async (em, merge) => {
  await db(em)
    .insertInto('record_tag')
    .columns(['tenant_id', 'tag_id', 'record_type', 'record_id', 'tagged_at', 'tagged_by'])
    .expression((eb) =>
      eb
        .selectFrom('record_tag')
        .select((inner) => [
          'tenant_id',
          'tag_id',
          'record_type',
          inner.cast<string>(inner.val(merge.survivorId), 'uuid').as('record_id'),
          'tagged_at',
          'tagged_by',
        ])
        .where('record_type', '=', merge.type)
        .where('record_id', '=', merge.mergedId),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  await db(em)
    .deleteFrom('record_tag')
    .where('record_type', '=', merge.type)
    .where('record_id', '=', merge.mergedId)
    .execute();
};
