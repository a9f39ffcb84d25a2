// The API pieces deals and leads share: an amount in a currency, a lost note, custom fields, the
// tags, version and stamps that end every record's view, and the query of their lists.
import { z } from 'zod';
import { FilterQueryParam } from '../../http/filters.ts';
import { FieldSortParam, ListWindowQuerySchema } from '../../http/list-window.ts';
import { PageQuerySchema } from '../../http/pagination.ts';
import { isCurrency } from '../deals/money.ts';
import { TagViewSchema } from '../tags/tags.schemas.ts';

export const Amount = z.string({ error: 'a decimal amount as a string, e.g. "1250.00"' }).trim().meta({
  description: 'Decimal as a string, e.g. "1250.00"; at most the currency\'s decimal places',
  example: '1250.00',
});
export const Currency = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCurrency, 'an ISO 4217 currency code such as EUR, CHF or USD')
  .meta({ description: 'ISO 4217 code; the organisation default (EUR) when left out' });
export const LostNote = z
  .string()
  .trim()
  .max(2000, 'at most 2000 characters')
  .nullable()
  .transform((value) => (value === '' ? null : value));
export const CustomFields = z.record(z.string(), z.unknown()).meta({ description: 'Values of custom fields by key' });

/** The optional fields a deal's and a lead's create and change take alike. */
export const recordInput = {
  value: Amount.optional(),
  currency: Currency.optional(),
  lostNote: LostNote.optional(),
  customFields: CustomFields.optional(),
};

/** A deal's and a lead's lost reason and note, and when it was closed. */
const recordClosing = {
  lostReasonId: z.uuid().nullable(),
  lostNote: z.string().nullable(),
  closedAt: z.iso.datetime().nullable(),
};

/** The fields that end a deal's and a lead's view, in this order. */
const recordViewTail = {
  stageEnteredAt: z.iso.datetime(),
  customFields: CustomFields,
  tags: z.array(TagViewSchema),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  createdBy: z.uuid().nullable(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.uuid().nullable(),
  deletedAt: z.iso.datetime().nullable(),
};

/** The query of a list of deals or leads: its sorts (newest change first by default), filters and window. */
export function recordListQuery<const Status extends string, const Sort extends string>(
  things: string,
  statuses: readonly [Status, ...Status[]],
  sorts: readonly ['-updatedAt', ...Sort[]],
  sortDescription: string,
) {
  return PageQuerySchema.extend({
    sort: z
      .union([z.enum(sorts), FieldSortParam])
      .default('-updatedAt')
      .meta({ description: sortDescription }),
    filter: FilterQueryParam.optional(),
    savedFilterId: z
      .uuid()
      .optional()
      .meta({ description: `A saved filter of ${things}; combined with filter by AND` }),
    pipelineId: z.uuid().optional(),
    stageId: z.uuid().optional(),
    status: z.enum(statuses).optional(),
    ownerId: z.uuid().optional(),
    ...ListWindowQuerySchema.shape,
  });
}

/** The end of a deal's or a lead's view: closing, what the kind adds there, then the shared tail. */
export function recordViewEnd<const Own extends z.ZodRawShape>(own: Own) {
  return { ...recordClosing, ...own, ...recordViewTail };
}
