// The calendar half of the Graph sync (X6, Y4), as the 'events' resource of sync-core's run loop:
// CRM meetings, calls and visits of the connected user appear in their default calendar, and
// Outlook events with CRM contacts among the attendees become activities linked to them.
// Both directions go through event_link: it names the pair, holds the values both sides last
// agreed on (so a side's change is what differs from them, and a conflict is decided per field by
// the later change), and the change key of the last state we know (so our own writes, echoed back
// by delta, change nothing). A full resync finds every pair again by the immutable event id.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../../http/principal.ts';
import { TRASH_FILTER } from '../../../http/tenancy.ts';
import { jobServicesOf } from '../../../jobs/job-services.ts';
import { actAs } from '../../../records/acting-user.ts';
import { recordHistory } from '../../../records/history.ts';
import { RecordLink } from '../../../records/record-link.entity.ts';
import { linksOf, type RecordRef, sortedLinks } from '../../../records/record-links.ts';
import { db } from '../../../records/sql.ts';
import { trashActivity, updateActivity } from '../../activities/activities.service.ts';
import { Activity, ActivityType } from '../../activities/activity.entity.ts';
import { BusinessContact, Person } from '../../contacts/contact.entity.ts';
import { lookupEmails } from '../../contacts/lookup.service.ts';
import { User } from '../../identity/user.entity.ts';
import type { GraphRequest, MailboxGraph } from '../graph-client.ts';
import { batchItemError } from '../graph-client.ts';
import { SyncCursor } from '../graph-sync.entity.ts';
import type { SyncContext, SyncResource } from '../resource.ts';
import {
  type Attendee,
  CRM_CATEGORY,
  eventBody,
  eventFields,
  type OutlookEvent,
  SYNCED_FIELDS,
  type SyncedField,
  sameValue,
} from './calendar-mapping.ts';
import { readCalendarSyncSettings } from './calendar-settings.ts';
import { ActivitySeries, EventLink, type SyncedEventFields } from './event-link.entity.ts';
import { fetchNewAttachments, type MeetingAttachment, takeAttachments } from './meeting-attachments.ts';

/** The activity types that belong in a calendar. */
export const CALENDAR_TYPES = ['meeting', 'call', 'visit'] as const;

const DAY_MS = 86_400_000;

/**
 * The rolling window of the calendar view: 30 days back, 18 months ahead. Its start is a Monday, so
 * the window (and with it the delta round, which Graph ties to its window) moves once a week.
 */
export function eventsWindow(now: Date = new Date()): { from: Date; until: Date } {
  const back = new Date(now.getTime() - 30 * DAY_MS);
  const day = Date.UTC(back.getUTCFullYear(), back.getUTCMonth(), back.getUTCDate());
  const from = new Date(day - ((back.getUTCDay() + 6) % 7) * DAY_MS);
  const until = new Date(from);
  until.setUTCMonth(until.getUTCMonth() + 18);
  return { from, until };
}

/** Whether a delta round started for the window beginning `windowFrom` should give way to a new one. */
export const eventsWindowMoved = (windowFrom: Date, now: Date = new Date()) =>
  eventsWindow(now).from.getTime() !== windowFrom.getTime();

/** Inbound changes are made by the mailbox's user, through Outlook; history names them. */
async function outlookPrincipal(ctx: SyncContext): Promise<Principal> {
  const user = await ctx.em.findOneOrFail(User, { id: ctx.userId });
  return {
    kind: 'user',
    tenantId: ctx.tenantId,
    tenantName: '',
    userId: ctx.userId,
    displayName: `Outlook (${user.displayName})`,
    email: '',
    jobTitle: null,
    objectId: '',
    roles: new Set(['sales_rep']),
    language: user.language,
    // The sync touches only the user's own activities (owned or created by them).
    visibility: async () => ({ scope: 'owners', ownerIds: [ctx.userId] }),
  };
}

/** Links of trashed activities too (MikroORM would otherwise apply the activity's trash filter through the relation). */
const WITH_TRASHED = { filters: { [TRASH_FILTER]: false } };

const isRemoved = (item: OutlookEvent) => item['@removed'] !== undefined || item.isCancelled === true;

const activityFields = (activity: Activity): SyncedEventFields => ({
  subject: activity.subject,
  description: activity.description ?? null,
  startsAt: activity.startsAt.toISOString(),
  durationMinutes: activity.durationMinutes ?? null,
  location: activity.location ?? null,
  allDay: activity.allDay,
});

