// The start page (R1, T7): my tasks by when they are due and by delegation, my deals that need
// attention, the records I opened lately, and a tile into every area.
import type { Attention, AttentionDeal, MyTasks, Task } from '@crm/backend/contract';
import { Badge, Card, CardHeader, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAttention, useMe, useMyTasks } from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import { LIST_TYPES } from '../lists.ts';
import { recentRecords } from '../recent.ts';
import { recordPath } from '../records.ts';
import { useShownMark } from '../shown.ts';

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
  deal: { display: 'flex', flexDirection: 'column', gap: '2px' },
  reasons: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
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

function AttentionLine({ deal }: { deal: AttentionDeal }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const day = (date: string) => new Date(`${date.slice(0, 10)}T12:00:00`).toLocaleDateString(i18n.language);
  const money = new Intl.NumberFormat(i18n.language, { style: 'currency', currency: deal.currency }).format(
    Number(deal.value),
  );
  return (
    <li className={styles.deal}>
      <Link to={`/records/deal/${encodeURIComponent(deal.id)}`}>{deal.title}</Link>
      <Text size={200} className={styles.muted}>
        {money} · {deal.stageName}
      </Text>
      <div className={styles.reasons}>
        {deal.reasons.includes('closeDatePassed') && deal.expectedCloseDate && (
          <Badge appearance="tint" color="danger">
            {t('start.attention.closeDatePassed', { date: day(deal.expectedCloseDate) })}
          </Badge>
        )}
        {deal.reasons.includes('noRecentActivity') && (
          <Badge appearance="tint" color="warning">
            {deal.lastActivityAt
              ? t('start.attention.quietSince', {
                  date: new Date(deal.lastActivityAt).toLocaleDateString(i18n.language),
                })
              : t('start.attention.noActivity')}
          </Badge>
        )}
      </div>
    </li>
  );
}

function DealsCard({ attention }: { attention: Attention }) {
  const { t } = useTranslation();
  const styles = useStyles();
  return (
    <Card role="region" aria-labelledby="deals-attention">
      <CardHeader
        header={
          <Text as="h2" weight="semibold" size={400} id="deals-attention">
            {t('start.deals')}
          </Text>
        }
        action={
          <Badge appearance="tint" color={attention.total > 0 ? 'warning' : 'informative'}>
            {attention.total}
          </Badge>
        }
      />
      <Text size={200} className={styles.muted}>
        {t('start.attention.explained', { days: attention.quietDays })}
      </Text>
      {attention.items.length === 0 ? (
        <Text size={200} className={styles.muted}>
          {t('start.noDeals')}
        </Text>
      ) : (
        <ul className={styles.list}>
          {attention.items.map((deal) => (
            <AttentionLine key={deal.id} deal={deal} />
          ))}
        </ul>
      )}
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
  const deals = useAttention(timeZone);
  useShownMark('start-page', Boolean(me.data && tasks.data && deals.data));

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
          <li>
            <Link to="/trash" className={styles.tile}>
              {t('trash.nav')}
            </Link>
          </li>
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
        ) : deals.data ? (
          <DealsCard attention={deals.data} />
        ) : (
          <Spinner label={t('start.loadingDeals')} />
        )}
        <RecentCard />
      </div>
    </div>
  );
}
