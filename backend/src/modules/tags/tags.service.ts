// Tags (V4): tenant tags with a color, on any record; history tells who tagged what.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { newId } from '../../ids.ts';
import { recordHistory } from '../../records/history.ts';
import type { MergeHook } from '../../records/merge-hooks.ts';
import { type RecordType, requireRecord } from '../../records/record-types.ts';
import { pgArray } from '../../records/search-index.ts';
import { sqlIn } from '../../records/sql.ts';

export interface TagView {
  id: string;
  name: string;
  color: string;
}

export interface TagDetail extends TagView {
  version: number;
  usage: number;
}

interface TagRow {
  id: string;
  name: string;
  color: string;
  version: number;
  usage: number;
}

const toDetail = (row: TagRow): TagDetail => ({
  id: row.id,
  name: row.name,
  color: row.color,
  version: row.version,
  usage: Number(row.usage),
});

function duplicateName(name: string): AppError {
  return new AppError({
    status: 409,
    code: 'duplicate_tag_name',
    title: 'A tag with this name exists',
    detail: `There is already a tag named "${name}". Use it, or choose another name.`,
    errors: [{ in: 'body', pointer: '#/name', detail: 'already taken' }],
  });
}

export async function listTags(em: EntityManager): Promise<TagDetail[]> {
  const rows = await sqlIn<TagRow>(
    em,
    `select t.id, t.name, t.color, t.version, count(rt.tag_id)::int as usage
       from tag t left join record_tag rt on rt.tag_id = t.id
      group by t.id order by lower(t.name)`,
  );
  return rows.map(toDetail);
}

export async function getTag(em: EntityManager, id: string): Promise<TagDetail> {
  const [row] = await sqlIn<TagRow>(
    em,
    `select t.id, t.name, t.color, t.version, (select count(*)::int from record_tag rt where rt.tag_id = t.id) as usage
       from tag t where t.id = ?`,
    [id],
  );
  if (!row) throw notFound(`There is no tag ${id} in your organisation.`);
  return toDetail(row);
}

async function nameTaken(em: EntityManager, name: string, exceptId?: string): Promise<boolean> {
  const rows = await sqlIn(em, 'select 1 from tag where lower(name) = lower(?) and id <> ?', [
    name,
    exceptId ?? '00000000-0000-0000-0000-000000000000',
  ]);
  return rows.length > 0;
}

export async function createTag(
  em: EntityManager,
  input: { name: string; color?: string | undefined },
): Promise<TagDetail> {
  if (await nameTaken(em, input.name)) throw duplicateName(input.name);
  const id = newId();
  await sqlIn(em, 'insert into tag (id, tenant_id, name, color) values (?, crm_current_tenant(), ?, ?)', [
    id,
    input.name,
    input.color ?? '#6264a7',
  ]);
  return getTag(em, id);
}

export async function updateTag(
  em: EntityManager,
  id: string,
  change: { name?: string | undefined; color?: string | undefined },
  expectedVersion: number | undefined,
): Promise<TagDetail> {
  const tag = await getTag(em, id);
  checkVersion(tag, expectedVersion, `Tag ${tag.name}`);
  if (
    change.name !== undefined &&
    change.name.toLowerCase() !== tag.name.toLowerCase() &&
    (await nameTaken(em, change.name, id))
  ) {
    throw duplicateName(change.name);
  }
  await sqlIn(
    em,
    'update tag set name = coalesce(?, name), color = coalesce(?, color), version = version + 1, updated_at = now() where id = ?',
    [change.name ?? null, change.color ?? null, id],
  );
  return getTag(em, id);
}

export async function deleteTag(em: EntityManager, id: string, expectedVersion: number | undefined): Promise<void> {
  const tag = await getTag(em, id);
  checkVersion(tag, expectedVersion, `Tag ${tag.name}`);
  await sqlIn(em, 'delete from tag where id = ?', [id]);
}

/** Tags of many records in one query, by record id. */
export async function tagsOf(
  em: EntityManager,
  type: RecordType,
  ids: readonly string[],
): Promise<Map<string, TagView[]>> {
  const result = new Map<string, TagView[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return result;
  const rows = await sqlIn<{ record_id: string; id: string; name: string; color: string }>(
    em,
    `select rt.record_id, t.id, t.name, t.color from record_tag rt join tag t on t.id = rt.tag_id
      where rt.tenant_id = crm_current_tenant() and rt.record_type = ? and rt.record_id = any(?::uuid[])
      order by lower(t.name)`,
    [type, pgArray([...ids])],
  );
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
  await getTag(em, tagId);
  const before = (await tagsOf(em, type, [recordId])).get(recordId)?.map((tag) => tag.name) ?? [];
  const changed = tagged
    ? await sqlIn(
        em,
        `insert into record_tag (tenant_id, tag_id, record_type, record_id, tagged_by)
         values (crm_current_tenant(), ?, ?, ?, ?) on conflict do nothing returning tag_id`,
        [tagId, type, recordId, principal.userId ?? null],
      )
    : await sqlIn(
        em,
        'delete from record_tag where tag_id = ? and record_type = ? and record_id = ? returning tag_id',
        [tagId, type, recordId],
      );
  if (changed.length === 0) return;
  const after = (await tagsOf(em, type, [recordId])).get(recordId)?.map((tag) => tag.name) ?? [];
  recordHistory(em, principal, {
    type,
    id: recordId,
    action: 'update',
    before: { tags: before },
    after: { tags: after },
  });
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
  await sqlIn(
    em,
    `insert into record_tag (tenant_id, tag_id, record_type, record_id, tagged_at, tagged_by)
     select tenant_id, tag_id, record_type, ?, tagged_at, tagged_by from record_tag
      where record_type = ? and record_id = ? on conflict do nothing`,
    [merge.survivorId, merge.type, merge.mergedId],
  );
  await sqlIn(em, 'delete from record_tag where record_type = ? and record_id = ?', [merge.type, merge.mergedId]);
};
