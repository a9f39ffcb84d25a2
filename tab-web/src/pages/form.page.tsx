// Create and edit a person, an organization, a business contact, a deal, a lead, a task, an
// activity or a note: /app/records/{type}/new and
// /app/records/{type}/{id}/edit. A problem's field errors appear at the fields they name; a likely
// duplicate (409) shows its candidates with "open it" and "save anyway"; a stale save (412) shows
// what changed meanwhile and keeps the user's edits on top of it. What is typed is kept in the
// tab's session storage until it is saved, so neither a renewed sign-in nor a detour loses it.
import type { CustomField, DuplicateCandidate } from '@crm/backend/contract';
import {
  Button,
  Checkbox,
  Combobox,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Option,
  Select,
  Spinner,
  Switch,
  Text,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, SignInRequired } from '../../../web-shared/api-client.ts';
import { useApiQuery, useSearch } from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import {
  API_PATH,
  bodyOf,
  CHECKS_DUPLICATES,
  customFormFields,
  FORM_FIELDS,
  type FormField,
  type FormType,
  fieldOfPointer,
  fieldShown,
  HAS_CUSTOM_FIELDS,
  HAS_TAGS,
  isAllDay,
  isFormType,
  switchAllDay,
  type Values,
  valuesOf,
} from '../forms.ts';
import { isPageType, recordPath, titleOf } from '../records.ts';
import { useSession } from '../session.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  fields: {
    display: 'grid',
    gap: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 280px), 1fr))',
    alignItems: 'start',
  },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  candidate: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'baseline' },
  heading: { margin: 0 },
});

type Item = Record<string, unknown>;

interface Loaded {
  record: Item | null;
  etag: string | null;
}

interface Draft {
  values: Values;
  tagIds?: string[];
  /** The values the user started from (edit): what their edits are measured against. */
  base: Values | null;
}

const draftKey = (type: string, id: string | undefined) => `crm.app.draft:${type}:${id ?? 'new'}`;

function readDraft(key: string): Draft | null {
  try {
    const stored = sessionStorage.getItem(key);
    return stored ? (JSON.parse(stored) as Draft) : null;
  } catch {
    return null;
  }
}

/** A new deal or lead from a board's column goes into that column's pipeline and stage. */
function placementOf(type: FormType, params: URLSearchParams): Item {
  if (type !== 'deal' && type !== 'lead') return {};
  const placement: Item = {};
  for (const name of ['pipelineId', 'stageId']) {
    const value = params.get(name);
    if (value) placement[name] = value;
  }
  return placement;
}

