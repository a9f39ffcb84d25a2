// The start page (R1, T7): my tasks by when they are due and by delegation, my deals that need
// attention, the records I opened lately, and a tile into every area.
import type { Deal, MyTasks, Task } from '@crm/backend/contract';
import { Badge, Card, CardHeader, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe, useMyDealsByCloseDate, useMyTasks } from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import { LIST_TYPES } from '../lists.ts';
import { recentRecords } from '../recent.ts';
import { recordPath } from '../records.ts';

const TASK_SECTIONS = ['overdue', 'today', 'next7Days', 'waitingForMe', 'delegatedByMe'] as const;

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  grid: {
    display: 'grid',
    gap: tokens.spacingHorizontalL,
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 320px), 1fr))',
    alignItems: 'start',
  },
  tiles: {
    display: 'grid',
    gap: tokens.spacingHorizontalM,
    gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))',
    listStyleType: 'none',
    margin: 0,
    padding: 0,
  },
  tile: {
    display: 'block',
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusLarge,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorBrandForeground1,
    fontWeight: tokens.fontWeightSemibold,
    textDecorationLine: 'none',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  sectionTitle: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  muted: { color: tokens.colorNeutralForeground3 },
  overdue: { color: tokens.colorPaletteRedForeground1 },
});

function TaskLine({ task }: { task: Task }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const first = task.links[0];
  const path = first ? recordPath(first.type, first.id) : null;
  const due = task.allDay
    ? task.dueOn && new Date(`${task.dueOn}T12:00:00`).toLocaleDateString(i18n.language)
    : task.dueAt && new Date(task.dueAt).toLocaleString(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <li>
      {path ? <Link to={path}>{task.title}</Link> : <Text>{task.title}</Text>}
      {due && (
        <Text size={200} className={styles.muted}>
          {' · '}
          {t('start.due', { when: due })}
        </Text>
      )}
    </li>
  );
}

function MyTasksCard({ tasks }: { tasks: MyTasks }) {
  const { t } = useTranslation();
  const styles = useStyles();
  return (
    <Card>
      <CardHeader
        header={
          <Text as="h2" weight="semibold" size={400}>
            {t('start.myTasks')}
          </Text>
        }
      />
      {TASK_SECTIONS.map((name) => {
        const section = tasks[name];
        return (
          <section key={name} className={styles.section} aria-labelledby={`tasks-${name}`}>
            <div className={styles.sectionTitle}>
              <Text
                as="h3"
                weight="semibold"
                id={`tasks-${name}`}
                className={name === 'overdue' && section.total > 0 ? styles.overdue : undefined}
              >
                {t(`start.tasks.${name}`)}
              </Text>
              <Badge appearance="tint" color={name === 'overdue' && section.total > 0 ? 'danger' : 'informative'}>
                {section.total}
              </Badge>
            </div>
            {section.items.length === 0 ? (
              <Text size={200} className={styles.muted}>
                {t('start.tasks.none')}
              </Text>
            ) : (
              <ul className={styles.list}>
                {section.items.map((task) => (
                  <TaskLine key={task.id} task={task} />
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </Card>
  );
}

function DealsCard({ deals, today }: { deals: Deal[]; today: string }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const overdue = deals.filter((deal) => deal.expectedCloseDate !== null && deal.expectedCloseDate < today);
  const money = (deal: Deal) =>
    new Intl.NumberFormat(i18n.language, { style: 'currency', currency: deal.currency }).format(Number(deal.value));
  return (
    <Card>
      <CardHeader
        header={
          <Text as="h2" weight="semibold" size={400}>
            {t('start.deals')}
          </Text>
        }
      />
      <section className={styles.section} aria-labelledby="deals-close-date">
        <Text as="h3" weight="semibold" id="deals-close-date">
          {t('start.closeDatePassed')}
        </Text>
        {overdue.length === 0 ? (
          <Text size={200} className={styles.muted}>
            {t('start.noDeals')}
          </Text>
        ) : (
          <ul className={styles.list}>
            {overdue.map((deal) => (
              <li key={deal.id}>
                <Link to={`/records/deal/${deal.id}`}>{deal.title}</Link>
                <Text size={200} className={styles.muted}>
                  {' · '}
                  {money(deal)} · {deal.stageName} ·{' '}
                  {t('start.closeDate', {
                    date: new Date(`${deal.expectedCloseDate}T12:00:00`).toLocaleDateString(i18n.language),
                  })}
                </Text>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Card>
  );
}

function RecentCard() {
  const { t } = useTranslation();
  const styles = useStyles();
  const recent = recentRecords();
  return (
    <Card>
      <CardHeader
        header={
          <Text as="h2" weight="semibold" size={400}>
            {t('start.recent')}
          </Text>
        }
      />
      {recent.length === 0 ? (
        <Text size={200} className={styles.muted}>
          {t('start.noRecent')}
        </Text>
      ) : (
        <ul className={styles.list}>
          {recent.map((record) => {
            const path = recordPath(record.type, record.id);
            return (
              <li key={`${record.type}:${record.id}`}>
                {path && <Link to={path}>{record.title}</Link>}
                <Text size={200} className={styles.muted}>
                  {' · '}
                  {t(`types.one.${record.type}`, { defaultValue: record.type })}
                </Text>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

export default function StartPage() {
  const { t } = useTranslation();
  const styles = useStyles();
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const me = useMe();
  const tasks = useMyTasks(timeZone);
  const deals = useMyDealsByCloseDate(me.data?.user.id);

  return (
    <div className={styles.page}>
      <Text as="h1" size={700} weight="semibold">
        {me.data ? t('start.hello', { name: me.data.user.displayName }) : t('start.title')}
      </Text>
      <nav aria-label={t('start.areas')}>
        <ul className={styles.tiles}>
          {LIST_TYPES.map((type) => (
            <li key={type}>
              <Link to={`/lists/${type}`} className={styles.tile}>
                {t(`types.plural.${type}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className={styles.grid}>
        {tasks.error ? (
          <ErrorBar error={tasks.error} onRetry={() => void tasks.refetch()} />
        ) : tasks.data ? (
          <MyTasksCard tasks={tasks.data} />
        ) : (
          <Spinner label={t('start.loadingTasks')} />
        )}
        {deals.error ? (
          <ErrorBar error={deals.error} onRetry={() => void deals.refetch()} />
        ) : deals.data && tasks.data ? (
          <DealsCard deals={deals.data.items} today={tasks.data.date} />
        ) : (
          <Spinner label={t('start.loadingDeals')} />
        )}
        <RecentCard />
      </div>
    </div>
  );
}
