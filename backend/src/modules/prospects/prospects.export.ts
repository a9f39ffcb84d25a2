// The CSV export of a prospect selection: a header row in the caller's language, then the
// organizations by name in keyset batches, each batch written before the next is read, so the
// export's memory stays one batch however many organizations it holds.
import type { EntityManager } from '@mikro-orm/postgresql';
import { BOM, csvRow, decimal, SEPARATORS } from '../../http/csv.ts';
import type { CsvSink } from '../../http/csv-response.ts';
import type { Principal } from '../../http/principal.ts';
import type { CustomFieldView } from '../custom-fields/custom-fields.schemas.ts';
import { listCustomFields } from '../custom-fields/custom-fields.service.ts';
import { tagsOf } from '../tags/tags.service.ts';
import type { ExportQuery } from './prospects.schemas.ts';
import {
  getSelection,
  organizationKey,
  organizationRows,
  requireProspector,
  selectionCondition,
} from './prospects.service.ts';

const BATCH = 500;

const HEADERS = {
  de: [
    'Name',
    'Branche',
    'Mitarbeiter',
    'Umsatz',
    'Website',
    'USt-IdNr.',
    'E-Mail',
    'Telefon',
    'Straße',
    'PLZ',
    'Ort',
    'Land',
    'Tags',
  ],
  en: [
    'Name',
    'Industry',
    'Employees',
    'Revenue',
    'Website',
    'VAT ID',
    'Email',
    'Phone',
    'Street',
    'Postal code',
    'City',
    'Country',
    'Tags',
  ],
} as const;

function customCell(field: CustomFieldView, value: unknown, language: 'de' | 'en', comma: boolean): string | null {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'boolean':
      return value ? (language === 'de' ? 'Ja' : 'Yes') : language === 'de' ? 'Nein' : 'No';
    case 'number':
      return decimal(value as number, comma);
    case 'select':
      return field.options.find((option) => option.value === value)?.labels[language] ?? String(value);
    default:
      return String(value);
  }
}

const first = <T>(list: unknown): T | undefined => (Array.isArray(list) ? (list[0] as T | undefined) : undefined);

/** A file name from the selection's name: its letters and digits, dashes between. */
function fileName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  return `${base || 'selection'}.csv`;
}

/**
 * Runs the selection and writes it as CSV. Everything that can be refused (the selection, the
 * caller's role, an outdated filter) is checked before the first byte, so refusals are problems.
 */
export async function exportSelection(
  em: EntityManager,
  principal: Principal,
  id: string,
  query: ExportQuery,
  sink: CsvSink,
): Promise<void> {
  const selection = await getSelection(em, id);
  requireProspector(principal, 'export');
  const customFields = await listCustomFields(em, 'organization');
  const where = await selectionCondition(em, selection, customFields);
  const separator = SEPARATORS[query.separator];
  const comma = query.decimal ? query.decimal === 'comma' : query.separator === 'semicolon';
  const language = principal.language;
  let rows = await organizationRows(em, where, BATCH, undefined);
  sink.start(fileName(selection.name));
  const header = [...HEADERS[language], ...customFields.map((field) => field.labels[language]), 'ID'];
  if (!(await sink.write(`${query.bom ? BOM : ''}${csvRow(header, separator)}`))) return;
  while (rows.length > 0) {
    const tags = await tagsOf(
      em,
      'organization',
      rows.map((row) => String(row.id)),
    );
    let chunk = '';
    for (const row of rows) {
      const email = first<{ address: string }>(row.emails);
      const phone = first<{ number: string }>(row.phones);
      const address = first<{ street: string | null; postalCode: string | null; city: string | null; country: string }>(
        row.addresses,
      );
      const custom = (row.custom_fields ?? {}) as Record<string, unknown>;
      chunk += csvRow(
        [
          String(row.name),
          row.industry as string | null,
          row.employee_count === null || row.employee_count === undefined ? null : String(row.employee_count),
          decimal(row.revenue as string | null, comma),
          row.website as string | null,
          row.vat_id as string | null,
          email?.address,
          phone?.number,
          address?.street,
          address?.postalCode,
          address?.city,
          address?.country,
          (tags.get(String(row.id)) ?? []).map((tag) => tag.name).join(', '),
          ...customFields.map((field) => customCell(field, custom[field.key], language, comma)),
          String(row.id),
        ],
        separator,
      );
    }
    if (!(await sink.write(chunk))) return;
    const last = rows.at(-1) as Record<string, unknown>;
    rows = rows.length < BATCH ? [] : await organizationRows(em, where, BATCH, organizationKey(last));
  }
  sink.end();
}
