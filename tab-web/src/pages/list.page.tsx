// A list of one area (persons, organizations, deals, leads, tasks, activities): only the rows in
// view are in the page (virtualised) and only their pages are fetched, by offset; the header
// tells the total. Columns are chosen, ordered and sized per user and kept on the server (V6);
// quick filters and the filter builder (V5) combine; saved filters and favourites.
import type { FavouriteList, FilterNode, ListColumnSetting, ListSettings, SavedFilter } from '@crm/backend/contract';
import {
  Badge,
  Button,
  Checkbox,
  Field,
  Input,
  Menu,
  MenuButton,
  MenuDivider,
  MenuItem,
  MenuItemCheckbox,
  MenuList,
  MenuPopover,
  MenuTrigger,
  makeStyles,
  Select,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type PointerEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import {
  useCustomFields,
  useFavouriteLists,
  useListSettings,
  useListWindow,
  useMe,
  useSavedFilterChanges,
  useSavedFilters,
  useTags,
} from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import { FilterBuilder } from '../components/FilterBuilder.tsx';
import { LinkButton } from '../components/LinkButton.tsx';
import { allOf, type Draft, emptyDraft, fromTree, toTree } from '../filter-draft.ts';
import { isFormType } from '../forms.ts';
import {
  type Column,
  customFieldChoice,
  customFieldColumn,
  type FilterFieldChoice,
  LISTS,
  type Row,
} from '../list-columns.tsx';
import { isListType, type ListType } from '../lists.ts';

const PAGE_SIZE = 50;
const ROW_HEIGHT = 40;
const MIN_WIDTH = 48;
const MAX_WIDTH = 1200;

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  heading: { display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', gap: tokens.spacingHorizontalM },
  toolbar: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM },
  quick: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    margin: 0,
    padding: `0 ${tokens.spacingHorizontalS}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  visuallyHidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
  countBadge: { marginLeft: tokens.spacingHorizontalXS },
  quickLegend: { padding: `0 ${tokens.spacingHorizontalXS}` },
  activeQuick: { fontWeight: tokens.fontWeightSemibold },
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
  },
  saveLine: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalS },
  scroller: {
    height: 'calc(100vh - 300px)',
    minHeight: '280px',
    overflow: 'auto',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  table: { display: 'block', borderCollapse: 'collapse' },
  block: { display: 'block' },
  row: {
    display: 'grid',
    alignItems: 'center',
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    boxSizing: 'border-box',
  },
  // The head sticks within the table (a sticky row would only stick within its thead).
  thead: { display: 'block', position: 'sticky', top: 0, zIndex: 1 },
  head: { backgroundColor: tokens.colorNeutralBackground3, minHeight: `${ROW_HEIGHT}px` },
  cell: {
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    textAlign: 'start',
    padding: `0 ${tokens.spacingHorizontalS}`,
  },
  headCell: { position: 'relative', display: 'flex', alignItems: 'center', padding: 0 },
  headButton: {
    minWidth: 0,
    maxWidth: '100%',
    justifyContent: 'flex-start',
    padding: `0 ${tokens.spacingHorizontalS}`,
    fontWeight: tokens.fontWeightSemibold,
  },
  resizer: {
    position: 'absolute',
    top: 0,
    right: 0,
    width: '8px',
    height: '100%',
    cursor: 'col-resize',
    touchAction: 'none',
    ':hover': { backgroundColor: tokens.colorNeutralStroke1 },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, backgroundColor: tokens.colorBrandStroke1 },
  },
});

/** The columns as the user arranged them: their order, widths and which show. */
function arranged(all: readonly Column[], kept: readonly ListColumnSetting[] | undefined) {
  const byKey = new Map(all.map((column) => [column.key, column]));
  const ordered: { column: Column; width: number; hidden: boolean }[] = [];
  for (const setting of kept ?? []) {
    const column = byKey.get(setting.key);
    if (!column) continue;
    byKey.delete(setting.key);
    ordered.push({ column, width: setting.width ?? column.width, hidden: setting.hidden ?? false });
  }
  // Columns the user has not arranged yet (new ones, custom fields defined since) keep their default.
  for (const column of byKey.values()) ordered.push({ column, width: column.width, hidden: !column.shown });
  return ordered;
}

const countConditions = (node: FilterNode | undefined): number =>
  !node
    ? 0
    : 'and' in node
      ? node.and.reduce((n, child) => n + countConditions(child), 0)
      : 'or' in node
        ? node.or.reduce((n, child) => n + countConditions(child), 0)
        : 1;

function List({ type }: { type: ListType }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const definition = LISTS[type];
  const entityType = definition.entityType;
  const me = useMe();
  const myId = me.data?.user.id;
  const isAdmin = me.data?.roles.includes('admin') ?? false;
  const customFields = useApiCustomFields(entityType);
  const tags = useTags();
  const { stored, save } = useListSettings(type);
  const favourites = useFavouriteLists();
  const savedFilters = useSavedFilters(definition.savedFilterType, true);
  const changes = useSavedFilterChanges();
  const [searchParams, setSearchParams] = useSearchParams();
  const savedFilterId = searchParams.get('savedFilter');

  // The user's arrangement: what the server keeps, changed here first and then kept there.
  const [settings, setSettings] = useState<ListSettings | null>(null);
  useEffect(() => {
    if (stored.data && settings === null) setSettings(stored.data.value ?? { columns: [] });
  }, [stored.data, settings]);
  const change = (next: ListSettings) => {
    setSettings(next);
    save.mutate(next);
  };

  const language = i18n.language === 'de' ? 'de' : 'en';
  const allColumns = useMemo(
    () => [
      ...definition.columns,
      ...customFields.map((field) =>
        customFieldColumn({ key: field.key, label: field.labels[language], type: field.type }),
      ),
    ],
    [definition, customFields, language],
  );
  const fields: FilterFieldChoice[] = useMemo(
    () => [
      ...definition.fields.filter((field) => field.type !== 'tags' || entityType !== null),
      ...customFields.map((field) =>
        customFieldChoice({
          key: field.key,
          label: field.labels[language],
          type: field.type,
          options: field.options.map((option) => ({ value: option.value, label: option.labels[language] })),
        }),
      ),
    ],
    [definition, customFields, language, entityType],
  );
  const layout = arranged(allColumns, settings?.columns);
  const shownColumns = layout.filter((entry) => !entry.hidden);
  const sort = settings?.sort ?? definition.defaultSort;
  const quick = settings?.quickFilters ?? [];

  // The builder's draft, and the tree it last applied; a saved filter from the address fills both.
  const [draft, setDraft] = useState<Draft>(emptyDraft());
  const [applied, setApplied] = useState<FilterNode | undefined>(undefined);
  const [builderOpen, setBuilderOpen] = useState(false);
  const [name, setName] = useState('');
  const [forCompany, setForCompany] = useState(false);
  const selected = savedFilters.data?.items.find((saved) => saved.id === savedFilterId);
  useEffect(() => {
    if (!selected) return;
    setDraft(fromTree(selected.filter));
    setApplied(selected.filter);
    setName(selected.name);
  }, [selected]);

  const now = useMemo(() => new Date(), []);
  const quickTrees = quick.flatMap((key) => {
    const make = definition.quickFilters[key];
    return make && myId ? [make(myId, now)] : [];
  });
  const filter = allOf([...quickTrees, applied]);

  // A column being sized by pointer: its width while the pointer moves, kept when it lets go.
  const [resizing, setResizing] = useState<{ key: string; width: number } | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [pagesInView, setPagesInView] = useState<number[]>([0]);
  const list = useListWindow<Row>(definition.path, { sort, filter }, PAGE_SIZE, pagesInView);
  const total = list.total ?? 0;
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  const shown = virtualizer.getVirtualItems();
  const firstPage = Math.floor((shown[0]?.index ?? 0) / PAGE_SIZE);
  const lastPage = Math.floor((shown.at(-1)?.index ?? 0) / PAGE_SIZE);
  useEffect(() => {
    const pages: number[] = [];
    for (let page = firstPage; page <= lastPage; page++) pages.push(page);
    setPagesInView((current) => (current.join() === pages.join() ? current : pages));
  }, [firstPage, lastPage]);
  // A new filter or sort starts at the top.
  const filterKey = JSON.stringify([sort, filter]);
  useEffect(() => {
    void filterKey;
    scroller.current?.scrollTo({ top: 0 });
  }, [filterKey]);

  if (stored.isPending || settings === null) return <Spinner label={t('list.loading')} />;

  const setColumns = (entries: typeof layout) =>
    change({
      ...settings,
      columns: entries.map((entry) => ({
        key: entry.column.key,
        width: entry.width,
        ...(entry.hidden ? { hidden: true } : {}),
      })),
    });
  const move = (key: string, by: -1 | 1) => {
    // Moves among the shown columns: past hidden ones, to the next shown place.
    const visible = layout.filter((entry) => !entry.hidden).map((entry) => entry.column.key);
    const at = visible.indexOf(key);
    const target = visible[at + by];
    if (target === undefined) return;
    moveTo(key, target);
  };
  const moveTo = (key: string, target: string) => {
    const entries = [...layout];
    const from = entries.findIndex((entry) => entry.column.key === key);
    const to = entries.findIndex((entry) => entry.column.key === target);
    if (from < 0 || to < 0 || from === to) return;
    const [entry] = entries.splice(from, 1);
    if (entry) entries.splice(to, 0, entry);
    setColumns(entries);
  };
  const resize = (key: string, width: number) =>
    setColumns(
      layout.map((entry) =>
        entry.column.key === key
          ? { ...entry, width: Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width))) }
          : entry,
      ),
    );
  const toggleColumn = (key: string, show: boolean) => {
    if (!show && shownColumns.length <= 1) return;
    setColumns(layout.map((entry) => (entry.column.key === key ? { ...entry, hidden: !show } : entry)));
  };
  const setSort = (next: string) => change({ ...settings, sort: next });
  const setQuick = (key: string, on: boolean) =>
    change({ ...settings, quickFilters: on ? [...quick, key] : quick.filter((candidate) => candidate !== key) });

  const chooseSaved = (id: string) => {
    const next = new URLSearchParams(searchParams);
    if (id) next.set('savedFilter', id);
    else {
      next.delete('savedFilter');
      setDraft(emptyDraft());
      setApplied(undefined);
      setName('');
    }
    setSearchParams(next);
  };
  const mayEdit = (saved: SavedFilter | undefined) => saved !== undefined && (saved.scope === 'private' || isAdmin);
  const applyDraft = () => setApplied(toTree(draft, fields));
  const builtTree = toTree(draft, fields);

  const favouriteList = favourites.stored.data?.value.items ?? [];
  const isFavourite = favouriteList.some(
    (item) => item.listType === type && item.savedFilterId === (selected?.id ?? null),
  );
  const toggleFavourite = () => {
    const entry: FavouriteList = {
      listType: type,
      savedFilterId: selected?.id ?? null,
      label: selected ? `${t(`types.plural.${type}`)}: ${selected.name}` : t(`types.plural.${type}`),
    };
    const items = isFavourite
      ? favouriteList.filter((item) => !(item.listType === type && item.savedFilterId === entry.savedFilterId))
      : [...favouriteList, entry];
    favourites.save.mutate({ items });
  };

  const widthOf = (entry: (typeof layout)[number]) =>
    resizing?.key === entry.column.key ? resizing.width : entry.width;
  // A favourite of a renamed saved filter takes its new name.
  const renameFavourite = (renamed: SavedFilter) => {
    if (!favouriteList.some((item) => item.savedFilterId === renamed.id)) return;
    favourites.save.mutate({
      items: favouriteList.map((item) =>
        item.savedFilterId === renamed.id
          ? { ...item, label: `${t(`types.plural.${item.listType}`)}: ${renamed.name}` }
          : item,
      ),
    });
  };

  const dropFavourite = (savedId: string) => {
    if (!favouriteList.some((item) => item.savedFilterId === savedId)) return;
    favourites.save.mutate({ items: favouriteList.filter((item) => item.savedFilterId !== savedId) });
  };

  const template = shownColumns.map((entry) => `${widthOf(entry)}px`).join(' ');
  const tableWidth = shownColumns.reduce((sum, entry) => sum + widthOf(entry), 0);
  const number = new Intl.NumberFormat(i18n.language);
  const activeQuick = quick.filter((key) => key in definition.quickFilters);
  const advancedCount = countConditions(applied);

  return (
    <>
      <div className={styles.toolbar}>
        <fieldset className={styles.quick}>
          <legend className={styles.quickLegend}>
            {t('list.quickFilters')}{' '}
            {activeQuick.length > 0 && (
              <Badge appearance="filled" color="brand" size="small">
                {t('list.activeCount', { count: activeQuick.length })}
              </Badge>
            )}
          </legend>
          {Object.keys(definition.quickFilters).map((key) => (
            <Checkbox
              key={key}
              checked={quick.includes(key)}
              className={quick.includes(key) ? styles.activeQuick : undefined}
              label={t(`quick.${key}`)}
              onChange={(_, data) => setQuick(key, data.checked === true)}
            />
          ))}
        </fieldset>
        <Field label={t('list.savedFilter')}>
          <Select value={selected?.id ?? ''} onChange={(_, data) => chooseSaved(data.value)}>
            <option value="">{t('list.noSavedFilter')}</option>
            {(savedFilters.data?.items ?? []).map((saved) => (
              <option key={saved.id} value={saved.id}>
                {saved.scope === 'company' ? t('list.companyFilter', { name: saved.name }) : saved.name}
              </option>
            ))}
          </Select>
        </Field>
        <Button
          aria-expanded={builderOpen}
          aria-describedby={advancedCount > 0 ? 'list-conditions-active' : undefined}
          onClick={() => setBuilderOpen(!builderOpen)}
        >
          {t('list.filter')}
          {advancedCount > 0 && (
            <Badge appearance="filled" color="brand" size="small" className={styles.countBadge}>
              {advancedCount}
            </Badge>
          )}
        </Button>
        {advancedCount > 0 && (
          <span id="list-conditions-active" className={styles.visuallyHidden}>
            {t('list.conditionsActive', { count: advancedCount })}
          </span>
        )}
        <Menu
          checkedValues={{ columns: shownColumns.map((entry) => entry.column.key) }}
          onCheckedValueChange={(_, data) => {
            const wanted = new Set(data.checkedItems);
            const key = layout.find((entry) => wanted.has(entry.column.key) === entry.hidden)?.column.key;
            if (key) toggleColumn(key, wanted.has(key));
          }}
        >
          <MenuTrigger disableButtonEnhancement>
            <MenuButton>{t('list.columns')}</MenuButton>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              {layout.map((entry) => (
                <MenuItemCheckbox key={entry.column.key} name="columns" value={entry.column.key}>
                  {entry.column.label ?? t(`columns.${entry.column.key}`)}
                </MenuItemCheckbox>
              ))}
              <MenuDivider />
              <MenuItem onClick={() => change({ columns: [], quickFilters: quick })}>{t('list.resetColumns')}</MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
        <Button appearance={isFavourite ? 'primary' : 'secondary'} aria-pressed={isFavourite} onClick={toggleFavourite}>
          {isFavourite ? `★ ${t('list.favourite')}` : `☆ ${t('list.addFavourite')}`}
        </Button>
      </div>

      {builderOpen && (
        <section className={styles.panel} aria-label={t('list.filterBuilder')}>
          <FilterBuilder draft={draft} fields={fields} tags={tags.data?.items ?? []} onChange={setDraft} />
          <div className={styles.saveLine}>
            <Button appearance="primary" onClick={applyDraft}>
              {t('filter.apply')}
            </Button>
            <Button
              onClick={() => {
                setDraft(emptyDraft());
                setApplied(undefined);
              }}
            >
              {t('filter.clear')}
            </Button>
          </div>
          <div className={styles.saveLine}>
            <Field label={t('filter.name')}>
              <Input value={name} onChange={(_, data) => setName(data.value)} />
            </Field>
            {isAdmin && (
              <Checkbox
                checked={forCompany}
                label={t('filter.forCompany')}
                onChange={(_, data) => setForCompany(data.checked === true)}
              />
            )}
            <Button
              disabled={name.trim() === '' || !builtTree}
              onClick={() =>
                builtTree &&
                changes.create.mutate(
                  {
                    name: name.trim(),
                    entityType: definition.savedFilterType,
                    filter: builtTree,
                    scope: forCompany ? 'company' : 'private',
                  },
                  {
                    onSuccess: (saved) => {
                      setApplied(builtTree);
                      chooseSaved(saved.id);
                    },
                  },
                )
              }
            >
              {t('filter.saveAs')}
            </Button>
            {selected && mayEdit(selected) && (
              <>
                <Button
                  disabled={!builtTree || name.trim() === ''}
                  onClick={() =>
                    builtTree &&
                    changes.update.mutate(
                      { saved: selected, change: { name: name.trim(), filter: builtTree } },
                      {
                        onSuccess: (renamed) => {
                          setApplied(builtTree);
                          renameFavourite(renamed);
                        },
                      },
                    )
                  }
                >
                  {t('filter.saveChanges')}
                </Button>
                <Button
                  onClick={() =>
                    changes.remove.mutate(selected, {
                      onSuccess: () => {
                        chooseSaved('');
                        dropFavourite(selected.id);
                      },
                    })
                  }
                >
                  {t('filter.delete')}
                </Button>
              </>
            )}
          </div>
          {[changes.create.error, changes.update.error, changes.remove.error].map(
            (error, index) => error && <ErrorBar key={['create', 'update', 'remove'][index]} error={error} />,
          )}
        </section>
      )}

      <Text as="p" aria-live="polite" role="status">
        {list.isPending
          ? t('list.loading')
          : list.totalCapped
            ? t('list.totalCapped', { count: total, formatted: number.format(total) })
            : t('list.total', { count: total, formatted: number.format(total) })}
      </Text>
      {list.error && <ErrorBar error={list.error} onRetry={() => void list.refetch()} />}
      <div ref={scroller} className={styles.scroller}>
        <table
          aria-label={t(`types.plural.${type}`)}
          aria-rowcount={total + 1}
          className={styles.table}
          style={{ width: `${tableWidth}px`, minWidth: '100%' }}
        >
          <thead className={styles.thead}>
            <tr aria-rowindex={1} className={`${styles.row} ${styles.head}`} style={{ gridTemplateColumns: template }}>
              {shownColumns.map((entry, index) => (
                <HeaderCell
                  key={entry.column.key}
                  column={entry.column}
                  width={entry.width}
                  sort={sort}
                  first={index === 0}
                  last={index === shownColumns.length - 1}
                  onSort={setSort}
                  onMove={(by) => move(entry.column.key, by)}
                  onDropOn={(key) => moveTo(key, entry.column.key)}
                  onResize={(width) => resize(entry.column.key, width)}
                  onResizing={(width) => setResizing(width === null ? null : { key: entry.column.key, width })}
                  onHide={shownColumns.length > 1 ? () => toggleColumn(entry.column.key, false) : undefined}
                />
              ))}
            </tr>
          </thead>
          <tbody className={styles.block} style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
            {shown.map((item) => {
              const row = list.row(item.index);
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
                    shownColumns.map((entry) => (
                      <td key={entry.column.key} className={styles.cell}>
                        {entry.column.cell(row, i18n.language)}
                      </td>
                    ))
                  ) : (
                    <td className={styles.cell}>
                      <Spinner size="tiny" label={t('list.loadingMore')} />
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
        {!list.isPending && total === 0 && (
          <Text as="p" className={styles.cell}>
            {filter ? t('list.noMatch') : t('list.empty')}
          </Text>
        )}
      </div>
    </>
  );
}

function useApiCustomFields(entityType: string | null) {
  const query = useCustomFields(entityType ?? 'person', entityType !== null);
  return entityType === null ? [] : (query.data?.items ?? []);
}

function HeaderCell({
  column,
  width,
  sort,
  first,
  last,
  onSort,
  onMove,
  onDropOn,
  onResize,
  onResizing,
  onHide,
}: {
  column: Column;
  width: number;
  sort: string;
  first: boolean;
  last: boolean;
  onSort(sort: string): void;
  onMove(by: -1 | 1): void;
  onDropOn(key: string): void;
  onResize(width: number): void;
  onResizing(width: number | null): void;
  onHide: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const label = column.label ?? t(`columns.${column.key}`);
  const direction = column.sort?.asc === sort ? 'ascending' : column.sort?.desc === sort ? 'descending' : undefined;
  // While dragging the resizer: the width it started from, where the pointer was, the width now.
  // Refs, not state: pointer events come faster than renders.
  const dragStart = useRef<{ x: number; width: number } | null>(null);
  const dragged = useRef<number | null>(null);
  const [draft, setDraft] = useState<number | null>(null);
  const shownWidth = draft ?? width;

  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 50 : 10;
    if (event.key === 'ArrowLeft') onResize(width - step);
    else if (event.key === 'ArrowRight') onResize(width + step);
    else return;
    event.preventDefault();
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    dragStart.current = { x: event.clientX, width };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = dragStart.current;
    if (!start) return;
    const next = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, start.width + event.clientX - start.x));
    dragged.current = next;
    setDraft(next);
    onResizing(next);
  };
  const onPointerUp = () => {
    if (dragged.current !== null) onResize(dragged.current);
    dragStart.current = null;
    dragged.current = null;
    setDraft(null);
    onResizing(null);
  };

  return (
    <th
      scope="col"
      aria-label={label}
      aria-sort={direction}
      className={styles.headCell}
      draggable
      onDragStart={(event) => {
        // A drag that starts on the resizer sizes the column; it does not move it.
        if (dragStart.current) event.preventDefault();
        else event.dataTransfer.setData('text/x-crm-column', column.key);
      }}
      onDragOver={(event) => event.preventDefault()}
      onDrop={(event) => {
        const key = event.dataTransfer.getData('text/x-crm-column');
        if (key && key !== column.key) onDropOn(key);
      }}
    >
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <Button
            appearance="transparent"
            size="small"
            className={styles.headButton}
            icon={direction ? <span aria-hidden="true">{direction === 'ascending' ? '↑' : '↓'}</span> : undefined}
            iconPosition="after"
            title={t('list.columnMenu', { column: label })}
          >
            {label}
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            {column.sort && (
              <>
                <MenuItem onClick={() => column.sort && onSort(column.sort.asc)}>{t('list.sortAscending')}</MenuItem>
                <MenuItem onClick={() => column.sort && onSort(column.sort.desc)}>{t('list.sortDescending')}</MenuItem>
                <MenuDivider />
              </>
            )}
            <MenuItem disabled={first} onClick={() => onMove(-1)}>
              {t('list.moveLeft')}
            </MenuItem>
            <MenuItem disabled={last} onClick={() => onMove(1)}>
              {t('list.moveRight')}
            </MenuItem>
            <MenuItem onClick={() => onResize(width + 50)}>{t('list.wider')}</MenuItem>
            <MenuItem onClick={() => onResize(width - 50)}>{t('list.narrower')}</MenuItem>
            {onHide && <MenuItem onClick={onHide}>{t('list.hideColumn')}</MenuItem>}
          </MenuList>
        </MenuPopover>
      </Menu>
      {/* biome-ignore lint/a11y/useSemanticElements: a focusable splitter has no HTML element; <hr> cannot take focus */}
      <div
        role="separator"
        tabIndex={0}
        aria-orientation="vertical"
        aria-label={t('list.resize', { column: label })}
        aria-valuenow={shownWidth}
        aria-valuemin={MIN_WIDTH}
        aria-valuemax={MAX_WIDTH}
        className={styles.resizer}
        onKeyDown={onKey}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      />
    </th>
  );
}

export default function ListPage() {
  const { t } = useTranslation();
  const styles = useStyles();
  const { type } = useParams();
  if (!isListType(type)) return <Text as="p">{t('app.noSuchPage')}</Text>;
  return (
    <div className={styles.page}>
      <div className={styles.heading}>
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
