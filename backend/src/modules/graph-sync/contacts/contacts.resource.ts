// Outlook contacts (X5): the persons a user owns appear in the folder "CRM" of their mailbox; CRM
// edits are pushed (batched), Outlook edits come back as the user's changes "via Outlook", a
// contact deleted in Outlook unlinks (the person stays), and when both sides changed a field since
// the last sync the later change wins, the other value stays in the history.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { Principal } from '../../../http/principal.ts';
import { TRASH_FILTER } from '../../../http/tenancy.ts';
import { recordHistory } from '../../../records/history.ts';
import { db } from '../../../records/sql.ts';
import { BusinessContact, Person } from '../../contacts/contact.entity.ts';
import { UpdateBusinessContactSchema, UpdatePersonSchema } from '../../contacts/contacts.schemas.ts';
import { updateBusinessContact, updatePerson } from '../../contacts/contacts.service.ts';
import { batchItemError, type GraphRequest, GraphRequestError } from '../graph-client.ts';
import { ContactLink, SyncCursor } from '../graph-sync.entity.ts';
import type { SyncContext, SyncResource } from '../resource.ts';
import {
  businessContactPatch,
  CONTACT_FIELDS,
  type ContactField,
  type ContactFields,
  contactBody,
  crmFields,
  INBOUND_FIELDS,
  NO_WORK,
  outlookFields,
  personPatch,
  sameValue,
  type WorkFields,
} from './contact-fields.ts';
import { scopeSubqueries } from './contacts-scope.ts';

export const CRM_FOLDER_NAME = 'CRM';
/** The extended property every contact the CRM made carries: the person's id, to find it again. */
export const PERSON_ID_PROPERTY = 'String {8f1c4f7e-2b1d-4c55-9a53-6b0d3f5a9c21} Name crmPersonId';
/** Persons pushed per transaction. */
const PUSH_SHARE = 200;

type OutlookContact = Record<string, unknown> & {
  id: string;
  changeKey?: string;
  lastModifiedDateTime?: string;
  '@removed'?: unknown;
};

async function cursorOf(ctx: SyncContext): Promise<SyncCursor> {
  const cursor = await ctx.em.findOne(SyncCursor, { connection: ctx.connectionId, resource: 'contacts' });
  if (!cursor) throw new Error('The run makes the cursor before asking a resource for its delta');
  return cursor;
}

/** The "CRM" folder's id: found by name, or made (a second run that made it meanwhile is found). */
async function ensureFolder(ctx: SyncContext): Promise<string> {
  const filter = `displayName eq '${CRM_FOLDER_NAME}'`;
  const find = async () => {
    const found = await ctx.graph.get<{ value?: { id: string }[] }>(
      `${ctx.graph.base}/contactFolders?$filter=${encodeURIComponent(filter)}`,
    );
    return found.value?.[0]?.id;
  };
  const existing = await find();
  if (existing) return existing;
  try {
    const made = await ctx.graph.post<{ id: string }>(`${ctx.graph.base}/contactFolders`, {
      displayName: CRM_FOLDER_NAME,
    });
    return made.id;
  } catch (error) {
    if (error instanceof GraphRequestError && error.status === 409) {
      const again = await find();
      if (again) return again;
    }
    throw error;
  }
}

/** A stand-in for the mailbox owner's sign-in: their changes in Outlook are theirs in the CRM. */
export async function ownerPrincipal(em: EntityManager, tenantId: string, userId: string): Promise<Principal> {
  const { resolvePrincipal } = await import('../../identity/identity.service.ts');
  const { User } = await import('../../identity/user.entity.ts');
  const user = await em.findOneOrFail(User, { id: userId });
  return resolvePrincipal(em, {
    kind: 'user',
    tenantId,
    objectId: user.entraObjectId,
    appRoles: [],
    expiresAt: new Date(Date.now() + 60_000),
    name: user.displayName,
    username: user.email,
    directoryRoles: [],
    language: user.language,
    clientAppId: undefined,
  });
}

/** What a person's main business contact (the primary one, else the oldest) adds to their contact. */
interface Work extends WorkFields {
  businessContactId: string | null;
  /** When the business contact or its organization last changed: a CRM change of the work fields. */
  changedAt: Date | null;
}

const noWork: Work = { ...NO_WORK, businessContactId: null, changedAt: null };

