// A list of one area (persons, organizations, deals, leads, tasks): only the rows in view are in
// the page (virtualised), cursor pages are fetched as the user scrolls towards them, and a
// sortable column's header sorts by it.
import type { Deal, Lead, Organization, Person } from '@crm/backend/contract';
import { Button, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useListPages } from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import { LinkButton } from '../components/LinkButton.tsx';
import { isFormType } from '../forms.ts';
import { isListType, type ListType } from '../lists.ts';
import { recordPath, titleOf } from '../records.ts';

const PAGE_SIZE = 50;
const ROW_HEIGHT = 40;

type Row = Record<string, unknown> & { id: string };

interface Column {
  key: string;
  /** The API's sort that orders by this column, when it has one. */
  sort?: string;
  width: string;
  cell(row: Row, language: string): ReactNode;
}

const date = (value: unknown, language: string) =>
  typeof value === 'string' && value !== ''
    ? new Date(value.length === 10 ? `${value}T12:00:00` : value).toLocaleDateString(language)
    : '';

const money = (row: Row, language: string) => {
  const deal = row as unknown as Deal;
  return new Intl.NumberFormat(language, { style: 'currency', currency: deal.currency }).format(Number(deal.value));
};

function nameCell(type: string) {
  return (row: Row) => {
    const path = recordPath(type, row.id);
    const title = titleOf(type, row) || '—';
    return path ? <Link to={path}>{title}</Link> : title;
  };
}

