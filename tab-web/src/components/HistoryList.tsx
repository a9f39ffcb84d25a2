// A record's newest changes as a reader tells them: who (by name), when (in their locale), which
// field, and its value before and after — money with its currency, states translated, stages,
// owners and lost reasons by name (the API sends their names beside the ids), and a custom field by
// its label with its values as its type reads (the API sends the changed fields' definitions).

import type { HistoryItem } from '@crm/backend/contract';
import { makeStyles, Text, tokens } from '@fluentui/react-components';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

type Item = Record<string, unknown>;

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

const MONEY_FIELDS = new Set(['value', 'amount']);
const TRANSLATED_FIELDS = new Set(['status', 'priority', 'kind', 'direction', 'type']);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A relation as its history entry keeps it: its name from this side, and the other record. */
function relationOf(value: unknown): { relation: string; to: { type: string; id: string } } | null {
  if (!value || typeof value !== 'object') return null;
  const { relation, to } = value as { relation?: unknown; to?: { type?: unknown; id?: unknown } };
  return typeof relation === 'string' && typeof to?.type === 'string' && typeof to.id === 'string'
    ? { relation, to: { type: to.type, id: to.id } }
    : null;
}

/** One value of a field as a reader of `language` reads it; `—` for none. */
export function historyValue(
  field: string,
  value: unknown,
  context: { names: Record<string, string>; currency: string | null; language: string; t: TFunction },
): string {
  const { names, currency, language, t } = context;
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') {
    if (names[value]) return names[value];
    if (MONEY_FIELDS.has(field) && currency && /^-?\d+(\.\d+)?$/.test(value)) {
      return new Intl.NumberFormat(language, { style: 'currency', currency }).format(Number(value));
    }
    if (TRANSLATED_FIELDS.has(field)) return t(`values.${value}`, { defaultValue: value });
    if (DATE_ONLY.test(value)) {
      return new Date(`${value}T00:00:00`).toLocaleDateString(language, { dateStyle: 'medium' });
    }
    if (DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) {
      return new Date(value).toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
    }
    return value;
  }
  if (typeof value === 'boolean') return t(value ? 'record.yes' : 'record.no');
  if (typeof value === 'number') return new Intl.NumberFormat(language).format(value);
  const related = relationOf(value);
  if (field === 'relations' && related) {
    // The other record by its name when the API sent it, else by its kind.
    return `${related.relation} ${names[related.to.id] ?? t(`types.one.${related.to.type}`, { defaultValue: related.to.type })}`;
  }
  if (Array.isArray(value)) return value.map((each) => historyValue(field, each, context)).join(', ');
  // A thing named in the entry (a document in which version, a mail by its subject): by its name.
  const named = value as { name?: unknown; subject?: unknown; version?: unknown };
  if (typeof named.name === 'string') {
    return typeof named.version === 'number' && named.version > 1
      ? t('record.historyVersion', { name: named.name, version: named.version })
      : named.name;
  }
  if (typeof named.subject === 'string') return named.subject;
  return JSON.stringify(value);
}

type CustomFieldDefinition = HistoryItem['customFields'][string];

const objectOf = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** The custom field keys whose values differ between two `customFields` snapshots, in key order. */
export function changedCustomFields(before: unknown, after: unknown): string[] {
  const [from, to] = [objectOf(before), objectOf(after)];
  return [...new Set([...Object.keys(from), ...Object.keys(to)])]
    .filter((key) => JSON.stringify(from[key] ?? null) !== JSON.stringify(to[key] ?? null))
    .sort();
}

/** A custom field's value as a reader of `language` reads it, by the field's type; `—` for none. */
export function customFieldValue(
  definition: CustomFieldDefinition | undefined,
  value: unknown,
  context: { names: Record<string, string>; currency: string | null; language: string; t: TFunction },
): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    return '—';
  }
  if (!definition) return historyValue('', value, context);
  const { language, t } = context;
  const german = language.startsWith('de');
  switch (definition.type) {
    case 'number':
      return Number.isFinite(Number(value)) ? new Intl.NumberFormat(language).format(Number(value)) : String(value);
    case 'boolean':
      return t(value === true || value === 'true' ? 'record.yes' : 'record.no');
    case 'select': {
      // One choice, or several: each by its label in the reader's language.
      const label = (choice: unknown) => {
        const option = definition.options.find((candidate) => candidate.value === choice);
        return option ? (german ? option.labels.de : option.labels.en) : String(choice);
      };
      return Array.isArray(value) ? value.map(label).join(', ') : label(value);
    }
    case 'text':
      return typeof value === 'string' ? value : historyValue('', value, context);
    default:
      return historyValue('', value, context);
  }
}

/** The newest history entries of a record; `currency` is the record's, for its money fields. */
export function HistoryList({ entries, currency }: { entries: Item[]; currency: string | null }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const language = i18n.language;
  return (
    <ul className={styles.list}>
      {entries.map((entry, index) => {
        const field = typeof entry.field === 'string' ? entry.field : null;
        const action = typeof entry.action === 'string' ? entry.action : 'update';
        const names = (entry.names ?? {}) as Record<string, string>;
        const name = typeof entry.changedByName === 'string' ? entry.changedByName : null;
        const who = name ? (entry.via === 'outlook' ? t('record.viaOutlook', { name }) : name) : t('record.someone');
        const when = new Date(String(entry.changedAt ?? entry.at ?? '')).toLocaleString(language, {
          dateStyle: 'medium',
          timeStyle: 'short',
        });
        const what = field
          ? t(`record.historyFields.${field}`, { defaultValue: field })
          : t(`record.historyActions.${action}`, { defaultValue: action });
        const shown = (value: unknown) => historyValue(field ?? '', value, { names, currency, language, t });
        if (field === 'customFields') {
          // A line per changed custom field, by its label (its key when the field was deleted since).
          const definitions = (entry.customFields ?? {}) as Record<string, CustomFieldDefinition>;
          const [from, to] = [objectOf(entry.before), objectOf(entry.after)];
          return changedCustomFields(from, to).map((key) => {
            const definition = definitions[key];
            const label = definition ? (language.startsWith('de') ? definition.labels.de : definition.labels.en) : key;
            const value = (raw: unknown) => customFieldValue(definition, raw, { names, currency, language, t });
            return (
              <li key={`${String(entry.id)}-${key}`}>
                <Text size={200}>{t('record.historyEntry', { when, who, field: label })}</Text>
                <Text size={200} className={styles.muted}>
                  {' '}
                  {t('record.historyChange', { before: value(from[key]), after: value(to[key]) })}
                </Text>
              </li>
            );
          });
        }
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: history entries of one record never reorder
          <li key={index}>
            <Text size={200}>{t('record.historyEntry', { when, who, field: what })}</Text>
            {field ? (
              <Text size={200} className={styles.muted}>
                {' '}
                {t('record.historyChange', { before: shown(entry.before), after: shown(entry.after) })}
              </Text>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