/** Each person's main business contact with its organization's name and addresses. */
async function workOf(em: EntityManager, personIds: readonly string[]): Promise<Map<string, Work>> {
  const result = new Map<string, Work>();
  if (personIds.length === 0) return result;
  const contacts = await em.find(
    BusinessContact,
    { person: { $in: [...personIds] } },
    { populate: ['organization'], orderBy: { isPrimary: 'desc', createdAt: 'asc' } },
  );
  for (const contact of contacts) {
    const personId = contact.person.id;
    if (result.has(personId)) continue;
    const organization = contact.organization;
    result.set(personId, {
      companyName: organization.name ?? null,
      jobTitle: contact.position ?? null,
      department: contact.department ?? null,
      phone: contact.phone ?? null,
      email: contact.email ?? null,
      addresses: organization.addresses ?? [],
      businessContactId: contact.id,
      changedAt: new Date(Math.max(contact.updatedAt.getTime(), organization.updatedAt.getTime())),
    });
  }
  return result;
}

/** Updates from Outlook go through the same validation as the API; a value it refuses is left out. */
function validPatch(
  patch: Record<string, unknown>,
  schema: typeof UpdatePersonSchema | typeof UpdateBusinessContactSchema = UpdatePersonSchema,
): Record<string, unknown> {
  let candidate = { ...patch };
  for (let round = 0; round < 3; round += 1) {
    const parsed = schema.safeParse(candidate);
    // Only what Outlook changed: a schema's defaults (an absent phone read as none) are not changes.
    if (parsed.success) {
      return Object.fromEntries(Object.entries(parsed.data).filter(([key]) => Object.hasOwn(candidate, key)));
    }
    const bad = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
    candidate = Object.fromEntries(Object.entries(candidate).filter(([key]) => !bad.has(key)));
  }
  return {};
}