async function activitiesById(em: EntityManager, ids: string[]): Promise<Map<string, Activity>> {
  if (ids.length === 0) return new Map();
  const rows = await em.find(Activity, { id: { $in: ids } }, { ...WITH_TRASHED, populate: ['type'] });
  return new Map(rows.map((row) => [row.id, row]));
}

// ---- inbound ---------------------------------------------------------------------------------

/** The persons (and their organisations) among an event's attendees, by the CRM's email lookup. */
function attendeeLinks(event: OutlookEvent, byEmail: Map<string, RecordRef[]>): RecordRef[] {
  const links = new Map<string, RecordRef>();
  for (const attendee of event.attendees ?? []) {
    const address = attendee.emailAddress?.address?.trim().toLowerCase();
    for (const link of (address && byEmail.get(address)) || []) links.set(`${link.type}:${link.id}`, link);
  }
  return [...links.values()];
}

async function lookupAttendees(em: EntityManager, events: OutlookEvent[]): Promise<Map<string, RecordRef[]>> {
  const addresses = events.flatMap((event) =>
    (event.attendees ?? []).map((attendee) => attendee.emailAddress?.address ?? '').filter(Boolean),
  );
  const byEmail = new Map<string, RecordRef[]>();
  if (addresses.length === 0) return byEmail;
  for (const item of await lookupEmails(em, addresses)) {
    const links: RecordRef[] = [
      ...item.persons.map((person) => ({ type: 'person', id: person.id })),
      ...item.businessContacts.flatMap((contact) => [
        { type: 'person', id: contact.personId },
        { type: 'organization', id: contact.organizationId },
      ]),
    ];
    if (links.length > 0) byEmail.set(item.email, links);
  }
  return byEmail;
}

/** The series of an occurrence: found, or made once per page (`made` remembers those not yet flushed). */
async function seriesFor(
  ctx: SyncContext,
  event: OutlookEvent,
  subject: string,
  made: Map<string, ActivitySeries>,
): Promise<ActivitySeries | null> {
  if (!event.seriesMasterId) return null;
  const known =
    made.get(event.seriesMasterId) ??
    (await ctx.em.findOne(ActivitySeries, { connection: ctx.connectionId, seriesMasterId: event.seriesMasterId }));
  if (known) return known;
  const series = ctx.em.create(ActivitySeries, {
    tenant: ctx.tenantId,
    connection: ctx.connectionId,
    seriesMasterId: event.seriesMasterId,
    subject,
  });
  made.set(event.seriesMasterId, series);
  return series;
}

async function applyRemoval(ctx: SyncContext, principal: Principal, link: EventLink, activity: Activity | undefined) {
  const window = eventsWindow();
  // Graph also reports an event leaving the window as removed: that ends the pairing, not the activity.
  const inWindow = activity && activity.startsAt >= window.from && activity.startsAt < window.until;
  if (activity && !activity.deletedAt && inWindow && isMine(ctx, activity)) {
    await trashActivity(ctx.em, principal, activity.id, undefined);
  }
  ctx.em.remove(link);
}

/**
 * An Outlook change to a paired event, field by field against the values both sides last agreed
 * on: a field only Outlook changed is taken; a field both changed goes to the later change, and
 * Outlook's losing value is written to the activity's history so that it is not lost.
 */
