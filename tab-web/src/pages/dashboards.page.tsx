// Dashboards (R1, R2): the viewer's own dashboards, the company's and the default; widgets shown
// with their figures (computed by the API over what the viewer may see), added, removed, set up
// (title, size, colour, filters) and reordered by mouse, touch or keyboard (dnd-kit, with
// announcements), then saved: one's own with If-Match, another's as a new dashboard of one's own.
// Figures are drawn as charts (@fluentui/react-charts, loaded only when a chart is shown) and
// written out beneath them.

import type { Dashboard, Widget, WidgetData, WidgetFilters, WidgetType } from '@crm/backend/contract';
import { WIDGET_SIZES, WIDGET_TYPES } from '@crm/backend/contract';
import {
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  arrayMove,
  rectSortingStrategy,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import {
  Badge,
  Button,
  Card,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  mergeClasses,
  Select,
  Spinner,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { type CSSProperties, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { usePipelines } from '../api/board.ts';
import {
  useDashboards,
  useDeleteDashboard,
  usePublishDashboard,
  useSaveDashboard,
  useWidgetData,
} from '../api/dashboards.ts';
import { useMe } from '../api/queries.ts';
import { boardMeasuring } from '../components/DragAndDrop.tsx';
import { ErrorBar } from '../components/Feedback.tsx';
import { type ChartSpec, LazyChart } from '../components/LazyChart.tsx';
import { UserPicker } from '../components/UserPicker.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  heading: { margin: 0 },
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'end',
    gap: tokens.spacingHorizontalM,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))',
    gap: tokens.spacingHorizontalM,
    listStyleType: 'none',
    margin: 0,
    padding: 0,
  },
  small: {},
  medium: {},
  large: { gridColumn: 'span 2', '@media (max-width: 700px)': { gridColumn: 'auto' } },
  card: { height: '100%', borderTop: `${tokens.strokeWidthThickest} solid var(--widget-color)` },
  cardHead: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  cardTitle: {
    margin: 0,
    flexGrow: 1,
    minWidth: 0,
    overflowWrap: 'anywhere',
    fontSize: tokens.fontSizeBase400,
    fontWeight: tokens.fontWeightSemibold,
  },
  handle: { cursor: 'grab', touchAction: 'none' },
  tool: { minWidth: '28px', maxWidth: '28px', paddingLeft: 0, paddingRight: 0 },
  tools: { display: 'flex', flexShrink: 0 },
  charted: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  figures: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  figureRow: { display: 'flex', flexDirection: 'column', gap: '2px' },
  figureLabel: { display: 'flex', justifyContent: 'space-between', gap: tokens.spacingHorizontalS },
  muted: { color: tokens.colorNeutralForeground2 },
  big: { fontSize: tokens.fontSizeHero800, fontWeight: tokens.fontWeightSemibold, lineHeight: 1.1 },
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

const DEFAULT_COLOR = '#0f6cbd';
/** The colours a widget may take: Fluent's brand blue and palette colours with enough contrast. */
const PALETTE = {
  blue: DEFAULT_COLOR,
  green: '#107c10',
  orange: '#ca5010',
  purple: '#5c2e91',
  red: '#c50f1f',
  teal: '#038387',
} as const;

interface Draft {
  name: string;
  widgets: Widget[];
}

const newWidgetId = (type: WidgetType) => `${type}-${Math.random().toString(36).slice(2, 8)}`;