export const contactsResource: SyncResource = {
  name: 'contacts',

  async deltaUrl(ctx) {
    const cursor = await cursorOf(ctx);
    if (!cursor.containerId) {
      cursor.containerId = await ensureFolder(ctx);
      await ctx.em.flush();
    }
    return `${ctx.graph.base}/contactFolders/${encodeURIComponent(cursor.containerId)}/contacts/delta`;
  },

  async applyPage(ctx, rawItems) {
    const items = rawItems as OutlookContact[];
    if (items.length === 0) return;
    const ids = items.map((item) => item.id);
    const links = await ctx.em.find(
      ContactLink,
      { connection: ctx.connectionId, outlookId: { $in: ids } },
      { populate: ['person'], filters: false },
    );
    const byOutlookId = new Map(links.map((link) => [link.outlookId as string, link]));
    const persons = links.map((link) => link.person).filter((person) => person.deletedAt == null);
    const work = await workOf(
      ctx.em,
      persons.map((person) => person.id),
    );
    let principal: Principal | undefined;
    const principalFor = async () => {
      principal ??= await ownerPrincipal(ctx.em, ctx.tenantId, ctx.userId);
      return principal;
    };
    for (const item of items) {
      const link = byOutlookId.get(item.id);
      if (item['@removed'] !== undefined) {
        // Deleted (or moved out of the folder) in Outlook: the link goes, the person stays.
        if (link && !link.unlinkedAt) link.unlinkedAt = new Date();
        continue;
      }
      if (!link) {
        await adoptUnknown(ctx, item);
        continue;
      }
      if (link.unlinkedAt) continue;
      // The version the CRM wrote or read last (its own push coming back, or a replay): nothing new
      // from Outlook. After an initial push every contact comes back once, so this keeps the run
      // that carries an Outlook edit from first comparing thousands of unchanged contacts.
      if (typeof item.changeKey === 'string' && item.changeKey === link.changeKey) continue;
      const person = link.person;
      if (person.deletedAt) continue;
      const outlook = outlookFields(item);
      const personWork = work.get(person.id) ?? noWork;
      const crm = crmFields(person, personWork);
      const synced = link.synced as Partial<ContactFields>;
      const crmChangedAt = Math.max(person.updatedAt.getTime(), personWork.changedAt?.getTime() ?? 0);
      const outlookLater =
        item.lastModifiedDateTime !== undefined && Date.parse(item.lastModifiedDateTime) >= crmChangedAt;
      const take: ContactField[] = [];
      const lost: ContactField[] = [];
      const nextSynced: Partial<ContactFields> = { ...synced };
      for (const field of CONTACT_FIELDS) {
        const outlookChanged = !sameValue(outlook[field], synced[field]);
        if (!outlookChanged) continue;
        const crmChanged = !sameValue(crm[field], synced[field]);
        const inbound =
          INBOUND_FIELDS.has(field) &&
          // Position and department live on the business contact: without one they have no home in the CRM.
          (personWork.businessContactId !== null || (field !== 'jobTitle' && field !== 'department'));
        if (sameValue(outlook[field], crm[field])) {
          (nextSynced as Record<string, unknown>)[field] = outlook[field];
        } else if (!inbound) {
          // The CRM is the master of the company: Outlook's value is taken as agreed, so the push
          // (due below) sees the CRM's as a change and puts it back.
          (nextSynced as Record<string, unknown>)[field] = outlook[field];
        } else if (!crmChanged || outlookLater) {
          take.push(field);
          (nextSynced as Record<string, unknown>)[field] = outlook[field];
        } else {
          lost.push(field);
        }
      }
      if (take.length > 0) {
        const patch = validPatch(personPatch(person, outlook, take, personWork));
        if (Object.keys(patch).length > 0) {
          await updatePerson(ctx.em, await principalFor(), person.id, patch as never, {
            expectedVersion: undefined,
            confirmed: true,
          });
        }
        const workPatch = validPatch(businessContactPatch(personWork, outlook, take), UpdateBusinessContactSchema);
        if (personWork.businessContactId && Object.keys(workPatch).length > 0) {
          await updateBusinessContact(
            ctx.em,
            await principalFor(),
            personWork.businessContactId,
            workPatch as never,
            undefined,
          );
        }
      }
      if (lost.length > 0) {
        // Both sides changed these since the last sync and the CRM's change is later: it stays, and
        // Outlook's value is told in the history (by the user, via Outlook) so nothing is silently lost.
        const personLost = lost.filter((field) => field !== 'jobTitle' && field !== 'department');
        if (personLost.length > 0) {
          recordHistory(ctx.em, await principalFor(), {
            type: 'person',
            id: person.id,
            action: 'update',
            before: personPatch(person, outlook, personLost, personWork),
            after: personPatch(person, crm, personLost, personWork),
          });
        }
        if (personWork.businessContactId) {
          const before = businessContactPatch(personWork, outlook, lost);
          if (Object.keys(before).length > 0) {
            recordHistory(ctx.em, await principalFor(), {
              type: 'business_contact',
              id: personWork.businessContactId,
              action: 'update',
              before,
              after: businessContactPatch(personWork, crm, lost),
            });
          }
        }
      }
      link.synced = nextSynced;
      link.changeKey = typeof item.changeKey === 'string' ? item.changeKey : link.changeKey;
      // The person's new version (and its business contact's) is read below; otherwise the page's end flushes.
      if (take.length > 0) await ctx.em.flush();
      // Pulled changes are in step; changes of the CRM that are still to push keep the version behind.
      const after = crmFields(
        person,
        take.length > 0 ? ((await workOf(ctx.em, [person.id])).get(person.id) ?? noWork) : personWork,
      );
      if (CONTACT_FIELDS.every((field) => sameValue(after[field], nextSynced[field]))) {
        link.syncedVersion = person.version;
      } else {
        link.syncedVersion = Math.min(link.syncedVersion, person.version - 1);
      }
    }
    await ctx.em.flush();
  },

  async pushPending(ctx) {
    const cursor = await cursorOf(ctx);
    const folderId = cursor.containerId;
    if (!folderId) return { more: false };
    // The mailbox's user's persons go to it (a shared mailbox syncs no contacts).
    const narrowed = await scopeSubqueries(ctx.em, ctx.userId);
    const k = db(ctx.em);
    // Owned persons never pushed, or changed since (themselves, their business contact or its
    // organization); a tombstone (deleted in Outlook) is left alone.
    const due = await k
      .selectFrom('person as p')
      .leftJoin('contact_link as l', (join) =>
        join.onRef('l.person_id', '=', 'p.id').on('l.connection_id', '=', ctx.connectionId),
      )
      .select(['p.id'])
      .where('p.owner_id', '=', ctx.userId)
      .where('p.deleted_at', 'is', null)
      .where((where) => where.and(narrowed.map((ids) => where('p.id', 'in', ids))))
      .where((where) =>
        where.or([
          where('l.id', 'is', null),
          where.and([
            where('l.unlinked_at', 'is', null),
            where.or([
              where('l.synced_version', '<', sql<number>`p.version`),
              where.exists(
                where
                  .selectFrom('business_contact as bc')
                  .innerJoin('organization as o', 'o.id', 'bc.organization_id')
                  .select('bc.id')
                  .whereRef('bc.person_id', '=', 'p.id')
                  .where((changed) => {
                    const seen = changed.fn.coalesce('l.work_seen_until', 'l.updated_at');
                    return changed.or([changed('bc.updated_at', '>', seen), changed('o.updated_at', '>', seen)]);
                  }),
              ),
            ]),
          ]),
        ]),
      )
      .orderBy('p.id')
      .limit(PUSH_SHARE)
      .execute();
    // Links whose person left the user's scope (trashed, purged by cascade, given to someone else,
    // no longer carrying the tag the user chose).
    const gone = await k
      .selectFrom('contact_link as l')
      .innerJoin('person as p', 'p.id', 'l.person_id')
      .select(['l.id'])
      .where('l.connection_id', '=', ctx.connectionId)
      .where('l.unlinked_at', 'is', null)
      .where((where) =>
        where.or([
          where('p.deleted_at', 'is not', null),
          where('p.owner_id', 'is', null),
          where('p.owner_id', '!=', ctx.userId),
          ...narrowed.map((ids) => where('p.id', 'not in', ids)),
        ]),
      )
      .limit(PUSH_SHARE)
      .execute();

    const persons = await ctx.em.find(Person, { id: { $in: due.map((row) => row.id) } });
    const links = await ctx.em.find(ContactLink, {
      connection: ctx.connectionId,
      person: { $in: persons.map((person) => person.id) },
    });
    const linkOf = new Map(links.map((link) => [link.person.id, link]));
    const work = await workOf(
      ctx.em,
      persons.map((person) => person.id),
    );
    const requests: GraphRequest[] = [];
    const planned = new Map<
      string,
      { person: Person; link: ContactLink | undefined; fields: ContactFields; changed: ContactField[] }
    >();
    for (const person of persons) {
      const fields = crmFields(person, work.get(person.id) ?? noWork);
      const link = linkOf.get(person.id);
      if (!link) {
        const id = `c${requests.length + 1}`;
        requests.push({
          id,
          method: 'POST',
          url: `${ctx.graph.base}/contactFolders/${encodeURIComponent(folderId)}/contacts`,
          body: {
            ...contactBody(fields),
            singleValueExtendedProperties: [{ id: PERSON_ID_PROPERTY, value: person.id }],
          },
        });
        planned.set(id, { person, link, fields, changed: [...CONTACT_FIELDS] });
        continue;
      }
      const synced = link.synced as Partial<ContactFields>;
      const changed = CONTACT_FIELDS.filter((field) => !sameValue(fields[field], synced[field]));
      if (changed.length === 0) {
        link.syncedVersion = person.version;
        // In step with what this run sees: a business contact or organization change before it is not due again.
        link.workSeenUntil = ctx.crmSeenUntil;
        continue;
      }
      const id = `u${requests.length + 1}`;
      requests.push({
        id,
        method: 'PATCH',
        url: `${ctx.graph.base}/contacts/${encodeURIComponent(link.outlookId as string)}`,
        body: contactBody(Object.fromEntries(changed.map((field) => [field, fields[field]]))),
      });
      planned.set(id, { person, link, fields, changed });
    }
    // Without the trash filter: it would leave out the very links whose person is in the trash.
    const goneLinks = await ctx.em.find(
      ContactLink,
      { id: { $in: gone.map((row) => row.id) } },
      { filters: { [TRASH_FILTER]: false } },
    );
    const deleting = new Map<string, ContactLink>();
    for (const link of goneLinks) {
      const id = `d${requests.length + 1}`;
      requests.push({
        id,
        method: 'DELETE',
        url: `${ctx.graph.base}/contacts/${encodeURIComponent(link.outlookId as string)}`,
      });
      deleting.set(id, link);
    }

    const answers = await ctx.graph.batch(requests);
    for (const answer of answers) {
      const failure = batchItemError(answer);
      if (failure && !(failure instanceof GraphRequestError)) throw failure;
      const notFound = failure instanceof GraphRequestError && failure.status === 404;
      const removed = deleting.get(answer.id);
      if (removed) {
        // Deleted, or gone already: the link goes with the contact.
        if (!failure || notFound) ctx.em.remove(removed);
        continue;
      }
      const plan = planned.get(answer.id);
      if (!plan) continue;
      if (failure) {
        if (plan.link && notFound) {
          // Gone in Outlook and the delta has not said so yet: as a deletion there.
          plan.link.unlinkedAt = new Date();
        } else if (plan.link) {
          // Refused for good (a value Outlook does not take): not tried again until the person changes.
          plan.link.syncedVersion = plan.person.version;
          plan.link.workSeenUntil = ctx.crmSeenUntil;
        }
        continue;
      }
      const body = (answer.body ?? {}) as OutlookContact;
      if (!plan.link) {
        ctx.em.create(ContactLink, {
          tenant: ctx.tenantId,
          connection: ctx.connectionId,
          person: plan.person,
          outlookId: body.id,
          changeKey: typeof body.changeKey === 'string' ? body.changeKey : null,
          synced: { ...plan.fields },
          syncedVersion: plan.person.version,
          workSeenUntil: ctx.crmSeenUntil,
        });
      } else {
        const synced = { ...(plan.link.synced as Partial<ContactFields>) };
        for (const field of plan.changed) (synced as Record<string, unknown>)[field] = plan.fields[field];
        plan.link.synced = synced;
        plan.link.changeKey = typeof body.changeKey === 'string' ? body.changeKey : plan.link.changeKey;
        plan.link.syncedVersion = plan.person.version;
        plan.link.workSeenUntil = ctx.crmSeenUntil;
      }
    }
    await ctx.em.flush();
    return { more: due.length === PUSH_SHARE || gone.length === PUSH_SHARE };
  },

  async subscriptionResource(ctx) {
    const cursor = await cursorOf(ctx);
    return cursor.containerId
      ? `users/${ctx.graph.mailboxId}/contactFolders/${cursor.containerId}/contacts`
      : undefined;
  },

  async fullResyncReset() {
    // The links stay: the new round's items are matched to them by their immutable ids.
  },
};

