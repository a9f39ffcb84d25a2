// Reports (R3): pick a report, filter it, read its tables, export it as CSV (the API's own file, in
// the UI's language) or print it (the print stylesheet in app.css leaves the navigation out). The
// pipeline and the won/lost sections open with a chart (loaded only when one is shown).
import { REPORT_FILTERS, REPORT_NAMES, type Report, type ReportCell, type ReportName } from '@crm/backend/contract';
import {
  Button,
  Field,
  Input,
  makeStyles,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { usePipelines } from '../api/board.ts';
import { useApiQuery } from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import { type ChartPoint, type ChartSpec, LazyChart } from '../components/LazyChart.tsx';
import { UserPicker } from '../components/UserPicker.tsx';
import { useSession } from '../session.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalM,
  },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, marginLeft: 'auto' },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, overflowX: 'auto' },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums' },
  numberHeader: { justifyContent: 'flex-end' },
  printedAt: { color: tokens.colorNeutralForeground3 },
  chart: { maxWidth: '720px' },
});

const MONEY_COLUMNS = new Set(['sum', 'weighted', 'wonValue', 'lostValue']);
const PERCENT_COLUMNS = new Set(['probability', 'winRate']);
const NUMBER_COLUMNS = new Set([
  'count',
  'won',
  'lost',
  'activities',
  'done',
  'tasksDone',
  'organizations',
  ...MONEY_COLUMNS,
  ...PERCENT_COLUMNS,
]);

const isReportName = (name: string | undefined): name is ReportName =>
  REPORT_NAMES.some((candidate) => candidate === name);

function useCellText() {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  return (column: string, value: ReportCell, row: Record<string, ReportCell>): string => {
    if (value === null) return column === 'winRate' ? '–' : t('reports.none');
    if (MONEY_COLUMNS.has(column)) {
      return new Intl.NumberFormat(language, { style: 'currency', currency: String(row.currency) }).format(
        Number(value),
      );
    }
    if (PERCENT_COLUMNS.has(column)) {
      return `${new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(Number(value))} %`;
    }
    if (typeof value === 'number') return new Intl.NumberFormat(language).format(value);
    if (column === 'band') return t(`reports.bands.${value}`);
    if (column === 'month') {
      const [year, month] = value.split('-').map(Number);
      return new Intl.DateTimeFormat(language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
        new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, 1)),
      );
    }
    return value;
  };
}

type Section = Report['sections'][number];

/** Rows with the same label (one per currency) added up: counts are the same in any currency. */
function countsBy(section: Section, labelOf: (row: Section['rows'][number]) => string, column: string) {
  const counts = new Map<string, number>();
  for (const row of section.rows) {
    const label = labelOf(row);
    counts.set(label, (counts.get(label) ?? 0) + Number(row[column] ?? 0));
  }
  return [...counts];
}

/** The chart a section opens with, where one helps: counts, as every currency has them. */
function useSectionChart() {
  const { t, i18n } = useTranslation();
  const cellText = useCellText();
  const count = (value: number) => new Intl.NumberFormat(i18n.language).format(value);
  const point = ([label, value]: [string, number]): ChartPoint => ({ key: label, label, value, text: count(value) });
  return (section: Section): ChartSpec | null => {
    if (section.rows.length === 0) return null;
    switch (section.key) {
      case 'stages': {
        const pipelines = new Set(section.rows.map((row) => row.pipeline));
        const label = (row: Section['rows'][number]) =>
          pipelines.size > 1 ? `${row.pipeline} · ${row.stage}` : String(row.stage);
        return { kind: 'bars', points: countsBy(section, label, 'count').map(point) };
      }
      case 'months': {
        const month = (row: Section['rows'][number]) => cellText('month', row.month ?? null, row);
        const won = countsBy(section, month, 'won');
        const lost = new Map(countsBy(section, month, 'lost'));
        return {
          kind: 'grouped-columns',
          series: [
            { key: 'won', label: t('reports.columns.won') },
            { key: 'lost', label: t('reports.columns.lost') },
          ],
          groups: won.map(([label, wonCount]) => ({
            key: label,
            label,
            values: [wonCount, lost.get(label) ?? 0].map((value) => ({ value, text: count(value) })),
          })),
        };
      }
      case 'lostReasons':
        return {
          kind: 'donut',
          points: countsBy(section, (row) => cellText('reason', row.reason ?? null, row), 'count').map(point),
        };
      default:
        return null;
    }
  };
}

