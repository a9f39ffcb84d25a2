// The calendar and timeline (T8): activities, tasks and deal phases by day, week and month, and the
// deals' phases as bars coloured by how far their tasks are done. The days are cut in the user's
// time zone (the API answers it); the arrow keys move the day, Enter opens the day or the item.
import { CALENDAR_ITEM_TYPES, type Calendar, type CalendarItemType, type CalendarPhase } from '@crm/backend/contract';
import {
  Button,
  Checkbox,
  Field,
  MessageBar,
  MessageBarBody,
  makeStyles,
  mergeClasses,
  Select,
  Spinner,
  Text,
  ToggleButton,
  tokens,
} from '@fluentui/react-components';
import { type KeyboardEvent, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useApiQuery } from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import { recordPath } from '../records.ts';

const VIEWS = ['day', 'week', 'month', 'timeline'] as const;
type View = (typeof VIEWS)[number];
type Owner = 'me' | 'team';

const NARROW = '@media (max-width: 600px)';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  heading: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  toolbar: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM },
  steps: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  range: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  types: { display: 'flex', flexWrap: 'wrap', border: 'none', margin: 0, padding: 0 },
  legendText: { color: tokens.colorNeutralForeground2 },
  grid: {
    width: '100%',
    tableLayout: 'fixed',
    borderCollapse: 'collapse',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  // At phone width a week's days stand one below the other.
  weekRow: { [NARROW]: { display: 'flex', flexDirection: 'column' } },
  columnHeader: {
    padding: tokens.spacingHorizontalXS,
    textAlign: 'center',
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorNeutralForeground2,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  weekHeader: { [NARROW]: { display: 'none' } },
  cell: {
    height: '96px',
    verticalAlign: 'top',
    overflow: 'hidden',
    padding: tokens.spacingHorizontalXS,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    ':focus-visible': {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: '-2px',
    },
  },
  monthCell: { height: '88px', [NARROW]: { height: '48px' } },
  weekCell: { [NARROW]: { display: 'block', height: 'auto', minHeight: '48px' } },
  outside: { backgroundColor: tokens.colorNeutralBackground3 },
  today: { backgroundColor: tokens.colorBrandBackground2 },
  date: { display: 'block', fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase200 },
  // Said by a screen reader, not shown.
  hidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
  items: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, margin: 0, padding: 0 },
  monthItems: { [NARROW]: { display: 'none' } },
  count: { display: 'none', fontSize: tokens.fontSizeBase200, [NARROW]: { display: 'block' } },
  item: {
    listStyle: 'none',
    fontSize: tokens.fontSizeBase200,
    paddingLeft: tokens.spacingHorizontalXS,
    borderLeft: `3px solid ${tokens.colorNeutralStroke1}`,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  itemLink: { color: tokens.colorNeutralForeground1 },
  done: { textDecorationLine: 'line-through' },
  timeline: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  lane: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  laneTitle: {
    flex: '0 0 180px',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    [NARROW]: { flexBasis: '100%' },
  },
  track: {
    position: 'relative',
    flex: '1 1 320px',
    minWidth: '240px',
    height: '32px',
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
  },
  axis: { position: 'relative', flex: '1 1 320px', minWidth: '240px', height: '20px' },
  axisTick: {
    position: 'absolute',
    top: 0,
    whiteSpace: 'nowrap',
    fontSize: tokens.fontSizeBase100,
    color: tokens.colorNeutralForeground2,
  },
  bar: {
    position: 'absolute',
    top: '2px',
    bottom: '2px',
    boxSizing: 'border-box',
    minWidth: '6px',
    display: 'flex',
    alignItems: 'center',
    paddingLeft: tokens.spacingHorizontalXS,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground1,
    textDecorationLine: 'none',
    borderRadius: tokens.borderRadiusSmall,
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  none: {
    backgroundColor: tokens.colorNeutralBackground5,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
  },
  started: {
    backgroundColor: tokens.colorPaletteRedBackground2,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteRedBorderActive}`,
  },
  half: {
    backgroundColor: tokens.colorPaletteMarigoldBackground2,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteMarigoldBorderActive}`,
  },
  complete: {
    backgroundColor: tokens.colorPaletteGreenBackground2,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteGreenBorderActive}`,
  },
  legend: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, margin: 0, padding: 0 },
  legendItem: { listStyle: 'none', display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  swatch: {
    width: '16px',
    height: '12px',
    borderRadius: tokens.borderRadiusSmall,
    border: `${tokens.strokeWidthThin} solid`,
  },
});

// ---- days as YYYY-MM-DD, counted in UTC so that no local zone shifts them --------------------

const DAY_MS = 86_400_000;
const parseDay = (day: string) => Date.parse(`${day}T00:00:00Z`);
const addDays = (day: string, days: number) => new Date(parseDay(day) + days * DAY_MS).toISOString().slice(0, 10);
const addMonths = (day: string, months: number) => {
  const date = new Date(parseDay(day));
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1)).toISOString().slice(0, 10);
};
/** Monday of the day's week. */
const weekStart = (day: string) => addDays(day, -((new Date(parseDay(day)).getUTCDay() + 6) % 7));
const monthStart = (day: string) => `${day.slice(0, 8)}01`;
const monthEnd = (day: string) => addDays(addMonths(day, 1), -1);
const daysFrom = (from: string, to: string) => {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
};
const isDay = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);

function dayIn(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(instant),
  );
}

function localToday(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())).toISOString().slice(0, 10);
}

/** The days a view shows around the day in focus. */
function windowOf(view: View, day: string): { from: string; to: string } {
  switch (view) {
    case 'day':
      return { from: day, to: day };
    case 'week':
      return { from: weekStart(day), to: addDays(weekStart(day), 6) };
    case 'month':
      return { from: weekStart(monthStart(day)), to: addDays(weekStart(monthEnd(day)), 6) };
    case 'timeline':
      return { from: monthStart(day), to: monthEnd(day) };
  }
}

/** The day the previous or next button goes to. */
function stepped(view: View, day: string, direction: 1 | -1): string {
  if (view === 'day') return addDays(day, direction);
  if (view === 'week') return addDays(day, 7 * direction);
  return addMonths(day, direction);
}

// ---- the items of a day --------------------------------------------------------------------

interface DayItem {
  key: string;
  /** Said to a screen reader before the text: what kind of item it is. */
  hint: string;
  /** Shown before the text, not said (a check mark, an arrow). */
  mark: string;
  text: string;
  href: string | null;
  color: string | undefined;
  done: boolean;
}

const linkedPage = (links: readonly { type: string; id: string }[]) =>
  links.map((link) => recordPath(link.type, link.id)).find((path) => path !== null) ?? null;

function useDayItems(calendar: Calendar | undefined): Map<string, DayItem[]> {
  const { t, i18n } = useTranslation();
  return useMemo(() => {
    const byDay = new Map<string, DayItem[]>();
    if (!calendar) return byDay;
    const zone = calendar.timeZone;
    const time = new Intl.DateTimeFormat(i18n.language, { timeZone: zone, hour: '2-digit', minute: '2-digit' });
    const date = new Intl.DateTimeFormat(i18n.language, { timeZone: zone, dateStyle: 'medium' });
    const add = (day: string, at: string, item: DayItem) => {
      const items = byDay.get(day) ?? [];
      items.push({ ...item, key: `${at}|${item.key}` });
      byDay.set(day, items);
    };
    for (const activity of calendar.activities) {
      const when = activity.allDay ? t('calendar.allDay') : time.format(new Date(activity.startsAt));
      add(dayIn(activity.startsAt, zone), activity.allDay ? '' : activity.startsAt, {
        key: activity.id,
        hint: `${activity.typeName}: `,
        mark: '',
        text: `${when} ${activity.subject}`,
        href: linkedPage(activity.links),
        color: activity.color,
        done: activity.done,
      });
    }
    for (const task of calendar.tasks) {
      const day = task.allDay && task.dueOn ? task.dueOn : dayIn(task.dueAt, zone);
      const when = task.allDay ? date.format(new Date(`${day}T12:00:00Z`)) : time.format(new Date(task.dueAt));
      const done = task.status === 'done';
      add(day, task.allDay ? '' : task.dueAt, {
        key: task.id,
        hint: t(done ? 'calendar.taskDone' : 'calendar.task'),
        mark: '✓ ',
        text: `${when} ${task.title}`,
        href: linkedPage(task.links) ?? '/',
        color: undefined,
        done,
      });
    }
    for (const phase of calendar.phases) {
      if (phase.enteredAt < calendar.start) continue;
      add(dayIn(phase.enteredAt, zone), phase.enteredAt, {
        key: `${phase.dealId}|${phase.stageId}`,
        hint: t('calendar.phaseEntered'),
        mark: '→ ',
        text: `${phase.stageName}: ${phase.dealTitle}`,
        href: `/records/deal/${phase.dealId}`,
        color: tokens.colorBrandStroke1,
        done: false,
      });
    }
    for (const items of byDay.values()) items.sort((a, b) => (a.key < b.key ? -1 : 1));
    return byDay;
  }, [calendar, t, i18n.language]);
}

// ---- day, week and month: a grid of days ---------------------------------------------------

const MONTH_ITEMS = 3;

function DayGrid({
  view,
  days,
  focused,
  month,
  items,
  rangeLabel,
  onFocusDay,
  onOpenDay,
}: {
  view: 'day' | 'week' | 'month';
  days: string[];
  focused: string;
  month: string;
  items: Map<string, DayItem[]>;
  rangeLabel: string;
  onFocusDay: (day: string) => void;
  onOpenDay: (day: string) => void;
}) {
  const styles = useStyles();
  const { t, i18n } = useTranslation();
  const cells = useRef(new Map<string, HTMLTableCellElement>());
  const movedByKey = useRef(false);
  const today = localToday();
  const dayName = new Intl.DateTimeFormat(i18n.language, { weekday: 'long', timeZone: 'UTC' });
  const shortDay = new Intl.DateTimeFormat(i18n.language, { weekday: 'short', timeZone: 'UTC' });
  const fullDate = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'full', timeZone: 'UTC' });
  const columns = view === 'day' ? 1 : 7;

  // After an arrow key the focus follows the day, also into a window loaded anew.
  useEffect(() => {
    if (!movedByKey.current) return;
    const cell = cells.current.get(focused);
    if (cell) {
      cell.focus();
      movedByKey.current = false;
    }
  });

  const onKeyDown = (event: KeyboardEvent<HTMLTableCellElement>, day: string) => {
    const steps: Record<string, number> = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -columns,
      ArrowDown: columns,
    };
    const step = steps[event.key];
    if (step !== undefined) {
      event.preventDefault();
      movedByKey.current = true;
      onFocusDay(addDays(day, step));
      return;
    }
    if (event.key === 'Enter' && event.target === event.currentTarget) {
      event.preventDefault();
      const first = event.currentTarget.querySelector<HTMLAnchorElement>('a');
      if (view === 'month' || !first) onOpenDay(day);
      else first.click();
    }
  };

  const rows: string[][] = [];
  for (let index = 0; index < days.length; index += columns) rows.push(days.slice(index, index + columns));

  return (
    <table
      // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a table of days moved through by arrow keys is the ARIA grid pattern
      role="grid"
      aria-label={t('calendar.grid', { range: rangeLabel })}
      aria-describedby="calendar-keys"
      className={styles.grid}
    >
      {columns === 7 && (
        <thead className={styles.weekHeader}>
          <tr>
            {rows[0]?.map((day) => (
              <th key={day} scope="col" className={styles.columnHeader}>
                <abbr title={dayName.format(new Date(parseDay(day)))}>{shortDay.format(new Date(parseDay(day)))}</abbr>
              </th>
            ))}
          </tr>
        </thead>
      )}
      <tbody>
        {rows.map((row) => (
          <tr key={row[0]} className={mergeClasses(view === 'week' && styles.weekRow)}>
            {row.map((day) => {
              const dayItems = items.get(day) ?? [];
              const active = day === focused;
              const shown = view === 'month' ? dayItems.slice(0, MONTH_ITEMS) : dayItems;
              const label = fullDate.format(new Date(parseDay(day)));
              return (
                // biome-ignore lint/a11y/useAriaPropsSupportedByRole: the cell of a grid (role on its table) is a gridcell, which is selectable
                <td
                  key={day}
                  ref={(element) => {
                    if (element) cells.current.set(day, element);
                    else cells.current.delete(day);
                  }}
                  tabIndex={active ? 0 : -1}
                  aria-selected={active}
                  className={mergeClasses(
                    styles.cell,
                    view === 'month' && styles.monthCell,
                    view === 'week' && styles.weekCell,
                    view === 'month' && day.slice(0, 7) !== month.slice(0, 7) && styles.outside,
                    day === today && styles.today,
                  )}
                  onFocus={(event) => event.target === event.currentTarget && !active && onFocusDay(day)}
                  onKeyDown={(event) => onKeyDown(event, day)}
                >
                  <span className={styles.hidden}>{t('calendar.day', { date: label, count: dayItems.length })}</span>
                  <span className={styles.date} aria-hidden="true">
                    {view === 'month' ? Number(day.slice(8)) : label}
                  </span>
                  {view === 'month' && dayItems.length > 0 && (
                    <span className={styles.count} aria-hidden="true">
                      {dayItems.length}
                    </span>
                  )}
                  {shown.length > 0 && (
                    <ul className={mergeClasses(styles.items, view === 'month' && styles.monthItems)}>
                      {shown.map((item) => (
                        <li
                          key={item.key}
                          className={mergeClasses(styles.item, item.done && styles.done)}
                          style={item.color ? { borderLeftColor: item.color } : undefined}
                        >
                          {item.mark && <span aria-hidden="true">{item.mark}</span>}
                          {item.href ? (
                            <Link to={item.href} className={styles.itemLink} tabIndex={active ? 0 : -1}>
                              <span className={styles.hidden}>{item.hint}</span>
                              {item.text}
                            </Link>
                          ) : (
                            <span>
                              <span className={styles.hidden}>{item.hint}</span>
                              {item.text}
                            </span>
                          )}
                        </li>
                      ))}
                      {dayItems.length > shown.length && (
                        <li className={styles.item}>{t('calendar.more', { count: dayItems.length - shown.length })}</li>
                      )}
                    </ul>
                  )}
                  {view !== 'month' && dayItems.length === 0 && <Text size={200}>{t('calendar.empty')}</Text>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// ---- the timeline: a deal's phases as bars ---------------------------------------------------

type Progress = 'none' | 'started' | 'half' | 'complete';

function progressOf(phase: CalendarPhase): Progress {
  if (phase.tasksTotal === 0) return 'none';
  if (phase.tasksDone === phase.tasksTotal) return 'complete';
  return phase.tasksDone * 2 >= phase.tasksTotal ? 'half' : 'started';
}

function Timeline({ calendar, rangeLabel }: { calendar: Calendar; rangeLabel: string }) {
  const styles = useStyles();
  const { t, i18n } = useTranslation();
  const start = Date.parse(calendar.start);
  const end = Date.parse(calendar.end);
  const span = end - start;
  const date = new Intl.DateTimeFormat(i18n.language, { timeZone: calendar.timeZone, dateStyle: 'medium' });
  const tick = new Intl.DateTimeFormat(i18n.language, { timeZone: 'UTC', day: 'numeric', month: 'short' });
  const deals = new Map<string, CalendarPhase[]>();
  for (const phase of calendar.phases) deals.set(phase.dealId, [...(deals.get(phase.dealId) ?? []), phase]);
  const ticks = daysFrom(calendar.from, calendar.to).filter((_, index) => index % 7 === 0);
  const percent = (instant: number) => `${(Math.min(Math.max(instant - start, 0), span) / span) * 100}%`;

  return (
    <section aria-label={t('calendar.timeline', { range: rangeLabel })} className={styles.timeline}>
      <div className={styles.lane} aria-hidden="true">
        <span className={styles.laneTitle} />
        <div className={styles.axis}>
          {ticks.map((day) => (
            <span
              key={day}
              className={styles.axisTick}
              style={{ left: percent(parseDay(day) - parseDay(calendar.from) + start) }}
            >
              {tick.format(new Date(parseDay(day)))}
            </span>
          ))}
        </div>
      </div>
      {deals.size === 0 && <Text>{t('calendar.noPhases')}</Text>}
      {[...deals].map(([dealId, phases]) => (
        <div key={dealId} className={styles.lane}>
          <Link to={`/records/deal/${dealId}`} className={styles.laneTitle}>
            {phases[0]?.dealTitle}
          </Link>
          <ul className={styles.track} style={{ margin: 0, padding: 0 }}>
            {phases.map((phase) => {
              const from = Math.max(Date.parse(phase.enteredAt), start);
              const to = Math.min(phase.leftAt === null ? end : Date.parse(phase.leftAt), end);
              const progress = progressOf(phase);
              const texts = {
                deal: phase.dealTitle,
                stage: phase.stageName,
                from: date.format(new Date(phase.enteredAt)),
                to: phase.leftAt === null ? t('calendar.open') : date.format(new Date(phase.leftAt)),
                done: phase.tasksDone,
                total: phase.tasksTotal,
              };
              return (
                <li key={`${phase.stageId}|${phase.enteredAt}`} style={{ listStyle: 'none' }}>
                  <Link
                    to={`/records/deal/${dealId}`}
                    className={mergeClasses(styles.bar, styles[progress])}
                    style={{ left: percent(from), width: `calc(${percent(to)} - ${percent(from)})` }}
                    title={`${phase.stageName}${t(progress === 'none' ? 'calendar.phaseNoTasks' : 'calendar.phase', texts)}`}
                  >
                    {phase.stageName}
                    {progress !== 'none' && ` ${phase.tasksDone}/${phase.tasksTotal}`}
                    <span className={styles.hidden}>
                      {t(progress === 'none' ? 'calendar.phaseNoTasks' : 'calendar.phase', texts)}
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
      <ul className={styles.legend} aria-label={t('calendar.legend.label')}>
        {(['none', 'started', 'half', 'complete'] as const).map((progress) => (
          <li key={progress} className={styles.legendItem}>
            <span className={mergeClasses(styles.swatch, styles[progress])} aria-hidden="true" />
            <Text size={200} className={styles.legendText}>
              {t(`calendar.legend.${progress === 'complete' ? 'done' : progress}`)}
            </Text>
          </li>
        ))}
      </ul>
    </section>
  );
}

// ---- the page --------------------------------------------------------------------------------

export default function CalendarPage() {
  const styles = useStyles();
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const view: View = VIEWS.find((candidate) => candidate === params.get('view')) ?? 'month';
  const day = isDay(params.get('date')) ? (params.get('date') as string) : localToday();
  const owner: Owner = params.get('owner') === 'me' ? 'me' : 'team';
  const typesParam = params.get('types');
  const types: CalendarItemType[] =
    typesParam === null
      ? [...CALENDAR_ITEM_TYPES]
      : CALENDAR_ITEM_TYPES.filter((type) => typesParam.split(',').includes(type));
  const { from, to } = windowOf(view, day);

  const change = (next: Record<string, string>) =>
    setParams((current) => {
      const merged = new URLSearchParams(current);
      for (const [key, value] of Object.entries(next)) merged.set(key, value);
      return merged;
    });

  const calendar = useApiQuery<Calendar>(
    '/v1/calendar',
    { from, to, owner, types: types.join(',') },
    { enabled: types.length > 0 },
  );
  const items = useDayItems(calendar.data);

  const format = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(i18n.language, { ...options, timeZone: 'UTC' });
  const rangeLabel =
    view === 'day'
      ? format({ dateStyle: 'full' }).format(new Date(parseDay(day)))
      : view === 'week'
        ? format({ dateStyle: 'medium' }).formatRange(new Date(parseDay(from)), new Date(parseDay(to)))
        : format({ month: 'long', year: 'numeric' }).format(new Date(parseDay(day)));

  return (
    <div className={styles.page}>
      <h1 className={styles.heading}>{t('calendar.title')}</h1>
      <fieldset className={mergeClasses(styles.types, styles.steps)}>
        <legend className={styles.hidden}>{t('calendar.views.label')}</legend>
        {VIEWS.map((candidate) => (
          <ToggleButton
            key={candidate}
            checked={candidate === view}
            appearance={candidate === view ? 'primary' : 'secondary'}
            onClick={() => change({ view: candidate })}
          >
            {t(`calendar.views.${candidate}`)}
          </ToggleButton>
        ))}
      </fieldset>
      <div className={styles.toolbar}>
        <div className={styles.steps}>
          <Button onClick={() => change({ date: stepped(view, day, -1) })} aria-label={t('calendar.previous')}>
            ‹
          </Button>
          <Button onClick={() => change({ date: localToday() })}>{t('calendar.today')}</Button>
          <Button onClick={() => change({ date: stepped(view, day, 1) })} aria-label={t('calendar.next')}>
            ›
          </Button>
        </div>
        <Field label={t('calendar.owner')}>
          <Select value={owner} onChange={(_, data) => change({ owner: data.value })}>
            <option value="me">{t('calendar.owners.me')}</option>
            <option value="team">{t('calendar.owners.team')}</option>
          </Select>
        </Field>
        <fieldset className={styles.types}>
          <legend className={styles.legendText}>{t('calendar.types.label')}</legend>
          {CALENDAR_ITEM_TYPES.map((type) => (
            <Checkbox
              key={type}
              label={t(`calendar.types.${type}`)}
              checked={types.includes(type)}
              onChange={(_, data) =>
                change({
                  types: CALENDAR_ITEM_TYPES.filter((candidate) =>
                    candidate === type ? data.checked === true : types.includes(candidate),
                  ).join(','),
                })
              }
            />
          ))}
        </fieldset>
      </div>
      <h2 className={styles.range} aria-live="polite">
        {rangeLabel}
      </h2>
      <Text id="calendar-keys" size={200} className={styles.legendText}>
        {t('calendar.keys')}
      </Text>
      {calendar.error && <ErrorBar error={calendar.error} onRetry={() => void calendar.refetch()} />}
      {calendar.data && calendar.data.truncated.length > 0 && (
        <MessageBar intent="warning">
          <MessageBarBody>{t('calendar.truncated')}</MessageBarBody>
        </MessageBar>
      )}
      {calendar.isLoading && <Spinner label={t('calendar.loading')} />}
      {view === 'timeline' ? (
        calendar.data && <Timeline calendar={calendar.data} rangeLabel={rangeLabel} />
      ) : (
        <DayGrid
          view={view}
          days={daysFrom(from, to)}
          focused={day}
          month={day}
          items={items}
          rangeLabel={rangeLabel}
          onFocusDay={(next) => change({ date: next })}
          onOpenDay={(next) => change({ date: next, view: 'day' })}
        />
      )}
    </div>
  );
}