async function applyUpdate(
  ctx: SyncContext,
  principal: Principal,
  link: EventLink,
  activity: Activity,
  event: OutlookEvent,
  attendees: RecordRef[],
  timeZone: string,
) {
  if (link.changeKey !== undefined && link.changeKey !== null && link.changeKey === event.changeKey) return; // our echo
  const outlook = eventFields(event, principal.language, timeZone);
  const crm = activityFields(activity);
  const synced = link.synced;
  const outlookChangedAt = event.lastModifiedDateTime ? new Date(event.lastModifiedDateTime).getTime() : Date.now();
  const patch: Record<string, unknown> = {};
  const lost: { field: SyncedField; outlook: unknown; crm: unknown }[] = [];
  const agreed: Record<string, unknown> = { ...synced };
  for (const field of SYNCED_FIELDS) {
    const outlookChanged = !sameValue(field, outlook, synced);
    const crmChanged = !sameValue(field, crm, synced);
    if (!outlookChanged) continue;
    if (sameValue(field, outlook, crm)) {
      agreed[field] = outlook[field];
    } else if (!crmChanged || outlookChangedAt >= activity.updatedAt.getTime()) {
      patch[field] = outlook[field];
      agreed[field] = outlook[field];
    } else {
      lost.push({ field, outlook: outlook[field], crm: crm[field] });
    }
  }
  link.changeKey = event.changeKey ?? null;
  link.synced = agreed as unknown as SyncedEventFields;
  // A CRM contact invited in Outlook is linked too; links are only added (the CRM may link more).
  const current = (await linksOf(ctx.em, 'activity', [activity.id])).get(activity.id) ?? [];
  const invited = attendees.filter(
    (attendee) => !current.some((known) => known.type === attendee.type && known.id === attendee.id),
  );
  if (invited.length > 0) patch.links = [...current, ...invited];
  let version = activity.version;
  if (Object.keys(patch).length > 0) {
    const change = {
      ...(patch as Partial<SyncedEventFields>),
      description: patch.description as string | null | undefined,
      location: patch.location as string | null | undefined,
      links: patch.links as RecordRef[] | undefined,
      outcome: undefined,
    };
    const updated = await updateActivity(ctx.em, principal, activity.id, change, undefined);
    version = updated.version;
  }
  for (const conflict of lost) {
    recordHistory(ctx.em, principal, {
      type: 'activity',
      id: activity.id,
      action: 'update',
      before: { [conflict.field]: conflict.outlook },
      after: { [conflict.field]: conflict.crm },
    });
  }
  // In step with Outlook unless the CRM holds a change Outlook has not seen: pushPending sends it.
  const crmAhead = activity.version !== link.syncedVersion || lost.length > 0;
  if (!crmAhead) link.syncedVersion = version;
}

/**
 * A new activity for an Outlook event, staged in the unit of work with its record links, its
 * history entry and its pair: a page of new events is one flush, not a round of statements each
 * (an initial sync brings thousands). The history entry has the fields of the activities module's.
 */
