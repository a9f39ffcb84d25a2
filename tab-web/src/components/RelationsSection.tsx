// A record's relations (MRM, C4) on its 360° page: each one labelled from this side, with a link to
// the other record and a button to remove it; below them, relate the record to another by a type.
import type { Relation } from '@crm/backend/contract';
import { Button, Combobox, Dropdown, Field, makeStyles, Option, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useRelationChanges, useRelationTypes, useSearch } from '../api/queries.ts';
import { isPageType, recordPath } from '../records.ts';
import { ErrorBar } from './Feedback.tsx';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '2px' },
  item: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
  label: { color: tokens.colorNeutralForeground3 },
  form: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'end',
    gap: tokens.spacingHorizontalS,
    marginTop: tokens.spacingVerticalS,
  },
  field: { minWidth: '180px', flexGrow: 1 },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** Another record chosen by typing its name: the search's matches of every type with a page. */
function TargetPicker({
  except,
  value,
  onChange,
}: {
  except: string;
  value: { key: string; title: string } | null;
  onChange: (target: { key: string; title: string } | null) => void;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const search = useSearch(value && query === value.title ? '' : query);
  const matches = (search.data?.items ?? [])
    .filter((item) => isPageType(item.type) && `${item.type}:${item.id}` !== except)
    .map((item) => ({ ...item, key: `${item.type}:${item.id}` }));
  return (
    <Combobox
      freeform
      placeholder={t('recordPage.relations.searchTarget')}
      value={query}
      selectedOptions={value ? [value.key] : []}
      onChange={(event) => {
        setQuery(event.target.value);
        if (value && event.target.value !== value.title) onChange(null);
      }}
      onOptionSelect={(_, data) => {
        if (!data.optionValue) return;
        onChange({ key: data.optionValue, title: data.optionText ?? '' });
        setQuery(data.optionText ?? '');
      }}
    >
      {matches.map((item) => (
        <Option key={item.key} value={item.key} text={item.title}>
          {[item.title, t(`types.one.${item.type}`, { defaultValue: item.type }), item.subtitle]
            .filter(Boolean)
            .join(' · ')}
        </Option>
      ))}
    </Combobox>
  );
}

export function RelationsSection({ type, id, relations }: { type: string; id: string; relations: Relation[] }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const types = useRelationTypes();
  const { create, remove } = useRelationChanges();
  const [typeId, setTypeId] = useState<string | null>(null);
  const [target, setTarget] = useState<{ key: string; title: string } | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  // A new picker, empty, after each relation added.
  const [added, setAdded] = useState(0);
  const active = (types.data?.items ?? []).filter((relationType) => relationType.active);
  const typeName = active.find((relationType) => relationType.id === typeId)?.name ?? '';

  const add = () => {
    if (!typeId || !target) return;
    const [toType = '', toId = ''] = target.key.split(':');
    create.mutate(
      { typeId, from: { type, id }, to: { type: toType, id: toId } },
      {
        onSuccess: () => {
          setTarget(null);
          setAdded((count) => count + 1);
          setSaid(t('recordPage.relations.added'));
        },
      },
    );
  };

  return (
    <>
      {relations.length === 0 ? (
        <Text size={200} className={styles.muted}>
          {t('record.nothingYet')}
        </Text>
      ) : (
        <ul className={styles.list}>
          {relations.map((relation) => {
            const path = recordPath(relation.other.type, relation.other.id);
            return (
              <li key={relation.id} className={styles.item}>
                <Text className={styles.label}>{relation.label}</Text>
                {path ? <Link to={path}>{relation.other.title}</Link> : <Text>{relation.other.title}</Text>}
                <Button
                  size="small"
                  appearance="subtle"
                  aria-label={t('recordPage.relations.remove', {
                    label: relation.label,
                    title: relation.other.title,
                  })}
                  title={t('recordPage.relations.remove', { label: relation.label, title: relation.other.title })}
                  disabled={remove.isPending}
                  onClick={() =>
                    remove.mutate(relation, { onSuccess: () => setSaid(t('recordPage.relations.removed')) })
                  }
                >
                  <span aria-hidden="true">✕</span>
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      <form
        className={styles.form}
        aria-label={t('recordPage.relations.add')}
        onSubmit={(event) => {
          event.preventDefault();
          add();
        }}
      >
        <Field label={t('recordPage.relations.type')} className={styles.field}>
          <Dropdown
            value={typeName}
            selectedOptions={typeId ? [typeId] : []}
            onOptionSelect={(_, data) => setTypeId(data.optionValue ?? null)}
          >
            {active.map((relationType) => (
              <Option key={relationType.id} value={relationType.id}>
                {relationType.name}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label={t('recordPage.relations.target')} className={styles.field}>
          <TargetPicker key={added} except={`${type}:${id}`} value={target} onChange={setTarget} />
        </Field>
        <Button type="submit" appearance="primary" disabled={!typeId || !target || create.isPending}>
          {t('recordPage.relations.save')}
        </Button>
      </form>
      {(create.error || remove.error) && <ErrorBar error={create.error ?? remove.error} />}
      <Text role="status" size={200} className={styles.muted}>
        {said}
      </Text>
    </>
  );
}
