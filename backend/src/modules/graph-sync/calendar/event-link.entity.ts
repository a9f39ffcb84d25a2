// Which CRM activity is which Outlook event of a connected mailbox, and the recurring series that
// an Outlook series' occurrences belong to (Y4).
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, timestampColumns } from '../../../entity-columns.ts';
import { newId } from '../../../ids.ts';
import { Activity } from '../../activities/activity.entity.ts';
import { MailboxConnection } from '../graph-sync.entity.ts';

/** The activity fields both sides last agreed on: a side changed a field when it differs from these. */
export interface SyncedEventFields {
  subject: string;
  description: string | null;
  startsAt: string;
  durationMinutes: number | null;
  /** Absent in pairs made before locations and all-day events synced: read as none and false. */
  location?: string | null;
  allDay?: boolean;
}

/** One Outlook series (its master's immutable id); its occurrences and exceptions are activities. */
export const ActivitySeriesSchema = defineEntity({
  name: 'ActivitySeries',
  tableName: 'activity_series',
  policies: tenantIsolation(),
  uniques: [{ name: 'activity_series_master_uq', properties: ['tenant', 'connection', 'seriesMasterId'] }],
  checks: [
    { name: 'activity_series_series_master_id_check', expression: 'length(series_master_id) <= 512' },
    { name: 'activity_series_subject_check', expression: 'length(subject) <= 300' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    connection: () => p.manyToOne(MailboxConnection).fieldName('connection_id').deleteRule('cascade'),
    seriesMasterId: p.text(),
    subject: p.text(),
    ...timestampColumns(),
  },
});
export class ActivitySeries extends ActivitySeriesSchema.class {}
ActivitySeriesSchema.setClass(ActivitySeries);

export const EventLinkSchema = defineEntity({
  name: 'EventLink',
  tableName: 'event_link',
  policies: tenantIsolation(),
  uniques: [
    { name: 'event_link_event_uq', properties: ['tenant', 'connection', 'outlookEventId'] },
    { name: 'event_link_activity_uq', properties: ['tenant', 'connection', 'activity'] },
  ],
  checks: [
    { name: 'event_link_change_key_check', expression: 'length(change_key) <= 512' },
    { name: 'event_link_outlook_event_id_check', expression: 'length(outlook_event_id) <= 512' },
    { name: 'event_link_series_master_id_check', expression: 'length(series_master_id) <= 512' },
    { name: 'event_link_synced_check', expression: "jsonb_typeof(synced) = 'object'::text" },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    connection: () => p.manyToOne(MailboxConnection).fieldName('connection_id').deleteRule('cascade'),
    activity: () =>
      p.manyToOne(Activity).fieldName('activity_id').deleteRule('cascade').index('event_link_activity_idx'),
    series: () =>
      p
        .manyToOne(ActivitySeries)
        .fieldName('series_id')
        .deleteRule('set null')
        .nullable()
        .index('event_link_series_idx'),
    /** Immutable (Prefer: IdType="ImmutableId"), so a moved event keeps its link. */
    outlookEventId: p.text(),
    seriesMasterId: p.text().nullable(),
    /** An occurrence's original start: which occurrence of the series it is, even when moved. */
    occurrenceStart: p.datetime().nullable(),
    /** The change key Outlook answered for the last state we know: a delta item with it is our own echo. */
    changeKey: p.text().nullable(),
    synced: p.json<SyncedEventFields>(),
    /** The activity's version when both sides last agreed; a newer version is a CRM change to push. */
    syncedVersion: p.integer(),
    /**
     * Graph ids of the event's attachments already taken into the records' documents (or refused
     * there): each is taken once, however often delta brings the event again. Null: none looked at yet.
     */
    attachmentIds: p.json<string[]>().nullable(),
    ...timestampColumns(),
  },
});
export class EventLink extends EventLinkSchema.class {}
EventLinkSchema.setClass(EventLink);