export default function DashboardsPage() {
  const { t } = useTranslation();
  const styles = useStyles();
  const dashboards = useDashboards();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const items = dashboards.data?.items ?? [];
  const chosen = items.find((item) => item.id === params.get('id')) ?? items[0];
  const key = chosen ? `${chosen.id ?? 'default'}:${chosen.version}` : '';
  const [draft, setDraft] = useState<Draft | null>(null);
  const [dirty, setDirty] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const save = useSaveDashboard();
  const publish = usePublishDashboard();
  const remove = useDeleteDashboard();
  const isAdmin = me.data?.roles.includes('admin') ?? false;

  // Another dashboard (or a new version of this one): its saved state is the draft.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names the dashboard and its version
  useEffect(() => {
    if (chosen) setDraft({ name: chosen.name, widgets: chosen.widgets });
    setDirty(false);
  }, [key]);

  const change = (next: Partial<Draft>) => {
    setDraft((current) => (current ? { ...current, ...next } : current));
    setDirty(true);
    setNotice(null);
  };

  if (dashboards.isPending) return <Spinner label={t('app.loading')} />;
  if (dashboards.isError) return <ErrorBar error={dashboards.error} onRetry={() => void dashboards.refetch()} />;
  if (!chosen || !draft) return <Spinner label={t('app.loading')} />;

  const saveDraft = async () => {
    const saved =
      chosen.editable && chosen.id
        ? await save.mutateAsync({ id: chosen.id, version: chosen.version, input: draft })
        : await save.mutateAsync({
            id: null,
            input: { name: chosen.editable ? draft.name : t('dashboards.newName'), widgets: draft.widgets },
          });
    setDirty(false);
    setNotice(t('dashboards.saved'));
    if (saved.id) setParams({ id: saved.id });
  };

  // The default dashboard is not stored: its name is said in the page's language.
  const nameOf = (item: Dashboard) => (item.scope === 'default' ? t('dashboards.defaultName') : item.name);
  const scopeLabel = (item: Dashboard) =>
    item.scope === 'own'
      ? t('dashboards.scopeOwn')
      : item.scope === 'company'
        ? t('dashboards.scopeCompany')
        : t('dashboards.scopeDefault');

  return (
    <div className={styles.page}>
      <h1 className={styles.heading}>
        {t('dashboards.title')}: {nameOf(chosen)}
      </h1>
      <div className={styles.bar}>
        <Field label={t('dashboards.choose')}>
          <Select value={chosen.id ?? ''} onChange={(_event, data) => setParams(data.value ? { id: data.value } : {})}>
            {items.map((item) => (
              <option key={item.id ?? 'default'} value={item.id ?? ''}>
                {nameOf(item)} ({scopeLabel(item)})
              </option>
            ))}
          </Select>
        </Field>
        {chosen.editable && (
          <Field label={t('dashboards.name')}>
            <Input value={draft.name} onChange={(_event, data) => change({ name: data.value })} />
          </Field>
        )}
        <Button
          appearance="primary"
          disabled={!dirty || save.isPending}
          onClick={() => void saveDraft().catch(() => {})}
        >
          {chosen.editable ? t('dashboards.save') : t('dashboards.saveAsOwn')}
        </Button>
        <Button
          disabled={save.isPending}
          onClick={() =>
            void save
              .mutateAsync({ id: null, input: { name: t('dashboards.newName'), widgets: draft.widgets } })
              .then((created) => created.id && setParams({ id: created.id }))
              .catch(() => {})
          }
        >
          {t('dashboards.create')}
        </Button>
        {isAdmin && chosen.id && (chosen.scope === 'company' || chosen.ownerId === me.data?.user.id) && (
          <Button
            disabled={publish.isPending || dirty}
            onClick={() => chosen.id && publish.mutate({ id: chosen.id, publish: chosen.scope !== 'company' })}
          >
            {chosen.scope === 'company' ? t('dashboards.unpublish') : t('dashboards.publish')}
          </Button>
        )}
        {chosen.editable && chosen.id && (
          <Button
            appearance="subtle"
            disabled={remove.isPending}
            onClick={() =>
              chosen.id && remove.mutate({ id: chosen.id, version: chosen.version }, { onSuccess: () => setParams({}) })
            }
          >
            {t('dashboards.deleteDashboard')}
          </Button>
        )}
        {dirty && <Badge appearance="tint">{t('dashboards.unsaved')}</Badge>}
      </div>
      {!chosen.editable && (
        <Text className={styles.muted}>
          {chosen.scope === 'company' ? `${t('dashboards.published')} ` : ''}
          {t('dashboards.readOnly')}
        </Text>
      )}
      {notice && (
        <MessageBar intent="success">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {save.isError && <ErrorBar error={save.error} />}
      {publish.isError && <ErrorBar error={publish.error} />}
      {remove.isError && <ErrorBar error={remove.error} />}
      <AddWidget
        onAdd={(type) =>
          change({
            widgets: [
              ...draft.widgets,
              { id: newWidgetId(type), type, size: 'medium', filters: type === 'my-tasks' ? { personal: true } : {} },
            ],
          })
        }
      />
      <WidgetGrid widgets={draft.widgets} onChange={(widgets) => change({ widgets })} />
    </div>
  );
}

function AddWidget({ onAdd }: { onAdd: (type: WidgetType) => void }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const [type, setType] = useState<WidgetType>('deals-by-stage');
  return (
    <section className={styles.bar} aria-label={t('dashboards.addWidget')}>
      <Field label={t('dashboards.widgetType')}>
        <Select value={type} onChange={(_event, data) => setType(data.value as WidgetType)}>
          {WIDGET_TYPES.map((option) => (
            <option key={option} value={option}>
              {t(`dashboards.types.${option}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Button onClick={() => onAdd(type)}>{t('dashboards.addWidget')}</Button>
    </section>
  );
}

function WidgetGrid({ widgets, onChange }: { widgets: Widget[]; onChange: (widgets: Widget[]) => void }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const titleOf = (id: string | number) => {
    const widget = widgets.find((item) => item.id === id);
    return widget ? widgetTitle(t, widget) : '';
  };
  const positionOf = (id: string | number) => widgets.findIndex((item) => item.id === id) + 1;
  const move = (from: number, to: number) => {
    if (to < 0 || to >= widgets.length) return;
    onChange(arrayMove(widgets, from, to));
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    move(
      widgets.findIndex((item) => item.id === active.id),
      widgets.findIndex((item) => item.id === over.id),
    );
  };
  if (widgets.length === 0) return <Text>{t('dashboards.noWidgets')}</Text>;
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      measuring={boardMeasuring}
      onDragEnd={onDragEnd}
      accessibility={{
        screenReaderInstructions: { draggable: t('dashboards.instructions') },
        announcements: {
          onDragStart: ({ active }) => t('dashboards.announce.start', { title: titleOf(active.id) }),
          onDragOver: ({ active, over }) =>
            over ? t('dashboards.announce.over', { title: titleOf(active.id), position: positionOf(over.id) }) : '',
          onDragEnd: ({ active, over }) =>
            over ? t('dashboards.announce.end', { title: titleOf(active.id), position: positionOf(over.id) }) : '',
          onDragCancel: () => t('dashboards.announce.cancel'),
        },
      }}
    >
      <SortableContext items={widgets.map((widget) => widget.id)} strategy={rectSortingStrategy}>
        <ul className={styles.grid} aria-label={t('dashboards.widgets')}>
          {widgets.map((widget, index) => (
            <SortableWidget
              key={widget.id}
              widget={widget}
              first={index === 0}
              last={index === widgets.length - 1}
              onEarlier={() => move(index, index - 1)}
              onLater={() => move(index, index + 1)}
              onRemove={() => onChange(widgets.filter((item) => item.id !== widget.id))}
              onChange={(next) => onChange(widgets.map((item) => (item.id === widget.id ? next : item)))}
            />
          ))}
        </ul>
      </SortableContext>
    </DndContext>
  );
}

type T = ReturnType<typeof useTranslation>['t'];
const widgetTitle = (t: T, widget: Widget) => widget.title || t(`dashboards.types.${widget.type}`);

function SortableWidget(props: {
  widget: Widget;
  first: boolean;
  last: boolean;
  onEarlier: () => void;
  onLater: () => void;
  onRemove: () => void;
  onChange: (widget: Widget) => void;
}) {
  const { widget } = props;
  const { t } = useTranslation();
  const styles = useStyles();
  const [editing, setEditing] = useState(false);
  const sortable = useSortable({ id: widget.id });
  const title = widgetTitle(t, widget);
  const style = {
    transform: CSS.Transform.toString(sortable.transform),
    transition: sortable.transition,
    opacity: sortable.isDragging ? 0.6 : 1,
    '--widget-color': widget.color ?? DEFAULT_COLOR,
  } as CSSProperties;
  return (
    <li ref={sortable.setNodeRef} style={style} className={styles[widget.size]}>
      <Card className={styles.card} role="region" aria-label={title}>
        <div className={styles.cardHead}>
          <Button
            appearance="subtle"
            size="small"
            className={mergeClasses(styles.tool, styles.handle)}
            aria-label={t('dashboards.move', { title })}
            {...sortable.attributes}
            {...sortable.listeners}
          >
            ⠿
          </Button>
          <h2 className={styles.cardTitle}>{title}</h2>
          <div className={styles.tools}>
            <Button
              appearance="subtle"
              size="small"
              className={styles.tool}
              aria-label={t('dashboards.moveEarlier', { title })}
              disabled={props.first}
              onClick={props.onEarlier}
            >
              ←
            </Button>
            <Button
              appearance="subtle"
              size="small"
              className={styles.tool}
              aria-label={t('dashboards.moveLater', { title })}
              disabled={props.last}
              onClick={props.onLater}
            >
              →
            </Button>
            <Button
              appearance="subtle"
              size="small"
              className={styles.tool}
              aria-label={t('dashboards.settings', { title })}
              onClick={() => setEditing(true)}
            >
              ⚙
            </Button>
            <Button
              appearance="subtle"
              size="small"
              className={styles.tool}
              aria-label={t('dashboards.remove', { title })}
              onClick={props.onRemove}
            >
              ✕
            </Button>
          </div>
        </div>
        <WidgetBody widget={widget} />
      </Card>
      {editing && (
        <WidgetSettings
          widget={widget}
          onClose={() => setEditing(false)}
          onApply={(next) => {
            props.onChange(next);
            setEditing(false);
          }}
        />
      )}
    </li>
  );
}

function WidgetSettings({
  widget,
  onClose,
  onApply,
}: {
  widget: Widget;
  onClose: () => void;
  onApply: (widget: Widget) => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const pipelines = usePipelines();
  const [next, setNext] = useState<Widget>(widget);
  const setFilter = (filter: Partial<WidgetFilters>) => {
    const filters: WidgetFilters = { ...next.filters, ...filter };
    for (const name of Object.keys(filters) as (keyof WidgetFilters)[]) {
      if (filters[name] === undefined || filters[name] === '' || filters[name] === false) delete filters[name];
    }
    setNext({ ...next, filters });
  };
  const dealPipelines = (pipelines.data?.items ?? []).filter((pipeline) => pipeline.kind === 'deal');
  return (
    <Dialog open onOpenChange={(_event, data) => !data.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('dashboards.filters.heading')}</DialogTitle>
          <DialogContent className={styles.form}>
            <Field label={t('dashboards.filters.title')}>
              <Input
                value={next.title ?? ''}
                placeholder={t(`dashboards.types.${widget.type}`)}
                onChange={(_event, data) => setNext({ ...next, title: data.value || undefined })}
              />
            </Field>
            <Field label={t('dashboards.filters.size')}>
              <Select
                value={next.size}
                onChange={(_event, data) => setNext({ ...next, size: data.value as Widget['size'] })}
              >
                {WIDGET_SIZES.map((size) => (
                  <option key={size} value={size}>
                    {t(`dashboards.filters.sizes.${size}`)}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={t('dashboards.filters.color')}>
              <Select
                value={next.color ?? DEFAULT_COLOR}
                onChange={(_event, data) => setNext({ ...next, color: data.value })}
              >
                {Object.entries(PALETTE).map(([name, hex]) => (
                  <option key={name} value={hex}>
                    {t(`dashboards.filters.colors.${name}`)}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={t('dashboards.filters.pipeline')}>
              <Select
                value={next.filters.pipelineId ?? ''}
                onChange={(_event, data) => setFilter({ pipelineId: data.value || undefined })}
              >
                <option value="">{t('dashboards.filters.anyPipeline')}</option>
                {dealPipelines.map((pipeline) => (
                  <option key={pipeline.id} value={pipeline.id}>
                    {pipeline.name}
                  </option>
                ))}
              </Select>
            </Field>
            <Switch
              label={t('dashboards.filters.personal')}
              checked={next.filters.personal ?? false}
              // Only mine, or one colleague's: not both.
              onChange={(_event, data) =>
                setFilter(data.checked ? { personal: true, ownerId: undefined } : { personal: false })
              }
            />
            <UserPicker
              label={t('dashboards.filters.owner')}
              hint={next.filters.personal ? t('dashboards.filters.ownerWhenPersonal') : undefined}
              disabled={next.filters.personal ?? false}
              value={next.filters.ownerId ?? ''}
              onChange={(userId) => setFilter({ ownerId: userId || undefined })}
            />
            <Field label={t('dashboards.filters.from')}>
              <Input
                type="date"
                value={next.filters.from ?? ''}
                onChange={(_event, data) => setFilter({ from: data.value || undefined })}
              />
            </Field>
            <Field label={t('dashboards.filters.to')}>
              <Input
                type="date"
                value={next.filters.to ?? ''}
                onChange={(_event, data) => setFilter({ to: data.value || undefined })}
              />
            </Field>
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={() => onApply(next)}>
              {t('dashboards.filters.apply')}
            </Button>
            <Button onClick={onClose}>{t('dashboards.filters.cancel')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function useMoney() {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const formats = new Map<string, Intl.NumberFormat>();
    return (value: string, currency: string) => {
      let format = formats.get(currency);
      if (!format) {
        format = new Intl.NumberFormat(i18n.language, { style: 'currency', currency });
        formats.set(currency, format);
      }
      return format.format(Number(value));
    };
  }, [i18n.language]);
}

interface FigureRow {
  key: string;
  label: string;
  figure: string;
  note?: string;
}

/**
 * A widget's figures: drawn as a chart (loaded lazily) and written out beneath it, where screen
 * readers and a printout find every sum and currency the chart leaves out.
 */
function Charted(props: { title: string; color: string; chart: ChartSpec; rows: FigureRow[]; caption?: string }) {
  const { t } = useTranslation();
  const styles = useStyles();
  if (props.rows.length === 0) return <Text className={styles.muted}>{t('dashboards.figures.none')}</Text>;
  return (
    <div className={styles.charted}>
      {props.caption && (
        <Text size={200} className={styles.muted}>
          {props.caption}
        </Text>
      )}
      <LazyChart title={props.title} color={props.color} spec={props.chart} />
      <ul className={styles.figures} aria-label={t('dashboards.figures.asText', { title: props.title })}>
        {props.rows.map((row) => (
          <li key={row.key} className={styles.figureRow}>
            <span className={styles.figureLabel}>
              <Text>{row.label}</Text>
              <Text weight="semibold">{row.figure}</Text>
            </span>
            {row.note && (
              <Text size={200} className={styles.muted}>
                {row.note}
              </Text>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function WidgetBody({ widget }: { widget: Widget }) {
  const { t } = useTranslation();
  const data = useWidgetData(widget);
  if (data.isPending) return <Spinner size="small" />;
  if (data.isError) return <ErrorBar error={data.error} onRetry={() => void data.refetch()} />;
  return <Figures data={data.data} title={widgetTitle(t, widget)} color={widget.color ?? DEFAULT_COLOR} />;
}

function Figures({ data, title, color }: { data: WidgetData; title: string; color: string }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const money = useMoney();
  const sums = (list: { currency: string; value: string; weighted: string }[]) =>
    list.map((sum) => money(sum.value, sum.currency)).join(' · ');
  const weighted = (list: { currency: string; weighted: string }[]) =>
    list.map((sum) => t('dashboards.figures.weighted', { value: money(sum.weighted, sum.currency) })).join(' · ');
  const day = (iso: string | null) =>
    iso ? new Date(iso).toLocaleDateString(i18n.language, { dateStyle: 'medium' }) : t('dashboards.figures.noDue');
  switch (data.type) {
    case 'deals-by-stage':
      return (
        <Charted
          title={title}
          color={color}
          chart={{
            kind: 'bars',
            points: data.stages.map((stage) => ({
              key: stage.stageId,
              label: stage.name,
              value: stage.count,
              text: t('dashboards.figures.count', { count: stage.count }),
            })),
          }}
          rows={data.stages.map((stage) => ({
            key: stage.stageId,
            label: `${stage.name} · ${t('dashboards.figures.count', { count: stage.count })}`,
            figure: sums(stage.sums) || '–',
            note: weighted(stage.sums),
          }))}
        />
      );
    case 'forecast-by-month': {
      // The chart shows the currency with the most weighted value; the rows below show them all.
      const totals = new Map<string, number>();
      for (const sum of data.months.flatMap((month) => month.sums)) {
        totals.set(sum.currency, (totals.get(sum.currency) ?? 0) + Number(sum.weighted));
      }
      const currency = [...totals].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'EUR';
      const monthName = (month: string, style: 'short' | 'long') =>
        new Date(`${month}-01T12:00:00Z`).toLocaleDateString(i18n.language, {
          month: style,
          year: style === 'long' ? 'numeric' : '2-digit',
        });
      return (
        <Charted
          title={t('dashboards.figures.chartIn', { title, currency })}
          color={color}
          chart={{
            kind: 'columns',
            points: data.months.map((month) => {
              const sum = month.sums.find((item) => item.currency === currency);
              return {
                key: month.month,
                label: monthName(month.month, 'short'),
                value: Number(sum?.weighted ?? 0),
                text: money(sum?.weighted ?? '0', currency),
              };
            }),
          }}
          rows={data.months.map((month) => ({
            key: month.month,
            label: monthName(month.month, 'long'),
            figure: weighted(month.sums),
            note: `${t('dashboards.figures.count', { count: month.count })} · ${sums(month.sums)}`,
          }))}
        />
      );
    }
    case 'win-rate': {
      const rate =
        data.rate === null
          ? '–'
          : new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 0 }).format(data.rate);
      if (data.rate === null) {
        return (
          <div>
            <div className={styles.big}>{rate}</div>
            <Text className={styles.muted}>{t('dashboards.figures.wonLost', { won: data.won, lost: data.lost })}</Text>
          </div>
        );
      }
      const outcomes = [
        { key: 'won', label: t('dashboards.figures.won'), count: data.won },
        { key: 'lost', label: t('dashboards.figures.lost'), count: data.lost },
      ];
      return (
        <Charted
          title={t('dashboards.figures.rate', { rate })}
          color={color}
          chart={{
            kind: 'donut',
            inside: rate,
            points: outcomes.map((outcome) => ({
              key: outcome.key,
              label: outcome.label,
              value: outcome.count,
              text: String(outcome.count),
            })),
          }}
          rows={outcomes.map((outcome) => ({ key: outcome.key, label: outcome.label, figure: String(outcome.count) }))}
        />
      );
    }
    case 'lost-reasons':
    case 'new-leads-by-source': {
      const rows =
        data.type === 'lost-reasons'
          ? data.items.map((item) => ({
              key: item.lostReasonId ?? 'none',
              label: item.name ?? t('dashboards.figures.noReason'),
              figure: String(item.count),
              count: item.count,
            }))
          : data.items.map((item) => ({
              key: item.source ?? 'none',
              label: item.source ?? t('dashboards.figures.noSource'),
              figure: String(item.count),
              count: item.count,
            }));
      return (
        <Charted
          title={title}
          color={color}
          chart={{
            kind: 'donut',
            points: rows.map((row) => ({ key: row.key, label: row.label, value: row.count, text: row.figure })),
          }}
          rows={rows}
        />
      );
    }
    case 'pipeline-velocity': {
      const days = (value: number | null) => (value === null ? '–' : t('dashboards.figures.days', { days: value }));
      return (
        <Charted
          title={title}
          color={color}
          chart={{
            kind: 'bars',
            points: data.stages.map((stage) => ({
              key: stage.stageId,
              label: stage.name,
              value: stage.averageDays ?? 0,
              text: days(stage.averageDays),
            })),
          }}
          rows={data.stages.map((stage) => ({
            key: stage.stageId,
            label: stage.name,
            figure: days(stage.averageDays),
            note: [
              t('dashboards.figures.stays', { count: stage.deals }),
              ...(stage.medianDays === null ? [] : [t('dashboards.figures.median', { days: days(stage.medianDays) })]),
            ].join(' · '),
          }))}
          caption={
            data.period.recentDays !== null
              ? t('dashboards.figures.lastDays', { count: data.period.recentDays })
              : t('dashboards.figures.periodDays', {
                  from: data.period.from === null ? '…' : day(data.period.from),
                  to: data.period.to === null ? '…' : day(data.period.to),
                })
          }
        />
      );
    }
    case 'my-tasks':
      return (
        <div>
          <Text className={styles.muted}>{t('dashboards.figures.total', { count: data.total })}</Text>
          <ul className={styles.list}>
            {data.items.map((task) => (
              <li key={task.id}>
                <Text weight="semibold">{task.title}</Text> <Text className={styles.muted}>{day(task.dueAt)}</Text>
              </li>
            ))}
          </ul>
        </div>
      );
    case 'activities-due':
      return (
        <div>
          <Text className={styles.muted}>{t('dashboards.figures.total', { count: data.total })}</Text>
          <ul className={styles.list}>
            {data.items.map((activity) => (
              <li key={activity.id}>
                <Text weight="semibold">{activity.subject}</Text>{' '}
                <Text className={styles.muted}>{day(activity.startsAt)}</Text>
              </li>
            ))}
          </ul>
        </div>
      );
    case 'top-deals':
      if (data.items.length === 0) return <Text className={styles.muted}>{t('dashboards.figures.none')}</Text>;
      return (
        <Table size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t('dashboards.figures.deal')}</TableHeaderCell>
              <TableHeaderCell>{t('dashboards.figures.stage')}</TableHeaderCell>
              <TableHeaderCell>{t('dashboards.figures.value')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {data.items.map((deal) => (
              <TableRow key={deal.id}>
                <TableCell>
                  <Link to={`/records/deal/${deal.id}`}>{deal.title}</Link>
                </TableCell>
                <TableCell>{deal.stageName}</TableCell>
                <TableCell>{money(deal.value, deal.currency)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      );
    case 'team-activity':
      if (data.items.length === 0) return <Text className={styles.muted}>{t('dashboards.figures.none')}</Text>;
      return (
        <Table size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t('dashboards.figures.user')}</TableHeaderCell>
              <TableHeaderCell>{t('dashboards.figures.activities')}</TableHeaderCell>
              <TableHeaderCell>{t('dashboards.figures.tasksDone')}</TableHeaderCell>
              <TableHeaderCell>{t('dashboards.figures.dealsWon')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {data.items.map((row) => (
              <TableRow key={row.userId}>
                <TableCell>{row.displayName}</TableCell>
                <TableCell>{row.activities}</TableCell>
                <TableCell>{row.tasksDone}</TableCell>
                <TableCell>{row.dealsWon}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      );
  }
}
