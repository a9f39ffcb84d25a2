// The API pieces deals and leads share: an amount in a currency, a lost note, custom fields, and
// the tags, version and stamps that end every record's view.
import { z } from 'zod';
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

/** The fields that end a deal's and a lead's view, in this order. */
export const recordViewTail = {
  customFields: CustomFields,
  tags: z.array(TagViewSchema),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  createdBy: z.uuid().nullable(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.uuid().nullable(),
  deletedAt: z.iso.datetime().nullable(),
};
