// The records documents and mails hang on: which types there are, whether one exists in the
// caller's tenant, and whether the caller may see it (deals and leads are their owners' and
// their managers'; contacts are everyone's).
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Principal } from '../../http/principal.ts';
import { problem, recordNouns } from '../../http/problems.ts';
import { linkableTarget, linkableTypes, type RecordRef } from '../../records/record-links.ts';
import type { RecordType } from '../../records/record-types.schemas.ts';
import { uuidArray } from '../../records/search-index.ts';
import { currentTenantId, db } from '../../records/sql.ts';

/**
 * A record type in a path. Checked when the request comes, not when the routes are built: deals
 * and leads register their types whenever their modules load.
 */
export const recordTypeSchema = () =>
  z
    .string()
    .refine((type) => linkableTarget(type) !== undefined, {
      error: (issue) =>
        `records of type "${String(issue.input)}" have no documents or mails; use one of ${linkableTypes().join(', ')}`,
    })
    .meta({ description: 'person, organization, business_contact, and deal and lead where sales is installed' });

export const recordParamsSchema = () => z.object({ type: recordTypeSchema(), id: z.uuid() });

const key = (ref: RecordRef) => `${ref.type}:${ref.id}`;

/** The given records that exist, are not in the trash and that the caller may see, as `type:id`. */
export async function visibleRecords(
  em: EntityManager,
  principal: Principal,
  refs: readonly RecordRef[],
): Promise<Set<string>> {
  const byType = new Map<string, string[]>();
  for (const ref of refs) {
    if (linkableTarget(ref.type)) byType.set(ref.type, [...(byType.get(ref.type) ?? []), ref.id]);
  }
  const visible = new Set<string>();
  for (const [type, ids] of byType) {
    const { table } = linkableTarget(type) as { table: RecordType };
    const scope = await principal.visibility(type);
    const owned = table === 'deal' || table === 'lead' ? table : undefined;
    const rows =
      scope.scope === 'owners' && owned
        ? await db(em)
            .selectFrom(owned)
            .select('id')
            .where((eb) => eb('id', '=', eb.fn.any(uuidArray(ids))))
            .where('deleted_at', 'is', null)
            .where((eb) => eb('owner_id', '=', eb.fn.any(uuidArray([...scope.ownerIds]))))
            .execute()
        : await db(em)
            .selectFrom(table)
            .select('id')
            .where((eb) => eb('id', '=', eb.fn.any(uuidArray(ids))))
            .where('deleted_at', 'is', null)
            .execute();
    for (const row of rows) visible.add(`${type}:${row.id}`);
  }
  return visible;
}

/** 404 unless the record exists in the caller's tenant, is not in the trash and is visible to them. */
export async function requireVisibleRecord(em: EntityManager, principal: Principal, ref: RecordRef): Promise<void> {
  const target = linkableTarget(ref.type);
  if (!target || !(await visibleRecords(em, principal, [ref])).has(key(ref))) {
    throw problem('not_visible_maybe_trashed', { noSuch: recordNouns(ref.type, target?.label).noSuch, id: ref.id });
  }
}

/**
 * Links named in a request body: 400 for an unknown type, 422 (with the link's pointer) for a
 * record that does not exist, is in the trash, or is one the caller may not see.
 */
export async function requireVisibleLinks(
  em: EntityManager,
  principal: Principal,
  links: readonly RecordRef[],
  pointer = '#/links',
): Promise<void> {
  for (const [index, link] of links.entries()) {
    if (!linkableTarget(link.type)) {
      throw problem(
        'unknown_record_type',
        { type: link.type, types: linkableTypes() },
        { at: { pointer: `${pointer}/${index}/type` } },
      );
    }
  }
  const visible = await visibleRecords(em, principal, links);
  const index = links.findIndex((link) => !visible.has(key(link)));
  if (index >= 0) {
    const link = links[index] as RecordRef;
    const label = linkableTarget(link.type)?.label ?? link.type;
    throw problem(
      'unknown_visible_link',
      { ...recordNouns(link.type, label), id: link.id },
      { at: { pointer: `${pointer}/${index}/id` } },
    );
  }
}

export interface LinkedRecord extends RecordRef {
  /** The record's name as search shows it; null for a record without a search document. */
  title: string | null;
}

/** Names of records, from their search documents, in one query. */
export async function withTitles(em: EntityManager, refs: readonly RecordRef[]): Promise<LinkedRecord[]> {
  if (refs.length === 0) return [];
  const rows = await db(em)
    .selectFrom('search_document as d')
    .select(['d.record_type', 'd.record_id', 'd.title'])
    .where('d.tenant_id', '=', currentTenantId)
    .where((eb) =>
      eb(
        eb.refTuple('d.record_type', 'd.record_id'),
        'in',
        refs.map((ref) => eb.tuple(ref.type, ref.id)),
      ),
    )
    .execute();
  const titles = new Map(rows.map((row) => [`${row.record_type}:${row.record_id}`, row.title]));
  return refs.map((ref) => ({ type: ref.type, id: ref.id, title: titles.get(key(ref)) ?? null }));
}
