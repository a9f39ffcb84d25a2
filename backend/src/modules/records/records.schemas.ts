// What every record type shares in the API: its history (G3), its 360° overview and the trash (G4).
import { z } from 'zod';
import { pageOf } from '../../http/pagination.ts';
import { RECORD_TYPES } from '../../records/record-types.schemas.ts';
import { CUSTOM_FIELD_TYPES } from '../custom-fields/custom-fields.schemas.ts';

export const HistoryItemSchema = z
  .object({
    id: z.uuid(),
    changeId: z.uuid(),
    action: z.enum(['create', 'update', 'delete', 'restore', 'merge']),
    field: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    changedBy: z.uuid().nullable(),
    via: z
      .enum(['outlook'])
      .nullable()
      .meta({ description: "`outlook`: the user changed it in Outlook (shown as 'Outlook (user)')" }),
    changedAt: z.iso.datetime(),
    changedByName: z.string().nullable().meta({ description: 'display name of the user who made the change' }),
    names: z
      .record(z.string(), z.string())
      .meta({ description: 'names of the users, pipelines, stages and lost reasons `before`/`after` refer to by id' }),
    customFields: z
      .record(
        z.string(),
        z.object({
          labels: z.object({ de: z.string(), en: z.string() }),
          type: z.enum(CUSTOM_FIELD_TYPES),
          options: z.array(z.object({ value: z.string(), labels: z.object({ de: z.string(), en: z.string() }) })),
        }),
      )
      .meta({
        description:
          'for a change of `customFields`: the changed fields by key with label, type and option labels (a deleted field is missing)',
      }),
  })
  .meta({ id: 'HistoryItem' });

export const HistoryPageSchema = pageOf(HistoryItemSchema, 'HistoryPage');

export const TrashItemSchema = z
  .object({
    type: z.enum(RECORD_TYPES),
    id: z.uuid(),
    title: z.string(),
    deletedAt: z.iso.datetime(),
    deletedBy: z.uuid().nullable(),
  })
  .meta({ id: 'TrashItem' });

export const TrashPageSchema = pageOf(TrashItemSchema, 'TrashPage');

/** A record's 360° view: the record under `record`, then one member per section its modules contribute. */
export const OverviewSchema = z.record(z.string(), z.unknown()).meta({ id: 'Overview' });
