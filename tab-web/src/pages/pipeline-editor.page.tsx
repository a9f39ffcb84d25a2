// The pipeline editor (D1, D3, D6) for admins and sales managers: rename the pipeline; add,
// rename, reorder and archive stages (with a stage that takes over their deals) and set their
// probability; the task templates a stage makes; the lost reasons of deals or leads. Every change
// goes through the pipelines, stage templates and lost reasons APIs with the version it started from.
// A lead pipeline's editor also shows the lead field mapping (D5), which admins change.
import type {
  LeadFieldMapping,
  LeadFieldMappingEntry,
  LostReason,
  Pipeline,
  Stage,
  StageTaskTemplateList,
} from '@crm/backend/contract';
import {
  Badge,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  Select,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../../web-shared/api-client.ts';
import { useApiQuery, useMe } from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import { useSession } from '../session.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '900px' },
  heading: { margin: 0 },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'end', gap: tokens.spacingHorizontalS },
  stages: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  stage: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'end',
    gap: tokens.spacingHorizontalS,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  name: { minWidth: '160px', flexGrow: 1, flexBasis: '200px' },
  actions: { display: 'flex', alignItems: 'end', gap: tokens.spacingHorizontalXS, marginLeft: 'auto' },
  arrow: { minWidth: '40px' },
  probability: { width: '130px' },
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  item: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  saved: { color: tokens.colorPaletteGreenForeground1 },
  dialogBody: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  targets: {
    display: 'grid',
    gap: tokens.spacingHorizontalM,
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 260px), 1fr))',
    alignItems: 'start',
  },
  target: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    margin: 0,
    padding: tokens.spacingHorizontalS,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  readOnly: {
    margin: 0,
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalM,
    rowGap: '4px',
  },
  readOnlyRow: { display: 'contents' },
  filledFrom: { margin: 0, fontWeight: tokens.fontWeightSemibold },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalXS}` },
});

const pipelinePath = (id: string) => `/v1/pipelines/${encodeURIComponent(id)}`;

function StageRow({
  stage,
  index,
  count,
  onSave,
  onMove,
  onArchive,
}: {
  stage: Stage;
  index: number;
  count: number;
  onSave: (change: { name?: string; probability?: number }) => void;
  onMove: (by: -1 | 1) => void;
  onArchive: () => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const [name, setName] = useState(stage.name);
  const [probability, setProbability] = useState(String(stage.probability));
  useEffect(() => {
    setName(stage.name);
    setProbability(String(stage.probability));
  }, [stage.name, stage.probability]);
  const changed = name.trim() !== stage.name || Number(probability) !== stage.probability;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!changed) return;
    onSave({
      ...(name.trim() !== stage.name ? { name: name.trim() } : {}),
      ...(Number(probability) !== stage.probability ? { probability: Number(probability) } : {}),
    });
  };
  return (
    <li>
      <form className={styles.stage} onSubmit={submit} aria-label={stage.name}>
        <Field label={t('board.editor.stageName')} className={styles.name}>
          <Input value={name} onChange={(_, data) => setName(data.value)} maxLength={80} />
        </Field>
        <Field label={t('board.editor.stageProbability')} className={styles.probability}>
          <Input
            type="number"
            min={0}
            max={100}
            step={1}
            value={probability}
            onChange={(_, data) => setProbability(data.value)}
          />
        </Field>
        <Badge appearance="tint" color={stage.outcome === 'lost' ? 'danger' : 'brand'}>
          {stage.outcome === 'won'
            ? t('board.outcomeWon')
            : stage.outcome === 'lost'
              ? t('board.outcomeLost')
              : t('board.editor.outcomeOpen')}
        </Badge>
        <div className={styles.actions}>
          <Button type="submit" appearance="primary" disabled={!changed}>
            {t('board.editor.save')}
          </Button>
          <Button
            aria-label={t('board.editor.up', { name: stage.name })}
            title={t('board.editor.up', { name: stage.name })}
            disabled={index === 0}
            className={styles.arrow}
            onClick={() => onMove(-1)}
          >
            ↑
          </Button>
          <Button
            aria-label={t('board.editor.down', { name: stage.name })}
            title={t('board.editor.down', { name: stage.name })}
            disabled={index === count - 1}
            className={styles.arrow}
            onClick={() => onMove(1)}
          >
            ↓
          </Button>
          <Button
            appearance="subtle"
            onClick={onArchive}
            disabled={count === 1}
            aria-label={t('board.editor.archive', { name: stage.name })}
          >
            {t('board.editor.archiveConfirm')}
          </Button>
        </div>
      </form>
    </li>
  );
}

function ArchiveDialog({
  stage,
  stages,
  onConfirm,
  onCancel,
}: {
  stage: Stage | null;
  stages: Stage[];
  onConfirm: (target: string | undefined) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const [target, setTarget] = useState('');
  const candidates = stages.filter((other) => stage && other.id !== stage.id && other.outcome === stage.outcome);
  useEffect(() => setTarget(candidates[0]?.id ?? ''), [candidates[0]?.id]);
  if (!stage) return null;
  return (
    <Dialog open modalType="modal" onOpenChange={(_, data) => !data.open && onCancel()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('board.editor.archiveTitle', { name: stage.name })}</DialogTitle>
          <DialogContent className={styles.dialogBody}>
            <Text>{t('board.editor.archiveBody')}</Text>
            <Field label={t('board.editor.archiveTarget')}>
              <Select value={target} onChange={(_, data) => setTarget(data.value)}>
                {candidates.map((other) => (
                  <option key={other.id} value={other.id}>
                    {other.name}
                  </option>
                ))}
              </Select>
            </Field>
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={() => onConfirm(target || undefined)}>
              {t('board.editor.archiveConfirm')}
            </Button>
            <Button onClick={onCancel}>{t('board.cancel')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function TaskTemplates({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const client = useQueryClient();
  const open = pipeline.stages.filter((stage) => !stage.outcome);
  const [stageId, setStageId] = useState(open[0]?.id ?? '');
  const path = `${pipelinePath(pipeline.id)}/stages/${encodeURIComponent(stageId)}/task-templates`;
  const templates = useApiQuery<StageTaskTemplateList>(path, undefined, { enabled: stageId !== '' });
  const [title, setTitle] = useState('');
  const [days, setDays] = useState('');
  const [required, setRequired] = useState(false);
  const refresh = () => client.invalidateQueries({ queryKey: [path] });
  const add = useMutation({
    mutationFn: () =>
      api.post(path, {
        title: title.trim(),
        assigneeRule: 'deal_owner',
        required,
        ...(days ? { dueInDays: Number(days) } : {}),
      }),
    onSuccess: async () => {
      setTitle('');
      setDays('');
      setRequired(false);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (template: { id: string; version: number }) =>
      api.request('DELETE', `${path}/${template.id}`, { headers: { 'If-Match': `"${template.version}"` } }),
    onSuccess: refresh,
  });
  const stageName = open.find((stage) => stage.id === stageId)?.name ?? '';
  return (
    <section className={styles.section} aria-labelledby="templates-heading">
      <h2 id="templates-heading">{t('board.editor.templatesFor')}</h2>
      <Field label={t('board.editor.templateStage')}>
        <Select value={stageId} onChange={(_, data) => setStageId(data.value)}>
          {open.map((stage) => (
            <option key={stage.id} value={stage.id}>
              {stage.name}
            </option>
          ))}
        </Select>
      </Field>
      {templates.error && <ErrorBar error={templates.error} />}
      <ul className={styles.list} aria-label={t('board.editor.templates', { name: stageName })}>
        {(templates.data?.items ?? []).length === 0 && (
          <li>
            <Text>{t('board.editor.noTemplates')}</Text>
          </li>
        )}
        {(templates.data?.items ?? []).map((template) => (
          <li key={template.id} className={styles.item}>
            <Text>{template.title}</Text>
            {template.dueInDays !== null && (
              <Text size={200}>{t('board.editor.dueDays', { count: template.dueInDays })}</Text>
            )}
            {template.required && <Badge appearance="outline">{t('board.editor.required')}</Badge>}
            <Button
              appearance="subtle"
              size="small"
              onClick={() => remove.mutate(template)}
              aria-label={t('board.editor.removeTemplate', { title: template.title })}
            >
              ✕
            </Button>
          </li>
        ))}
      </ul>
      <form
        className={styles.row}
        onSubmit={(event) => {
          event.preventDefault();
          if (title.trim()) add.mutate();
        }}
      >
        <Field label={t('board.editor.templateTitle')} className={styles.name}>
          <Input value={title} onChange={(_, data) => setTitle(data.value)} maxLength={300} />
        </Field>
        <Field label={t('board.editor.templateDays')} className={styles.probability}>
          <Input type="number" min={0} max={3650} value={days} onChange={(_, data) => setDays(data.value)} />
        </Field>
        <Checkbox
          label={t('board.editor.templateRequired')}
          checked={required}
          onChange={(_, data) => setRequired(data.checked === true)}
        />
        <Button type="submit">{t('board.editor.addTemplate')}</Button>
      </form>
      {(add.error || remove.error) && <ErrorBar error={add.error ?? remove.error} />}
    </section>
  );
}

function LostReasons({ kind }: { kind: 'deal' | 'lead' }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const client = useQueryClient();
  // Every reason, retired ones too: the editor may reactivate them.
  const reasons = useApiQuery<{ items: LostReason[] }>('/v1/lost-reasons', { objectType: kind });
  const [name, setName] = useState('');
  const refresh = () => client.invalidateQueries({ queryKey: ['/v1/lost-reasons'] });
  const add = useMutation({
    mutationFn: () => api.post('/v1/lost-reasons', { objectType: kind, name: name.trim() }),
    onSuccess: async () => {
      setName('');
      await refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (reason: LostReason) =>
      api.patch(`/v1/lost-reasons/${reason.id}`, { active: !reason.active }, `"${reason.version}"`),
    onSuccess: refresh,
  });
  const kindName = kind === 'lead' ? t('board.editor.kindLead') : t('board.editor.kindDeal');
  return (
    <section className={styles.section} aria-labelledby="reasons-heading">
      <h2 id="reasons-heading">{t('board.editor.lostReasons', { kind: kindName })}</h2>
      {reasons.error && <ErrorBar error={reasons.error} />}
      <ul className={styles.list}>
        {(reasons.data?.items ?? []).map((reason) => (
          <li key={reason.id} className={styles.item}>
            <Text strikethrough={!reason.active}>{reason.name}</Text>
            {!reason.active && <Badge appearance="outline">{t('board.editor.retired')}</Badge>}
            <Button appearance="subtle" size="small" onClick={() => toggle.mutate(reason)}>
              {reason.active
                ? t('board.editor.retire', { name: reason.name })
                : t('board.editor.reactivate', { name: reason.name })}
            </Button>
          </li>
        ))}
      </ul>
      <form
        className={styles.row}
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) add.mutate();
        }}
      >
        <Field label={t('board.editor.newReason')} className={styles.name}>
          <Input value={name} onChange={(_, data) => setName(data.value)} maxLength={120} />
        </Field>
        <Button type="submit">{t('board.editor.addReason')}</Button>
      </form>
      {(add.error || toggle.error) && <ErrorBar error={add.error ?? toggle.error} />}
    </section>
  );
}

const MAPPING_PATH = '/v1/lead-field-mapping';
const MAPPING_TARGETS = ['person', 'organization', 'businessContact', 'deal'] as const;

/** "deal.customFields.budget" → ["deal", "customFields.budget"]. */
const splitTarget = (field: string) => [field.slice(0, field.indexOf('.')), field.slice(field.indexOf('.') + 1)];

/** A built-in field by its name in the user's language; a custom field by its key. */
function useFieldLabel() {
  const { t } = useTranslation();
  return (field: string) =>
    field.startsWith('customFields.')
      ? t('board.mapping.customField', { key: field.slice('customFields.'.length) })
      : t(`board.mapping.fields.${field}`, { defaultValue: field });
}

/** Which target field a problem's pointer (#/mappings/3/to) is about, in the entries as sent. */
function fieldErrors(error: unknown, sent: LeadFieldMappingEntry[]): Map<string, string> {
  const errors = new Map<string, string>();
  if (!(error instanceof ApiError)) return errors;
  for (const issue of error.problem.errors ?? []) {
    const index = /^#\/mappings\/(\d+)\//.exec(issue.pointer)?.[1];
    const to = index === undefined ? undefined : sent[Number(index)]?.to;
    if (to) errors.set(to, [errors.get(to), issue.detail].filter(Boolean).join(' '));
  }
  return errors;
}

/**
 * The lead field mapping (D5): for each field a conversion fills, the lead field it is filled
 * from (the choices are the API's). Admins save it with the version they started from; anyone
 * else sees it without changing it. The API's objections show at the field they are about.
 */
function LeadFieldMappingSection({ canChange }: { canChange: boolean }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const client = useQueryClient();
  const labelOf = useFieldLabel();
  const mapping = useApiQuery<LeadFieldMapping>(MAPPING_PATH);
  const [chosen, setChosen] = useState<Map<string, string>>(new Map());
  const [sent, setSent] = useState<LeadFieldMappingEntry[]>([]);
  const [saved, setSaved] = useState('');
  useEffect(() => {
    if (mapping.data) setChosen(new Map(mapping.data.mappings.map((entry) => [entry.to, entry.from])));
  }, [mapping.data]);
  const save = useMutation({
    mutationFn: async (mappings: LeadFieldMappingEntry[]) =>
      (
        await api.request<LeadFieldMapping>('PUT', MAPPING_PATH, {
          body: { mappings },
          headers: { 'If-Match': `"${mapping.data?.version ?? 0}"` },
        })
      ).body,
    onMutate: () => setSaved(''),
    onSuccess: (next) => {
      client.setQueryData([MAPPING_PATH, {}, document.documentElement.lang], next);
      setSaved(t('board.mapping.saved'));
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 412) void mapping.refetch();
    },
  });
  if (mapping.error) return <ErrorBar error={mapping.error} onRetry={() => void mapping.refetch()} />;
  if (!mapping.data) return <Spinner size="small" label={t('app.loading')} />;
  const { leadFields, targetFields } = mapping.data;
  const errors = fieldErrors(save.error, sent);
  const stale = save.error instanceof ApiError && save.error.status === 412;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const mappings = targetFields.flatMap(({ field }) => {
      const from = chosen.get(field);
      return from ? [{ from, to: field }] : [];
    });
    setSent(mappings);
    save.mutate(mappings);
  };
  return (
    <section className={styles.section} aria-labelledby="mapping-heading">
      <div className={styles.item}>
        <h2 id="mapping-heading">{t('board.mapping.title')}</h2>
        {mapping.data.isDefault && <Badge appearance="outline">{t('board.mapping.isDefault')}</Badge>}
      </div>
      <Text>{t('board.mapping.intro')}</Text>
      {!canChange && <Text>{t('board.mapping.readOnly')}</Text>}
      <form className={styles.section} onSubmit={submit}>
        <div className={styles.targets}>
          {MAPPING_TARGETS.map((target) => (
            <fieldset key={target} className={styles.target}>
              <legend className={styles.legend}>{t(`board.mapping.targets.${target}`)}</legend>
              {!canChange && (
                <dl className={styles.readOnly}>
                  {targetFields
                    .filter(({ field }) => splitTarget(field)[0] === target)
                    .map(({ field }) => (
                      <div key={field} className={styles.readOnlyRow}>
                        <dt>{labelOf(splitTarget(field)[1] as string)}</dt>
                        <dd className={styles.filledFrom}>
                          {chosen.has(field) ? labelOf(chosen.get(field) as string) : t('board.mapping.notFilled')}
                        </dd>
                      </div>
                    ))}
                </dl>
              )}
              {canChange &&
                targetFields
                  .filter(({ field }) => splitTarget(field)[0] === target)
                  .map(({ field }) => (
                    <Field
                      key={field}
                      label={labelOf(splitTarget(field)[1] as string)}
                      validationState={errors.has(field) ? 'error' : 'none'}
                      validationMessage={errors.get(field)}
                    >
                      <Select
                        value={chosen.get(field) ?? ''}
                        onChange={(_, data) =>
                          setChosen((before) => {
                            const next = new Map(before);
                            if (data.value) next.set(field, data.value);
                            else next.delete(field);
                            return next;
                          })
                        }
                      >
                        <option value="">{t('board.mapping.notFilled')}</option>
                        {leadFields.map((lead) => (
                          <option key={lead.field} value={lead.field}>
                            {labelOf(lead.field)}
                          </option>
                        ))}
                      </Select>
                    </Field>
                  ))}
            </fieldset>
          ))}
        </div>
        {canChange && (
          <div className={styles.row}>
            <Button type="submit" appearance="primary" disabled={save.isPending}>
              {t('board.mapping.save')}
            </Button>
            <div role="status">{saved && <Text className={styles.saved}>{saved}</Text>}</div>
          </div>
        )}
      </form>
      {errors.size > 0 && <Text role="alert">{t('form.fixErrors')}</Text>}
      {stale && <Text role="alert">{t('board.mapping.stale')}</Text>}
      {save.error && !stale && errors.size === 0 && <ErrorBar error={save.error} />}
    </section>
  );
}

function Editor({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const client = useQueryClient();
  const me = useMe();
  const canChangeMapping = me.data?.roles.includes('admin') ?? false;
  const [name, setName] = useState(pipeline.name);
  const [archiving, setArchiving] = useState<Stage | null>(null);
  const [saved, setSaved] = useState('');
  useEffect(() => setName(pipeline.name), [pipeline.name]);

  // Every change answers the whole pipeline (with its new version): the page shows that answer.
  const change = useMutation({
    mutationFn: async (request: { method: string; path: string; body: unknown }) =>
      (
        await api.request<Pipeline>(request.method, `${pipelinePath(pipeline.id)}${request.path}`, {
          body: request.body,
          headers: { 'If-Match': `"${pipeline.version}"` },
        })
      ).body,
    onSuccess: (next) => {
      client.setQueryData([pipelinePath(pipeline.id), {}, document.documentElement.lang], next);
      void client.invalidateQueries({ queryKey: [pipelinePath(pipeline.id)] });
      void client.invalidateQueries({ queryKey: ['/v1/pipelines'] });
      void client.invalidateQueries({ queryKey: ['board', pipeline.id] });
      setSaved(t('board.editor.saved'));
    },
    onError: () => {
      setSaved('');
      // A stale version (412) is answered best with the current pipeline.
      void client.invalidateQueries({ queryKey: [pipelinePath(pipeline.id)] });
    },
  });
  const send = (method: string, path: string, body: unknown) => change.mutate({ method, path, body });
  const stages = pipeline.stages;
  const [newStage, setNewStage] = useState('');
  const [newProbability, setNewProbability] = useState('20');

  return (
    <div className={styles.page}>
      <Link to={`/pipelines/${pipeline.id}`}>{t('board.editor.back')}</Link>
      <h1 className={styles.heading}>{t('board.editor.title', { name: pipeline.name })}</h1>
      <div role="status">{saved && <Text className={styles.saved}>{saved}</Text>}</div>
      {change.error && <ErrorBar error={change.error} />}
      <form
        className={styles.row}
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim() && name.trim() !== pipeline.name) send('PATCH', '', { name: name.trim() });
        }}
      >
        <Field label={t('board.editor.name')} className={styles.name}>
          <Input value={name} onChange={(_, data) => setName(data.value)} maxLength={120} />
        </Field>
        <Button type="submit">{t('board.editor.rename')}</Button>
      </form>
      <section className={styles.section} aria-labelledby="stages-heading">
        <h2 id="stages-heading">{t('board.editor.stages')}</h2>
        <ul className={styles.stages}>
          {stages.map((stage, index) => (
            <StageRow
              key={stage.id}
              stage={stage}
              index={index}
              count={stages.length}
              onSave={(body) => send('PATCH', `/stages/${stage.id}`, body)}
              onMove={(by) => {
                const order = stages.map((candidate) => candidate.id);
                const [moved] = order.splice(index, 1);
                order.splice(index + by, 0, moved as string);
                send('PUT', '/stages/order', { stageIds: order });
              }}
              onArchive={() => setArchiving(stage)}
            />
          ))}
        </ul>
        <form
          className={styles.row}
          onSubmit={(event) => {
            event.preventDefault();
            if (!newStage.trim()) return;
            send('POST', '/stages', { name: newStage.trim(), probability: Number(newProbability) });
            setNewStage('');
          }}
        >
          <Field label={t('board.editor.newStageName')} className={styles.name}>
            <Input value={newStage} onChange={(_, data) => setNewStage(data.value)} maxLength={80} />
          </Field>
          <Field label={t('board.editor.newStageProbability')} className={styles.probability}>
            <Input
              type="number"
              min={0}
              max={100}
              value={newProbability}
              onChange={(_, data) => setNewProbability(data.value)}
            />
          </Field>
          <Button type="submit">{t('board.editor.add')}</Button>
        </form>
      </section>
      {pipeline.kind === 'deal' && <TaskTemplates pipeline={pipeline} />}
      <LostReasons kind={pipeline.kind} />
      {pipeline.kind === 'lead' && <LeadFieldMappingSection canChange={canChangeMapping} />}
      <ArchiveDialog
        stage={archiving}
        stages={stages}
        onCancel={() => setArchiving(null)}
        onConfirm={(target) => {
          if (archiving) send('POST', `/stages/${archiving.id}/archive`, target ? { moveDealsTo: target } : {});
          setArchiving(null);
        }}
      />
    </div>
  );
}

export default function PipelineEditorPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const me = useMe();
  const pipeline = useApiQuery<Pipeline>(pipelinePath(id));
  if (me.data && !me.data.roles.some((role) => role === 'admin' || role === 'sales_manager')) {
    return <Text role="alert">{t('board.editor.forbidden')}</Text>;
  }
  if (pipeline.error) return <ErrorBar error={pipeline.error} onRetry={() => void pipeline.refetch()} />;
  if (!pipeline.data) return <Spinner label={t('app.loading')} />;
  return <Editor pipeline={pipeline.data} />;
}