const LISTS: Record<ListType, { path: string; defaultSort: string; columns: Column[] }> = {
  person: {
    path: '/v1/persons',
    defaultSort: 'name',
    columns: [
      { key: 'name', sort: 'name', width: '2fr', cell: nameCell('person') },
      { key: 'email', width: '2fr', cell: (row) => (row as unknown as Person).emails[0]?.address ?? '' },
      { key: 'phone', width: '1.5fr', cell: (row) => (row as unknown as Person).phones[0]?.number ?? '' },
      { key: 'updatedAt', sort: '-updatedAt', width: '1fr', cell: (row, language) => date(row.updatedAt, language) },
    ],
  },
  organization: {
    path: '/v1/organizations',
    defaultSort: 'name',
    columns: [
      { key: 'name', sort: 'name', width: '3fr', cell: nameCell('organization') },
      {
        key: 'city',
        width: '1.5fr',
        cell: (row) => (row as unknown as Organization).addresses?.[0]?.city ?? '',
      },
      { key: 'updatedAt', sort: '-updatedAt', width: '1fr', cell: (row, language) => date(row.updatedAt, language) },
    ],
  },
  deal: {
    path: '/v1/deals',
    defaultSort: '-updatedAt',
    columns: [
      { key: 'title', sort: 'title', width: '2.5fr', cell: nameCell('deal') },
      { key: 'stage', width: '1.5fr', cell: (row) => (row as unknown as Deal).stageName },
      { key: 'value', width: '1fr', cell: money },
      {
        key: 'expectedCloseDate',
        sort: 'expectedCloseDate',
        width: '1fr',
        cell: (row, language) => date(row.expectedCloseDate, language),
      },
      { key: 'updatedAt', sort: '-updatedAt', width: '1fr', cell: (row, language) => date(row.updatedAt, language) },
    ],
  },
  lead: {
    path: '/v1/leads',
    defaultSort: '-updatedAt',
    columns: [
      { key: 'title', sort: 'title', width: '2.5fr', cell: nameCell('lead') },
      { key: 'status', width: '1fr', cell: (row) => String((row as unknown as Lead).status) },
      { key: 'createdAt', sort: '-createdAt', width: '1fr', cell: (row, language) => date(row.createdAt, language) },
      { key: 'updatedAt', sort: '-updatedAt', width: '1fr', cell: (row, language) => date(row.updatedAt, language) },
    ],
  },
  task: {
    path: '/v1/tasks',
    defaultSort: 'dueAt',
    columns: [
      {
        key: 'title',
        width: '3fr',
        // A task has no 360° page: its title opens the task to edit.
        cell: (row) => <Link to={`/records/task/${encodeURIComponent(row.id)}/edit`}>{String(row.title)}</Link>,
      },
      { key: 'dueAt', sort: 'dueAt', width: '1fr', cell: (row, language) => date(row.dueAt, language) },
      { key: 'priority', sort: 'priority', width: '1fr', cell: (row) => String(row.priority) },
      { key: 'status', width: '1fr', cell: (row) => String(row.status) },
      { key: 'updatedAt', sort: '-updatedAt', width: '1fr', cell: (row, language) => date(row.updatedAt, language) },
    ],
  },
};

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  titleRow: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: tokens.spacingHorizontalM,
  },
  scroller: {
    height: 'calc(100vh - 220px)',
    minHeight: '240px',
    overflowY: 'auto',
    overflowX: 'auto',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  table: { display: 'block', minWidth: '560px', borderCollapse: 'collapse' },
  block: { display: 'block' },
  row: {
    display: 'grid',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalM,
    padding: `0 ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    boxSizing: 'border-box',
  },
  head: {
    position: 'sticky',
    top: 0,
    zIndex: 1,
    backgroundColor: tokens.colorNeutralBackground3,
    minHeight: `${ROW_HEIGHT}px`,
  },
  cell: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', textAlign: 'start', padding: 0 },
});

function List({ type }: { type: ListType }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const list = LISTS[type];
  const [sort, setSort] = useState(list.defaultSort);
  const pages = useListPages<Row>(list.path, sort, PAGE_SIZE);
  const rows = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: pages.hasNextPage ? rows.length + 1 : rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const shown = virtualizer.getVirtualItems();
  const lastShown = shown.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  useEffect(() => {
    // The next page only when the rows in view reach the end of what is loaded.
    if (hasNextPage && !isFetchingNextPage && lastShown >= rows.length - 1) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastShown, rows.length]);

  const template = list.columns.map((column) => column.width).join(' ');
  if (pages.error) return <ErrorBar error={pages.error} onRetry={() => void pages.refetch()} />;
  return (
    <div ref={scroller} className={styles.scroller} tabIndex={-1}>
      <table
        aria-label={t(`types.plural.${type}`)}
        aria-rowcount={pages.hasNextPage ? -1 : rows.length + 1}
        className={styles.table}
      >
        <thead className={styles.block}>
          <tr aria-rowindex={1} className={`${styles.row} ${styles.head}`} style={{ gridTemplateColumns: template }}>
            {list.columns.map((column) => (
              <th
                key={column.key}
                scope="col"
                className={styles.cell}
                aria-sort={
                  column.sort && column.sort === sort
                    ? column.sort.startsWith('-')
                      ? 'descending'
                      : 'ascending'
                    : undefined
                }
              >
                {column.sort ? (
                  <Button
                    appearance="transparent"
                    size="small"
                    icon={column.sort === sort ? <span aria-hidden="true">↓</span> : undefined}
                    iconPosition="after"
                    onClick={() => setSort(column.sort as string)}
                  >
                    {t(`columns.${column.key}`)}
                  </Button>
                ) : (
                  <Text weight="semibold" size={200}>
                    {t(`columns.${column.key}`)}
                  </Text>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={styles.block} style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          {shown.map((item) => {
            const row = rows[item.index];
            return (
              <tr
                key={item.key}
                aria-rowindex={item.index + 2}
                className={styles.row}
                style={{
                  gridTemplateColumns: template,
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  height: `${item.size}px`,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                {row ? (
                  list.columns.map((column) => (
                    <td key={column.key} className={styles.cell}>
                      {column.cell(row, i18n.language)}
                    </td>
                  ))
                ) : (
                  <td>
                    <Spinner size="tiny" label={t('list.loadingMore')} />
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {pages.isPending && <Spinner label={t('list.loading')} />}
      {!pages.isPending && rows.length === 0 && <Text as="p">{t('list.empty')}</Text>}
    </div>
  );
}

export default function ListPage() {
  const { t } = useTranslation();
  const styles = useStyles();
  const { type } = useParams();
  if (!isListType(type)) return <Text as="p">{t('app.noSuchPage')}</Text>;
  return (
    <div className={styles.page}>
      <div className={styles.titleRow}>
        <Text as="h1" size={700} weight="semibold">
          {t(`types.plural.${type}`)}
        </Text>
        {isFormType(type) && (
          <LinkButton appearance="primary" to={`/records/${type}/new`}>
            {t(`form.new.${type}`)}
          </LinkButton>
        )}
      </div>
      <List key={type} type={type} />
    </div>
  );
}