/**
 * A contact the delta names that no link knows: one the CRM made but whose link was lost (a crash
 * between Graph's answer and the commit) carries the person's id, and is adopted (or, when the
 * person is linked to another contact already, removed as the duplicate it is). A contact the user
 * made in the folder is left alone.
 */
async function adoptUnknown(ctx: SyncContext, item: OutlookContact): Promise<void> {
  const expand = `singleValueExtendedProperties($filter=id eq '${PERSON_ID_PROPERTY}')`;
  let full: OutlookContact;
  try {
    full = await ctx.graph.get<OutlookContact>(
      `${ctx.graph.base}/contacts/${encodeURIComponent(item.id)}?$expand=${encodeURIComponent(expand)}`,
    );
  } catch (error) {
    if (error instanceof GraphRequestError && error.status === 404) return;
    throw error;
  }
  const properties = (full.singleValueExtendedProperties ?? []) as { id?: string; value?: string }[];
  const personId = properties.find(
    (property) => property.id?.toLowerCase() === PERSON_ID_PROPERTY.toLowerCase(),
  )?.value;
  if (!personId) return;
  const person = await ctx.em.findOne(Person, { id: personId });
  if (!person) return;
  const existing = await ctx.em.findOne(ContactLink, { connection: ctx.connectionId, person: personId });
  if (existing && existing.outlookId !== item.id) {
    if (!existing.unlinkedAt) {
      await ctx.graph.delete(`${ctx.graph.base}/contacts/${encodeURIComponent(item.id)}`).catch((error: unknown) => {
        if (!(error instanceof GraphRequestError && error.status === 404)) throw error;
      });
    }
    return;
  }
  if (existing) return;
  ctx.em.create(ContactLink, {
    tenant: ctx.tenantId,
    connection: ctx.connectionId,
    person,
    outlookId: item.id,
    changeKey: typeof full.changeKey === 'string' ? full.changeKey : null,
    // What Outlook holds counts as agreed: CRM values that differ are pushed as CRM changes.
    synced: { ...outlookFields(full) },
    syncedVersion: 0,
  });
  await ctx.em.flush();
}

/** Persons of the user not yet (or not currently) in Outlook: the backlog health shows. */
export async function contactsPending(em: EntityManager, connectionId: string, userId: string): Promise<number> {
  const narrowed = await scopeSubqueries(em, userId);
  const row = await db(em)
    .selectFrom('person as p')
    .leftJoin('contact_link as l', (join) =>
      join.onRef('l.person_id', '=', 'p.id').on('l.connection_id', '=', connectionId),
    )
    .select((select) => select.fn.countAll<string>().as('count'))
    .where('p.owner_id', '=', userId)
    .where('p.deleted_at', 'is', null)
    .where((where) => where.and(narrowed.map((ids) => where('p.id', 'in', ids))))
    .where((where) =>
      where.or([
        where('l.id', 'is', null),
        where.and([where('l.unlinked_at', 'is', null), where('l.synced_version', '<', sql<number>`p.version`)]),
      ]),
    )
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}