async function applyCreate(
  ctx: SyncContext,
  principal: Principal,
  event: OutlookEvent,
  links: RecordRef[],
  meetingTypeId: string,
  madeSeries: Map<string, ActivitySeries>,
  timeZone: string,
) {
  const fields = eventFields(event, principal.language, timeZone);
  const activity = ctx.em.create(Activity, {
    tenant: ctx.tenantId,
    type: meetingTypeId,
    subject: fields.subject,
    description: fields.description,
    startsAt: new Date(fields.startsAt),
    durationMinutes: fields.durationMinutes,
    location: fields.location ?? null,
    allDay: fields.allDay ?? false,
    done: false,
    outcome: null,
    direction: null,
    ownerId: ctx.userId,
    createdBy: ctx.userId,
    updatedBy: ctx.userId,
  });
  for (const link of links) {
    ctx.em.create(RecordLink, {
      tenant: ctx.tenantId,
      itemType: 'activity',
      itemId: activity.id,
      recordType: link.type,
      recordId: link.id,
    });
  }
  recordHistory(ctx.em, principal, {
    type: 'activity',
    id: activity.id,
    action: 'create',
    after: {
      typeId: meetingTypeId,
      subject: fields.subject,
      description: fields.description,
      links: sortedLinks(links),
      startsAt: fields.startsAt,
      durationMinutes: fields.durationMinutes,
      ...(fields.location ? { location: fields.location } : {}),
      ...(fields.allDay ? { allDay: true } : {}),
      done: false,
      outcome: null,
      direction: null,
      ownerId: ctx.userId,
    },
  });
  const series = await seriesFor(ctx, event, fields.subject, madeSeries);
  ctx.em.create(EventLink, {
    tenant: ctx.tenantId,
    connection: ctx.connectionId,
    activity,
    series,
    outlookEventId: event.id,
    seriesMasterId: event.seriesMasterId ?? null,
    occurrenceStart: event.originalStart ? new Date(event.originalStart) : null,
    changeKey: event.changeKey ?? null,
    synced: fields,
    syncedVersion: 1,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Events we created whose link was never committed (the run died between Graph's answer and the
 * commit): their transactionId names the activity, so they are paired again instead of becoming
 * a second activity. Adds the new links to `linkByEvent`; they count as unchanged on both sides,
 * and a difference goes out with the next push.
 */
async function adoptOwnEvents(
  ctx: SyncContext,
  events: OutlookEvent[],
  linkByEvent: Map<string, EventLink>,
  timeZone: string,
) {
  const orphans = events.filter(
    (event) => !linkByEvent.has(event.id) && !isRemoved(event) && UUID.test(event.transactionId ?? ''),
  );
  if (orphans.length === 0) return;
  const ids = orphans.map((event) => event.transactionId as string);
  const activities = await activitiesById(ctx.em, ids);
  const paired = await ctx.em.find(
    EventLink,
    { connection: ctx.connectionId, activity: { $in: [...activities.keys()] } },
    WITH_TRASHED,
  );
  const taken = new Set(paired.map((link) => link.activity.id));
  for (const event of orphans) {
    const activity = activities.get(event.transactionId as string);
    if (!activity || taken.has(activity.id)) continue;
    taken.add(activity.id);
    const outlook = eventFields(event, 'de', timeZone);
    const crm = activityFields(activity);
    const same = SYNCED_FIELDS.every((field) => sameValue(field, outlook, crm));
    const link = ctx.em.create(EventLink, {
      tenant: ctx.tenantId,
      connection: ctx.connectionId,
      activity: activity.id,
      series: null,
      outlookEventId: event.id,
      seriesMasterId: null,
      occurrenceStart: null,
      changeKey: event.changeKey ?? null,
      synced: same ? crm : outlook,
      // Not in step (or in the trash meanwhile): the next push sends the activity as it is now.
      syncedVersion: same && !activity.deletedAt ? activity.version : -1,
    });
    linkByEvent.set(event.id, link);
  }
}

/** A page's new meeting attachments by event id, fetched before the page's transaction opens. */
type PreparedAttachments = Map<string, MeetingAttachment[]>;

/**
 * The page's events with attachments that are or will be paired with an activity, and the
 * attachments each has already given (an event delta brings again unchanged has nothing new).
 */
async function attachmentsToLookAt(ctx: SyncContext, events: OutlookEvent[]): Promise<Map<string, Set<string>>> {
  const links = await ctx.em.find(
    EventLink,
    { connection: ctx.connectionId, outlookEventId: { $in: events.map((event) => event.id) } },
    WITH_TRASHED,
  );
  const linkByEvent = new Map(links.map((link) => [link.outlookEventId, link]));
  const settings = await readCalendarSyncSettings(ctx.em, ctx.userId);
  const byEmail = await lookupAttendees(ctx.em, events);
  const wanted = new Map<string, Set<string>>();
  for (const event of events) {
    const link = linkByEvent.get(event.id);
    if (link) {
      if (link.changeKey !== event.changeKey || link.attachmentIds === null || link.attachmentIds === undefined) {
        wanted.set(event.id, new Set(link.attachmentIds ?? []));
      }
      continue;
    }
    const adopted = UUID.test(event.transactionId ?? '');
    const taken = !settings.crmCategoryOnly || (event.categories ?? []).includes(CRM_CATEGORY);
    if (adopted || (taken && attendeeLinks(event, byEmail).length > 0)) wanted.set(event.id, new Set());
  }
  return wanted;
}

async function preparePage(
  items: unknown[],
  graph: MailboxGraph,
  read: <T>(work: (ctx: SyncContext) => Promise<T>) => Promise<T>,
): Promise<PreparedAttachments | undefined> {
  const events = (items as OutlookEvent[]).filter(
    (item) => item?.id && item.type !== 'seriesMaster' && item.hasAttachments === true && !isRemoved(item),
  );
  if (events.length === 0) return undefined;
  const { wanted, maxBytes } = await read(async (ctx) => ({
    wanted: await attachmentsToLookAt(ctx, events),
    maxBytes: jobServicesOf(ctx.em).config.documentMaxBytes,
  }));
  return wanted.size > 0 ? fetchNewAttachments(graph, wanted, maxBytes) : undefined;
}

/** The prepared attachments into the documents of the events' activities (flushed: new activities exist). */
async function applyAttachments(ctx: SyncContext, principal: Principal, prepared: PreparedAttachments) {
  const links = await ctx.em.find(
    EventLink,
    { connection: ctx.connectionId, outlookEventId: { $in: [...prepared.keys()] } },
    WITH_TRASHED,
  );
  const activities = await activitiesById(
    ctx.em,
    links.map((link) => link.activity.id),
  );
  for (const link of links) {
    const activity = activities.get(link.activity.id);
    if (!activity || activity.deletedAt || !isMine(ctx, activity)) continue;
    await takeAttachments(ctx, principal, link, prepared.get(link.outlookEventId) ?? []);
  }
  await ctx.em.flush();
}

async function applyPage(ctx: SyncContext, items: unknown[], prepared?: PreparedAttachments): Promise<void> {
  const events = (items as OutlookEvent[]).filter((item) => item?.id && item.type !== 'seriesMaster');
  if (events.length === 0) return;
  await actAs(
    ctx.userId,
    async () => {
      const { em } = ctx;
      const principal = await outlookPrincipal(ctx);
      const links = await em.find(
        EventLink,
        { connection: ctx.connectionId, outlookEventId: { $in: events.map((event) => event.id) } },
        WITH_TRASHED,
      );
      const linkByEvent = new Map(links.map((link) => [link.outlookEventId, link]));
      const settings = await readCalendarSyncSettings(em, ctx.userId);
      await adoptOwnEvents(ctx, events, linkByEvent, settings.timeZone);
      const activities = await activitiesById(
        em,
        links.map((link) => link.activity.id),
      );
      const fresh = events.filter(
        (event) =>
          !linkByEvent.has(event.id) &&
          !isRemoved(event) &&
          (!settings.crmCategoryOnly || (event.categories ?? []).includes(CRM_CATEGORY)),
      );
      const byEmail = await lookupAttendees(
        em,
        events.filter((event) => !isRemoved(event)),
      );
      const meetingType = fresh.length > 0 ? await em.findOne(ActivityType, { systemKey: 'meeting' }) : null;
      const madeSeries = new Map<string, ActivitySeries>();
      // The latest state of an event counts (a page may hold an id twice when replayed).
      const latest = new Map(events.map((event) => [event.id, event]));
      for (const event of latest.values()) {
        const link = linkByEvent.get(event.id);
        if (link) {
          const activity = activities.get(link.activity.id);
          if (isRemoved(event)) await applyRemoval(ctx, principal, link, activity);
          // An activity handed to a colleague leaves this calendar with the next push.
          else if (activity && !activity.deletedAt && isMine(ctx, activity)) {
            await applyUpdate(ctx, principal, link, activity, event, attendeeLinks(event, byEmail), settings.timeZone);
          }
          continue;
        }
        if (!fresh.includes(event) || !meetingType) continue;
        const attendees = attendeeLinks(event, byEmail);
        if (attendees.length === 0) continue;
        await applyCreate(ctx, principal, event, attendees, meetingType.id, madeSeries, settings.timeZone);
      }
      await em.flush();
      if (prepared && prepared.size > 0) await applyAttachments(ctx, principal, prepared);
    },
    { via: 'outlook' },
  );
}

// ---- outbound --------------------------------------------------------------------------------

interface Pending {
  activity: Activity;
  link: EventLink | null;
}

/** Activities of the user's calendar that Outlook has not seen in their current version. */
async function pendingActivities(ctx: SyncContext): Promise<Pending[]> {
  const window = eventsWindow();
  // Two statements rather than one OR over every activity of the tenant: the pairs whose activity
  // changed since (the connection's links), then the user's calendar activities in the window
  // without a pair.
  const changed = await db(ctx.em)
    .selectFrom('event_link as l')
    .innerJoin('activity as a', 'a.id', 'l.activity_id')
    .select(['a.id as activityId', 'l.id as linkId'])
    .where('l.connection_id', '=', ctx.connectionId)
    .whereRef('l.synced_version', '<>', 'a.version')
    .limit(PUSH_SHARE)
    .execute();
  const fresh =
    changed.length >= PUSH_SHARE
      ? []
      : await db(ctx.em)
          .selectFrom('activity as a')
          .innerJoin('activity_type as t', 't.id', 'a.type_id')
          .select(['a.id as activityId'])
          .where('a.deleted_at', 'is', null)
          .where('t.system_key', 'in', [...CALENDAR_TYPES])
          .where((eb) =>
            eb.or([
              eb('a.owner_id', '=', ctx.userId),
              eb.and([eb('a.owner_id', 'is', null), eb('a.created_by', '=', ctx.userId)]),
            ]),
          )
          .where('a.starts_at', '>=', window.from)
          .where('a.starts_at', '<', window.until)
          // NOT IN over the connection's links: one hashed scan of them, whatever the statistics say
          // (a fresh table's estimate of one row made the planner probe every link per activity).
          .where(({ eb, selectFrom }) =>
            eb(
              'a.id',
              'not in',
              selectFrom('event_link as l').select('l.activity_id').where('l.connection_id', '=', ctx.connectionId),
            ),
          )
          .orderBy('a.starts_at')
          .limit(PUSH_SHARE - changed.length)
          .execute();
  const rows = [...changed, ...fresh.map((row) => ({ activityId: row.activityId, linkId: null as string | null }))];
  if (rows.length === 0) return [];
  const activities = await activitiesById(
    ctx.em,
    rows.map((row) => row.activityId),
  );
  const linkIds = rows.map((row) => row.linkId).filter((id): id is string => id !== null);
  const links = linkIds.length > 0 ? await ctx.em.find(EventLink, { id: { $in: linkIds } }, WITH_TRASHED) : [];
  const linkById = new Map(links.map((link) => [link.id, link]));
  return rows.flatMap((row) => {
    const activity = activities.get(row.activityId);
    return activity ? [{ activity, link: row.linkId ? (linkById.get(row.linkId) ?? null) : null }] : [];
  });
}

/** Owned by the user, or created by them and owned by nobody. */
const isMine = (ctx: SyncContext, activity: Activity) =>
  activity.ownerId === ctx.userId || (!activity.ownerId && activity.createdBy === ctx.userId);

/** Whether the activity belongs in the user's calendar at all (after a type or owner change, or in the trash, not). */
function inCalendar(ctx: SyncContext, activity: Activity): boolean {
  const key = activity.type.systemKey;
  return (
    !activity.deletedAt &&
    key !== null &&
    key !== undefined &&
    CALENDAR_TYPES.includes(key as never) &&
    isMine(ctx, activity)
  );
}

/** The linked persons' (and business contacts') addresses, as the events' attendees. */
async function attendeesOf(em: EntityManager, activityIds: string[]): Promise<Map<string, Attendee[]>> {
  const result = new Map<string, Attendee[]>();
  if (activityIds.length === 0) return result;
  const links = await em.find(RecordLink, {
    itemType: 'activity',
    itemId: { $in: activityIds },
    recordType: { $in: ['person', 'business_contact'] },
  });
  const personIds = links.filter((link) => link.recordType === 'person').map((link) => link.recordId);
  const contactIds = links.filter((link) => link.recordType === 'business_contact').map((link) => link.recordId);
  const persons = personIds.length > 0 ? await em.find(Person, { id: { $in: personIds } }) : [];
  const contacts =
    contactIds.length > 0 ? await em.find(BusinessContact, { id: { $in: contactIds } }, { populate: ['person'] }) : [];
  const byRecord = new Map<string, Attendee>();
  for (const person of persons) {
    const address = person.emails[0]?.address;
    if (address)
      byRecord.set(person.id, { address, name: [person.firstName, person.lastName].filter(Boolean).join(' ') });
  }
  for (const contact of contacts) {
    if (contact.email) {
      const person = contact.person as unknown as Person | undefined;
      byRecord.set(contact.id, {
        address: contact.email,
        name: person ? [person.firstName, person.lastName].filter(Boolean).join(' ') : contact.email,
      });
    }
  }
  for (const link of links) {
    const attendee = byRecord.get(link.recordId);
    if (!attendee) continue;
    const list = result.get(link.itemId) ?? [];
    if (!list.some((known) => known.address.toLowerCase() === attendee.address.toLowerCase())) list.push(attendee);
    result.set(link.itemId, list);
  }
  return result;
}

/** Activities pushed per transaction: the run commits a share and asks for the next. */
const PUSH_SHARE = 400;

/** Pushes a share of the pending activities; answers whether more may wait. */
async function pushPending(ctx: SyncContext): Promise<boolean> {
  return actAs(ctx.userId, async () => {
    const { em, graph } = ctx;
    const pending = await pendingActivities(ctx);
    if (pending.length === 0) return false;
    const settings = await readCalendarSyncSettings(em, ctx.userId);
    const attendees = await attendeesOf(
      em,
      pending.map((item) => item.activity.id),
    );
    const requests: GraphRequest[] = [];
    const work = new Map<string, Pending & { fields: SyncedEventFields | null }>();
    for (const item of pending) {
      const id = String(requests.length + 1);
      const { activity, link } = item;
      const eventUrl = link ? `${graph.base}/events/${encodeURIComponent(link.outlookEventId)}` : null;
      if (!inCalendar(ctx, activity)) {
        if (!eventUrl) continue;
        requests.push({ id, method: 'DELETE', url: eventUrl });
        work.set(id, { ...item, fields: null });
        continue;
      }
      const fields = activityFields(activity);
      const body = eventBody(fields, {
        timeZone: settings.timeZone,
        attendees: attendees.get(activity.id),
        occurrence: link?.seriesMasterId !== null && link?.seriesMasterId !== undefined,
      });
      // If-Match: an Outlook change we have not read yet answers 412 and stays pending; the next
      // delta merges it field by field, and the merged activity goes out afterwards.
      const ifMatch: Record<string, string> = link?.changeKey ? { 'If-Match': `W/"${link.changeKey}"` } : {};
      requests.push(
        eventUrl
          ? { id, method: 'PATCH', url: eventUrl, body, headers: ifMatch }
          : { id, method: 'POST', url: `${graph.base}/calendar/events`, body: { ...body, transactionId: activity.id } },
      );
      work.set(id, { ...item, fields });
    }
    if (requests.length === 0) return false;
    const answers = await graph.batch(requests);
    for (const answer of answers) {
      const item = work.get(answer.id);
      if (!item) continue;
      const { activity, link, fields } = item;
      const gone = answer.status === 404;
      if (fields === null || (gone && link)) {
        // Deleted here or in Outlook: the pair ends (a still-current activity is sent again as new).
        if (link && (answer.status < 300 || gone)) em.remove(link);
        continue;
      }
      // Access lost shows in sync health (the run stops); anything else stays pending for the next run.
      if (answer.status === 401 || answer.status === 403) throw batchItemError(answer);
      if (answer.status >= 300) continue;
      const event = answer.body as OutlookEvent;
      if (link) {
        link.changeKey = event.changeKey ?? null;
        link.synced = fields;
        link.syncedVersion = activity.version;
      } else {
        em.create(EventLink, {
          tenant: ctx.tenantId,
          connection: ctx.connectionId,
          activity: activity.id,
          series: null,
          outlookEventId: event.id,
          seriesMasterId: null,
          occurrenceStart: null,
          changeKey: event.changeKey ?? null,
          synced: fields,
          syncedVersion: activity.version,
        });
      }
    }
    await em.flush();
    // A full share with nothing accepted (Graph refusing each) waits for the next run, not a loop.
    return pending.length === PUSH_SHARE && answers.some((answer) => answer.status < 300 || answer.status === 404);
  });
}

const eventsCursor = (ctx: SyncContext) =>
  ctx.em.findOne(SyncCursor, { connection: ctx.connectionId, resource: 'events' });

/**
 * A finished round whose window lies behind (a week has passed) gives way to a new round over the
 * current window: Graph ties a delta round to its window, so rolling forward is a new delta. The
 * links carry over; the new round finds every pair again.
 */
async function rollWindow(ctx: SyncContext): Promise<void> {
  const cursor = await eventsCursor(ctx);
  if (!cursor?.deltaLink || cursor.nextLink || !cursor.windowStart) return;
  if (!eventsWindowMoved(cursor.windowStart)) return;
  cursor.deltaLink = null;
  cursor.fullSyncStartedAt = null;
  await ctx.em.flush();
}

export const calendarResource: SyncResource = {
  name: 'events',
  async deltaUrl(ctx) {
    const { from, until } = eventsWindow();
    const cursor = await eventsCursor(ctx);
    if (cursor) {
      cursor.windowStart = from;
      cursor.windowEnd = until;
    }
    return `${ctx.graph.base}/calendarView/delta?startDateTime=${from.toISOString()}&endDateTime=${until.toISOString()}`;
  },
  preparePage,
  applyPage: (ctx, items, prepared) => applyPage(ctx, items, prepared as PreparedAttachments | undefined),
  async pushPending(ctx) {
    const more = await pushPending(ctx);
    if (!more) await rollWindow(ctx);
    return { more };
  },
  // Changes of the default calendar's events (occurrences included) start a run.
  async subscriptionResource(ctx) {
    return `users/${ctx.graph.mailboxId}/events`;
  },
  // Nothing to forget: the links stay, and the new round finds every pair again by its immutable id.
  async fullResyncReset() {},
};