function ReportTable({ section }: { section: Section }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const headingId = useId();
  const cellText = useCellText();
  const chart = useSectionChart()(section);
  const title = t(`reports.sections.${section.key}`);
  return (
    <section className={styles.section} aria-labelledby={headingId}>
      <h2 id={headingId} className={styles.heading}>
        {title}
      </h2>
      {chart && (
        <div className={styles.chart}>
          <LazyChart title={title} spec={chart} />
        </div>
      )}
      {section.rows.length === 0 ? (
        <Text>{t('reports.empty')}</Text>
      ) : (
        <Table size="small" aria-labelledby={headingId}>
          <TableHeader>
            <TableRow>
              {section.columns.map((column) => (
                <TableHeaderCell
                  key={column}
                  button={NUMBER_COLUMNS.has(column) ? { className: styles.numberHeader } : undefined}
                >
                  {t(`reports.columns.${column}`)}
                </TableHeaderCell>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {section.rows.map((row, index) => (
              // Rows have no id of their own; a report's rows are only ever replaced as a whole.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <TableRow key={index}>
                {section.columns.map((column) => (
                  <TableCell key={column} className={NUMBER_COLUMNS.has(column) ? styles.number : undefined}>
                    {cellText(column, row[column] ?? null, row)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

export default function ReportsPage() {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const navigate = useNavigate();
  const params = useParams();
  const name: ReportName = isReportName(params.name) ? params.name : 'pipeline';
  const [search, setSearch] = useSearchParams();
  const takes: readonly string[] = REPORT_FILTERS[name];
  const query: Record<string, string | undefined> = {};
  for (const filter of takes) query[filter] = search.get(filter) || undefined;
  const report = useApiQuery<Report>(`/v1/reports/${name}`, query);
  const pipelines = usePipelines();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  const setFilter = (filter: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(filter, value);
    else next.delete(filter);
    setSearch(next, { replace: true });
  };

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const file = await api.download(`/v1/reports/${name}`, 'text/csv', query);
      const url = URL.createObjectURL(file.blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = file.filename ?? `${name}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className={styles.page}>
      <h1>{`${t('reports.title')}: ${t(`reports.names.${name}`)}`}</h1>
      <search className={styles.filters} data-print="hide" aria-label={t('reports.filters')}>
        <Field label={t('reports.choose')}>
          <Select value={name} onChange={(_, data) => void navigate(`/reports/${data.value}?${search.toString()}`)}>
            {REPORT_NAMES.map((candidate) => (
              <option key={candidate} value={candidate}>
                {t(`reports.names.${candidate}`)}
              </option>
            ))}
          </Select>
        </Field>
        {takes.includes('pipelineId') && (
          <Field label={t('reports.pipeline')}>
            <Select value={search.get('pipelineId') ?? ''} onChange={(_, data) => setFilter('pipelineId', data.value)}>
              <option value="">{t('reports.allPipelines')}</option>
              {(pipelines.data?.items ?? [])
                .filter((pipeline) => pipeline.kind === 'deal')
                .map((pipeline) => (
                  <option key={pipeline.id} value={pipeline.id}>
                    {pipeline.name}
                  </option>
                ))}
            </Select>
          </Field>
        )}
        {takes.includes('ownerId') && (
          <UserPicker
            label={t('reports.owner')}
            value={search.get('ownerId') ?? ''}
            onChange={(userId) => setFilter('ownerId', userId)}
          />
        )}
        {takes.includes('from') && (
          <Field label={t('reports.from')}>
            <Input type="date" value={search.get('from') ?? ''} onChange={(_, data) => setFilter('from', data.value)} />
          </Field>
        )}
        {takes.includes('to') && (
          <Field label={t('reports.to')}>
            <Input type="date" value={search.get('to') ?? ''} onChange={(_, data) => setFilter('to', data.value)} />
          </Field>
        )}
        <div className={styles.actions}>
          <Button appearance="primary" disabled={exporting} onClick={() => void exportCsv()}>
            {exporting ? t('reports.exporting') : t('reports.exportCsv')}
          </Button>
          <Button onClick={() => window.print()}>{t('reports.print')}</Button>
        </div>
      </search>
      {exportError !== null && <ErrorBar error={exportError} />}
      <Text className={styles.printedAt} size={200}>
        {t('reports.printedAt', {
          when: new Date().toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }),
        })}
      </Text>
      {report.isPending && <Spinner label={t('reports.loading')} />}
      {report.isError && <ErrorBar error={report.error} onRetry={() => void report.refetch()} />}
      {report.data?.sections.map((section) => (
        <ReportTable key={section.key} section={section} />
      ))}
    </div>
  );
}
