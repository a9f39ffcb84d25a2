// A record's newest changes as a reader tells them: who (by name), when (in their locale), which
// field, and its value before and after — money with its currency, states translated, stages,
// owners and lost reasons by name (the API sends their names beside the ids).
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
  return JSON.stringify(value);
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
