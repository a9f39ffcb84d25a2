// The filter builder (V5): groups of conditions, each group joined by "all" or "any", the groups
// joined the same way; each condition a field, an operator that suits the field's type, a value.
import { Button, Input, makeStyles, Select, Text, tokens } from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import {
  type BuilderOp,
  type Draft,
  type DraftCondition,
  type DraftGroup,
  needsValue,
  newCondition,
  nextId,
  OPS_BY_TYPE,
} from '../filter-draft.ts';
import type { FilterFieldChoice } from '../list-columns.tsx';

const useStyles = makeStyles({
  builder: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  group: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    margin: 0,
    padding: tokens.spacingHorizontalM,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  legend: { padding: `0 ${tokens.spacingHorizontalXS}`, fontWeight: tokens.fontWeightSemibold },
  line: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  field: { minWidth: '150px', flexGrow: 1, maxWidth: '240px' },
  value: { minWidth: '120px', flexGrow: 1, maxWidth: '220px' },
});

interface Props {
  draft: Draft;
  fields: readonly FilterFieldChoice[];
  tags: readonly { id: string; name: string }[];
  onChange(draft: Draft): void;
}

export function FilterBuilder({ draft, fields, tags, onChange }: Props) {
  const { t } = useTranslation();
  const styles = useStyles();
  const first = fields[0];
  const fieldLabel = (field: FilterFieldChoice) => field.label ?? t(`columns.${field.key}`);

  const setGroup = (group: DraftGroup) =>
    onChange({ ...draft, groups: draft.groups.map((candidate) => (candidate.id === group.id ? group : candidate)) });
  const setCondition = (group: DraftGroup, condition: DraftCondition) =>
    setGroup({
      ...group,
      conditions: group.conditions.map((candidate) => (candidate.id === condition.id ? condition : candidate)),
    });
  const addGroup = () => {
    if (!first) return;
    onChange({ ...draft, groups: [...draft.groups, { id: nextId(), join: 'and', conditions: [newCondition(first)] }] });
  };

  return (
    <div className={styles.builder}>
      {draft.groups.length > 1 && (
        <div className={styles.line}>
          <Select
            aria-label={t('filter.groupsJoin')}
            value={draft.join}
            onChange={(_, data) => onChange({ ...draft, join: data.value as 'and' | 'or' })}
          >
            <option value="and">{t('filter.allGroups')}</option>
            <option value="or">{t('filter.anyGroup')}</option>
          </Select>
        </div>
      )}
      {draft.groups.map((group, groupIndex) => {
        const groupName = t('filter.group', { n: groupIndex + 1 });
        return (
          <fieldset key={group.id} className={styles.group}>
            <legend className={styles.legend}>{groupName}</legend>
            <div className={styles.line}>
              <Select
                aria-label={t('filter.conditionsJoin', { group: groupName })}
                value={group.join}
                onChange={(_, data) => setGroup({ ...group, join: data.value as 'and' | 'or' })}
              >
                <option value="and">{t('filter.allConditions')}</option>
                <option value="or">{t('filter.anyCondition')}</option>
              </Select>
            </div>
            {group.conditions.map((condition, index) => {
              const field = fields.find((candidate) => candidate.key === condition.field) ?? first;
              if (!field) return null;
              const n = index + 1;
              const valueLabel = t('filter.value', { n });
              const inputType =
                field.type === 'number'
                  ? 'number'
                  : field.type === 'date' || field.type === 'datetime'
                    ? 'date'
                    : 'text';
              const valueInput = (value: string, label: string, set: (value: string) => void) =>
                field.type === 'tags' ? (
                  <Select aria-label={label} value={value} onChange={(_, data) => set(data.value)}>
                    <option value="">{t('filter.chooseTag')}</option>
                    {tags.map((tag) => (
                      <option key={tag.id} value={tag.id}>
                        {tag.name}
                      </option>
                    ))}
                  </Select>
                ) : field.type === 'boolean' ? (
                  <Select aria-label={label} value={value} onChange={(_, data) => set(data.value)}>
                    <option value="true">{t('filter.yes')}</option>
                    <option value="false">{t('filter.no')}</option>
                  </Select>
                ) : field.options && condition.op !== 'in' ? (
                  <Select aria-label={label} value={value} onChange={(_, data) => set(data.value)}>
                    <option value="">{t('filter.chooseValue')}</option>
                    {field.options.map((option) => (
                      <option key={option.value} value={option.value}>
                        {option.label ?? t(`values.${option.value}`, { defaultValue: option.value })}
                      </option>
                    ))}
                  </Select>
                ) : (
                  <Input
                    className={styles.value}
                    aria-label={label}
                    type={inputType}
                    value={value}
                    placeholder={condition.op === 'in' ? t('filter.listHint') : undefined}
                    onChange={(_, data) => set(data.value)}
                  />
                );
              return (
                <div key={condition.id} className={styles.line}>
                  <Select
                    className={styles.field}
                    aria-label={t('filter.field', { n })}
                    value={field.key}
                    onChange={(_, data) => {
                      const chosen = fields.find((candidate) => candidate.key === data.value);
                      if (chosen) setCondition(group, { ...newCondition(chosen), id: condition.id });
                    }}
                  >
                    {fields.map((choice) => (
                      <option key={choice.key} value={choice.key}>
                        {fieldLabel(choice)}
                      </option>
                    ))}
                  </Select>
                  <Select
                    aria-label={t('filter.operator', { n })}
                    value={condition.op}
                    onChange={(_, data) => setCondition(group, { ...condition, op: data.value as BuilderOp })}
                  >
                    {OPS_BY_TYPE[field.type].map((op) => (
                      <option key={op} value={op}>
                        {t(`filter.ops.${field.type === 'date' || field.type === 'datetime' ? `${op}Date` : op}`, {
                          defaultValue: t(`filter.ops.${op}`),
                        })}
                      </option>
                    ))}
                  </Select>
                  {needsValue(condition.op) &&
                    valueInput(condition.value, valueLabel, (value) => setCondition(group, { ...condition, value }))}
                  {condition.op === 'between' && (
                    <>
                      <Text>{t('filter.and')}</Text>
                      {valueInput(condition.value2, t('filter.valueTo', { n }), (value2) =>
                        setCondition(group, { ...condition, value2 }),
                      )}
                    </>
                  )}
                  <Button
                    appearance="subtle"
                    aria-label={t('filter.removeCondition', { n, group: groupName })}
                    onClick={() => {
                      const conditions = group.conditions.filter((candidate) => candidate.id !== condition.id);
                      if (conditions.length === 0)
                        onChange({ ...draft, groups: draft.groups.filter((candidate) => candidate.id !== group.id) });
                      else setGroup({ ...group, conditions });
                    }}
                  >
                    ✕
                  </Button>
                </div>
              );
            })}
            <div className={styles.line}>
              <Button
                size="small"
                onClick={() => first && setGroup({ ...group, conditions: [...group.conditions, newCondition(first)] })}
              >
                {t('filter.addCondition')}
              </Button>
            </div>
          </fieldset>
        );
      })}
      <div className={styles.line}>
        <Button size="small" onClick={addGroup}>
          {draft.groups.length === 0 ? t('filter.addFirst') : t('filter.addGroup')}
        </Button>
      </div>
    </div>
  );
}