/** Person or organization chosen by typing its name: the global search's matches of that type. */
function RecordPicker({
  field,
  label,
  labelText,
  value,
  onChange,
}: {
  field: FormField;
  label: string;
  labelText: string;
  value: string;
  onChange: (id: string, label: string) => void;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState(labelText);
  useEffect(() => setQuery(labelText), [labelText]);
  const search = useSearch(query === labelText ? '' : query);
  // One type's records, or (a note's or an activity's record) any the app has a page for, as `type:id`.
  const matches = (search.data?.items ?? [])
    .filter((item) => (field.recordType ? item.type === field.recordType : isPageType(item.type)))
    .map((item) => ({ ...item, value: field.recordType ? item.id : `${item.type}:${item.id}` }));
  return (
    <Combobox
      freeform
      aria-label={label}
      placeholder={t('form.searchRecord')}
      value={query}
      selectedOptions={value ? [value] : []}
      onChange={(event) => {
        setQuery(event.target.value);
        if (event.target.value === '') onChange('', '');
      }}
      onOptionSelect={(_, data) => {
        if (!data.optionValue) return;
        onChange(data.optionValue, data.optionText ?? '');
        setQuery(data.optionText ?? '');
      }}
    >
      {matches.map((item) => (
        <Option key={item.value} value={item.value} text={item.title}>
          {[
            item.title,
            field.recordType ? null : t(`types.one.${item.type}`, { defaultValue: item.type }),
            item.subtitle,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Option>
      ))}
    </Combobox>
  );
}

interface TagRef {
  id: string;
  name: string;
}

/** The record's tags, chosen from the organisation's. */
function TagsField({
  tags,
  chosen,
  onChange,
}: {
  tags: TagRef[];
  chosen: string[];
  onChange: (ids: string[]) => void;
}) {
  const { t } = useTranslation();
  const names = tags.filter((tag) => chosen.includes(tag.id)).map((tag) => tag.name);
  return (
    <Field label={t('form.fields.tags')}>
      <Combobox
        multiselect
        value={names.join(', ')}
        selectedOptions={chosen}
        onOptionSelect={(_, data) => onChange(data.selectedOptions)}
      >
        {tags.map((tag) => (
          <Option key={tag.id} value={tag.id}>
            {tag.name}
          </Option>
        ))}
      </Combobox>
    </Field>
  );
}

interface ActivityTypeRef {
  id: string;
  name: string;
  active: boolean;
}

function FormFieldInput({
  field,
  values,
  error,
  setValue,
  editing,
  activityTypes,
  datesOnly,
}: {
  field: FormField;
  values: Values;
  error: string | undefined;
  setValue: (name: string, value: string) => void;
  /** An existing record: fields set only when it was made show as text. */
  editing: boolean;
  activityTypes: ActivityTypeRef[];
  /** An all-day activity: its start is a date, without a time. */
  datesOnly: boolean;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'de' ? 'de' : 'en';
  const label = field.custom ? field.custom.labels[language] : t(`form.fields.${field.name}`);
  const value = values[field.name] ?? '';
  const id = `field-${field.name.replace(/\W/g, '-')}`;
  const optionLabel = (option: string) =>
    option === ''
      ? t('form.none')
      : field.custom
        ? (field.custom.options.find((candidate) => candidate.value === option)?.labels[language] ?? option)
        : t(`form.options.${field.name}.${option}`, { defaultValue: option });

  // A record reference without its name at hand (`type:id`) reads as its type.
  const readOnlyText = (reference: string) =>
    reference.includes(':') ? t(`types.one.${reference.split(':')[0]}`, { defaultValue: reference }) : reference;
  if (editing && field.createOnly) {
    return (
      <Field label={label}>
        <Input id={id} value={values[`${field.name}:label`] || readOnlyText(value)} readOnly />
      </Field>
    );
  }
  if (field.kind === 'switch') {
    return (
      <Field validationState={error ? 'error' : 'none'} validationMessage={error}>
        <Switch
          id={id}
          label={label}
          checked={value === 'true'}
          onChange={(_, data) => setValue(field.name, data.checked ? 'true' : 'false')}
        />
      </Field>
    );
  }
  if (field.kind === 'datetime' && datesOnly) {
    // The day alone; kept as that day's midnight, in the user's own zone.
    return (
      <Field
        label={label}
        required={field.required}
        validationState={error ? 'error' : 'none'}
        validationMessage={error}
      >
        <Input
          id={id}
          type="date"
          value={value.slice(0, 10)}
          onChange={(_, data) => setValue(field.name, data.value ? `${data.value}T00:00` : '')}
        />
      </Field>
    );
  }
  if (field.custom?.type === 'boolean' || field.kind === 'boolean') {
    return (
      <Field validationState={error ? 'error' : 'none'} validationMessage={error}>
        <Checkbox
          id={id}
          label={label}
          checked={value === 'true'}
          onChange={(_, data) => setValue(field.name, data.checked ? 'true' : 'false')}
        />
      </Field>
    );
  }
  return (
    <Field label={label} required={field.required} validationState={error ? 'error' : 'none'} validationMessage={error}>
      {field.kind === 'select' ? (
        <Select id={id} value={value} onChange={(_, data) => setValue(field.name, data.value)}>
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {optionLabel(option)}
            </option>
          ))}
        </Select>
      ) : field.kind === 'activityType' ? (
        <Select id={id} value={value} onChange={(_, data) => setValue(field.name, data.value)}>
          <option value="">{t('form.none')}</option>
          {activityTypes
            .filter((type) => type.active || type.id === value)
            .map((type) => (
              <option key={type.id} value={type.id}>
                {type.name}
              </option>
            ))}
        </Select>
      ) : field.kind === 'longtext' ? (
        <Textarea
          id={id}
          value={value}
          resize="vertical"
          rows={field.name === 'body' ? 8 : 4}
          onChange={(_, data) => setValue(field.name, data.value)}
        />
      ) : field.kind === 'record' ? (
        <RecordPicker
          field={field}
          label={label}
          labelText={values[`${field.name}:label`] ?? ''}
          value={value}
          onChange={(picked, text) => {
            setValue(field.name, picked);
            setValue(`${field.name}:label`, text);
          }}
        />
      ) : (
        <Input
          id={id}
          value={value}
          type={
            field.kind === 'datetime'
              ? 'datetime-local'
              : field.kind === 'email' || field.kind === 'tel' || field.kind === 'url' || field.kind === 'date'
                ? field.kind
                : 'text'
          }
          inputMode={field.kind === 'number' ? 'numeric' : field.kind === 'amount' ? 'decimal' : undefined}
          onChange={(_, data) => setValue(field.name, data.value)}
        />
      )}
    </Field>
  );
}

type Outcome =
  | { kind: 'duplicates'; candidates: DuplicateCandidate[] }
  | { kind: 'stale'; changed: { field: string; value: string }[] }
  | { kind: 'signIn' }
  | { kind: 'failed'; error: unknown };

function RecordForm({
  type,
  id,
  loaded,
  fields,
  tags,
  activityTypes,
}: {
  type: FormType;
  id: string | undefined;
  loaded: Loaded;
  fields: FormField[];
  tags: TagRef[];
  activityTypes: ActivityTypeRef[];
}) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const key = draftKey(type, id);
  const language = i18n.language === 'de' ? 'de' : 'en';

  const initial = useMemo(() => {
    const fromRecord = valuesOf(type, loaded.record, fields);
    if (!loaded.record) {
      // A new deal or business contact from an organization's or person's page comes with them; a
      // new activity or note with the record it was started on (link = type:id).
      for (const name of ['organizationId', 'personId', 'link']) {
        const preset = params.get(name);
        if (preset) {
          fromRecord[name] = preset;
          fromRecord[`${name}:label`] = params.get(`${name}:label`) ?? '';
        }
      }
    }
    return fromRecord;
  }, [type, loaded.record, fields, params]);
  const restored = useMemo(() => readDraft(key), [key]);
  const [values, setValues] = useState<Values>(() => ({ ...initial, ...(restored?.values ?? {}) }));
  const [base, setBase] = useState<Values | null>(() => (loaded.record ? (restored?.base ?? initial) : null));
  const [record, setRecord] = useState<Item | null>(loaded.record);
  const [etag, setEtag] = useState<string | null>(loaded.etag);
  const savedTagIds = useMemo(
    () => ((loaded.record?.tags as TagRef[] | undefined) ?? []).map((tag) => tag.id),
    [loaded.record],
  );
  const [tagIds, setTagIds] = useState<string[]>(() => restored?.tagIds ?? savedTagIds);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    // Kept only once something was typed: an untouched form leaves no draft to restore.
    const typed =
      Object.entries(values).some(([name, value]) => value !== (initial[name] ?? '')) ||
      tagIds.join() !== savedTagIds.join();
    if (typed) sessionStorage.setItem(key, JSON.stringify({ values, base, tagIds } satisfies Draft));
    else sessionStorage.removeItem(key);
  }, [key, values, base, tagIds, initial, savedTagIds]);

  // After a refused save, the first field to fix gets the focus (its message is read out with it).
  const focusInvalid = useRef(false);
  useEffect(() => {
    if (!focusInvalid.current || Object.keys(errors).length === 0) return;
    focusInvalid.current = false;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const setValue = (name: string, value: string) => {
    // "All day" on or off moves the start to a day (or back to a time) and the length with it.
    setValues((current) =>
      type === 'activity' && name === 'allDay'
        ? switchAllDay(current, value === 'true')
        : { ...current, [name]: value },
    );
    setErrors((current) => {
      if (!(name in current)) return current;
      const { [name]: _gone, ...rest } = current;
      return rest;
    });
  };

  const labelOf = (name: string) => {
    const custom = fields.find((candidate) => candidate.name === name)?.custom;
    return custom ? custom.labels[language] : t(`form.fields.${name}`);
  };

  const save = useMutation({
    mutationFn: async (confirmDuplicate: boolean) => {
      const body = { ...bodyOf(fields, values, base, record), ...(id ? {} : placementOf(type, params)) };
      const query = CHECKS_DUPLICATES[type] && confirmDuplicate ? { confirm: 'duplicate' } : undefined;
      const saved = id
        ? await api.request<Item>('PATCH', `${API_PATH[type]}/${encodeURIComponent(id)}`, {
            body,
            query,
            headers: { 'If-Match': etag ?? '*' },
          })
        : await api.request<Item>('POST', API_PATH[type], { body, query });
      // Tags are the record's links to tags, set once the record itself is saved.
      const tagsPath = `/v1/records/${type}/${encodeURIComponent(String(saved.body.id))}/tags`;
      for (const tagId of tagIds.filter((candidate) => !savedTagIds.includes(candidate))) {
        await api.put(`${tagsPath}/${tagId}`, undefined);
      }
      for (const tagId of savedTagIds.filter((candidate) => !tagIds.includes(candidate))) {
        await api.request('DELETE', `${tagsPath}/${tagId}`);
      }
      return saved;
    },
    onSuccess: async (response) => {
      sessionStorage.removeItem(key);
      // A read still under way began before this save (the record page the form was opened from):
      // cancelled, or it would land after the invalidation, count as fresh and hide what was saved.
      await queryClient.cancelQueries();
      await queryClient.invalidateQueries();
      const saved = response.body;
      // Added from a board's column: back to the board.
      const back = params.get('back');
      await navigate(back?.startsWith('/pipelines/') ? back : afterSave(String(saved.id ?? id)));
    },
    onError: async (error) => {
      if (error instanceof SignInRequired) {
        setOutcome({ kind: 'signIn' });
        return;
      }
      if (!(error instanceof ApiError)) {
        setOutcome({ kind: 'failed', error });
        return;
      }
      if (error.status === 409 && error.problem.candidates) {
        setOutcome({ kind: 'duplicates', candidates: error.problem.candidates });
        return;
      }
      if (error.status === 412 && id) {
        // The record may be gone meanwhile too: then that is what the user reads.
        await reapplyOnCurrent().catch((gone: unknown) => setOutcome({ kind: 'failed', error: gone }));
        return;
      }
      const byField: Record<string, string> = {};
      const unplaced: string[] = [];
      for (const fieldError of error.problem.errors ?? []) {
        const name = fieldOfPointer(fields, fieldError.pointer);
        if (name && !byField[name]) byField[name] = fieldError.detail;
        else if (!name) unplaced.push(fieldError.detail);
      }
      setErrors(byField);
      setOutcome(unplaced.length > 0 || Object.keys(byField).length === 0 ? { kind: 'failed', error } : null);
      focusInvalid.current = true;
    },
  });

  /** A stale save: the record as it is now, with what the user changed put on top of it. */
  async function reapplyOnCurrent() {
    const current = await api.get<Item>(`${API_PATH[type]}/${encodeURIComponent(id ?? '')}`);
    const now = valuesOf(type, current.body, fields);
    const start = base ?? initial;
    const changed = fields
      .filter((field) => (now[field.name] ?? '') !== (start[field.name] ?? ''))
      .map((field) => ({
        field: labelOf(field.name),
        value: now[`${field.name}:label`] || now[field.name] || '—',
      }));
    const mine = Object.fromEntries(
      Object.entries(values).filter(([name, value]) => value !== (start[name] ?? '')),
    ) as Values;
    setRecord(current.body);
    setEtag(current.etag);
    setBase(now);
    setValues({ ...now, ...mine });
    setOutcome({ kind: 'stale', changed });
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    // A choice, a date or a record left empty is named here; what is typed the API checks, in its words.
    const missing = fields.filter(
      (field) =>
        field.required &&
        field.kind !== 'text' &&
        !field.custom &&
        !(id && field.createOnly) &&
        (values[field.name] ?? '').trim() === '',
    );
    if (missing.length > 0) {
      setErrors(Object.fromEntries(missing.map((field) => [field.name, t('form.required')])));
      focusInvalid.current = true;
      return;
    }
    save.mutate(false);
  };

  /**
   * Where the user goes once saved or cancelled: the record's page; for what has no page of its own
   * (a task, an activity, a note) the record it is on, else its list (or the start page).
   */
  const afterSave = (savedId: string | undefined): string => {
    const own = savedId ? recordPath(type, savedId) : null;
    if (own) return own;
    const [linkType, linkId] = (values.link ?? '').split(':');
    const onRecord = linkType && linkId ? recordPath(linkType, linkId) : null;
    if (onRecord) return onRecord;
    return type === 'note' ? '/' : `/lists/${type}`;
  };
  const cancel = () => {
    sessionStorage.removeItem(key);
    void navigate(afterSave(id));
  };

  const title = id
    ? t('form.editTitle', { name: titleOf(type, record ?? undefined) || t('record.untitled') })
    : t(`form.newTitle.${type}`);

  return (
    <div className={styles.page}>
      <Text as="h1" size={700} weight="semibold" className={styles.heading}>
        {title}
      </Text>
      {restored && (
        <MessageBar intent="info">
          <MessageBarBody>{t('form.draftRestored')}</MessageBarBody>
        </MessageBar>
      )}
      <form ref={formRef} className={styles.form} onSubmit={submit} noValidate aria-label={title}>
        <div className={styles.fields}>
          {fields
            .filter((field) => fieldShown(type, field, values))
            .map((field) => (
              <FormFieldInput
                key={field.name}
                field={field}
                values={values}
                error={errors[field.name]}
                setValue={setValue}
                editing={id !== undefined}
                activityTypes={activityTypes}
                datesOnly={isAllDay(type, values)}
              />
            ))}
          {HAS_TAGS[type] && tags.length > 0 && <TagsField tags={tags} chosen={tagIds} onChange={setTagIds} />}
        </div>
        {Object.keys(errors).length > 0 && (
          <Text role="alert" weight="semibold">
            {t('form.fixErrors')}
          </Text>
        )}
        {outcome?.kind === 'duplicates' && (
          <MessageBar intent="warning" layout="multiline" role="alert">
            <MessageBarBody>
              <MessageBarTitle>{t('form.duplicates.title')}</MessageBarTitle>
              <ul className={styles.list}>
                {outcome.candidates.map((candidate) => (
                  <li key={candidate.id} className={styles.candidate}>
                    <Text weight="semibold">{candidate.title}</Text>
                    <Text size={200}>
                      {candidate.reasons.map((reason) => t(`form.duplicates.reasons.${reason}`)).join(', ')}
                    </Text>
                    <Link
                      to={recordPath(candidate.type, candidate.id) ?? '/'}
                      aria-label={t('form.duplicates.openNamed', { name: candidate.title })}
                    >
                      {t('form.duplicates.open')}
                    </Link>
                  </li>
                ))}
              </ul>
            </MessageBarBody>
            <MessageBarActions>
              <Button onClick={() => save.mutate(true)}>{t('form.duplicates.saveAnyway')}</Button>
            </MessageBarActions>
          </MessageBar>
        )}
        {outcome?.kind === 'stale' && (
          <MessageBar intent="warning" layout="multiline" role="alert">
            <MessageBarBody>
              <MessageBarTitle>{t('form.stale.title')}</MessageBarTitle>
              {t('form.stale.text')}
              {outcome.changed.length > 0 && (
                <ul className={styles.list}>
                  {outcome.changed.map((change) => (
                    <li key={change.field}>{t('form.stale.changed', change)}</li>
                  ))}
                </ul>
              )}
            </MessageBarBody>
          </MessageBar>
        )}
        {outcome?.kind === 'signIn' && (
          <MessageBar intent="warning" role="alert">
            <MessageBarBody>{t('form.signInToSave')}</MessageBarBody>
          </MessageBar>
        )}
        {outcome?.kind === 'failed' && <ErrorBar error={outcome.error} />}
        <div className={styles.actions}>
          <Button appearance="primary" type="submit" disabledFocusable={save.isPending}>
            {save.isPending ? <Spinner size="tiny" label={t('form.saving')} /> : t('form.save')}
          </Button>
          <Button type="button" onClick={cancel}>
            {t('form.cancel')}
          </Button>
        </div>
      </form>
    </div>
  );
}

export default function FormPage() {
  const { t } = useTranslation();
  const { type, id } = useParams();
  const { api } = useSession();
  const known = isFormType(type);
  const withCustomFields = known && HAS_CUSTOM_FIELDS[type];
  const definitions = useApiQuery<{ items: CustomField[] }>(
    '/v1/custom-fields',
    { entityType: type },
    { enabled: withCustomFields },
  );
  const activityTypes = useApiQuery<{ items: ActivityTypeRef[] }>('/v1/activity-types', undefined, {
    enabled: known && type === 'activity',
  });
  const tags = useApiQuery<{ items: TagRef[] }>('/v1/tags', undefined, { enabled: known });
  const loaded = useQuery({
    queryKey: ['form-record', type, id],
    enabled: known,
    // The record as it is now, with its ETag: never an older cached copy.
    staleTime: 0,
    gcTime: 0,
    queryFn: async (): Promise<Loaded> => {
      if (!id || !known) return { record: null, etag: null };
      const response = await api.get<Item>(`${API_PATH[type]}/${encodeURIComponent(id)}`);
      return { record: response.body, etag: response.etag };
    },
  });
  const fields = useMemo(
    () => (known ? [...FORM_FIELDS[type], ...customFormFields(definitions.data?.items ?? [])] : []),
    [known, type, definitions.data],
  );
  if (!known) return <Text as="p">{t('record.unknownType', { type })}</Text>;
  const error = definitions.error ?? activityTypes.error ?? tags.error ?? loaded.error;
  if (error) {
    const missing = error instanceof ApiError && error.status === 404;
    return missing ? (
      <Text as="p" role="alert">
        {t('record.notFound')}
      </Text>
    ) : (
      <ErrorBar
        error={error}
        onRetry={() =>
          void Promise.all([definitions.refetch(), activityTypes.refetch(), tags.refetch(), loaded.refetch()])
        }
      />
    );
  }
  const waiting =
    (withCustomFields && !definitions.data) ||
    (type === 'activity' && !activityTypes.data) ||
    !tags.data ||
    !loaded.data;
  if (waiting || !tags.data || !loaded.data) return <Spinner label={t('record.loading')} />;
  return (
    <RecordForm
      key={`${type}:${id ?? 'new'}`}
      type={type}
      id={id}
      loaded={loaded.data}
      fields={fields}
      tags={tags.data.items}
      activityTypes={activityTypes.data?.items ?? []}
    />
  );
}
