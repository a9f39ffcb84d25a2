// One matched person or organization: how it appears in the mail, where the person works, open
// deals and open tasks, each one click (or Enter) away in the web app.
import type { Deal, Task } from '@crm/backend/contract';
import { Badge, Card, CardHeader, Link, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import { type ContactMatch, type MailContext, recordUrl } from '../api/crm.ts';
import { useSession } from '../session.tsx';

const useStyles = makeStyles({
  card: { width: '100%', boxSizing: 'border-box' },
  badges: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL, display: 'grid', gap: tokens.spacingVerticalXXS },
  label: { color: tokens.colorNeutralForeground3 },
  address: { overflowWrap: 'anywhere', color: tokens.colorNeutralForeground2 },
  row: { display: 'flex', justifyContent: 'space-between', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

export function formatMoney(value: string | null, currency: string, language: string): string {
  if (value === null) return '';
  const amount = Number(value);
  if (!Number.isFinite(amount)) return `${value} ${currency}`;
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount);
  } catch {
    return `${value} ${currency}`;
  }
}

export function ContactCard({ match, context }: { match: ContactMatch; context: MailContext }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const { config } = useSession();
  const roles = [...new Set(match.addresses.map((address) => address.role))];
  const headingId = `card-${match.key.replace(':', '-')}`;
  return (
    <Card className={styles.card} aria-labelledby={headingId} role="region">
      <CardHeader
        header={
          <Text as="h3" weight="semibold" id={headingId} style={{ margin: 0 }}>
            {match.name}
          </Text>
        }
        description={
          <div className={styles.badges}>
            <Badge appearance="tint" color="informative">
              {t(`context.${match.kind}`)}
            </Badge>
            {roles.map((role) => (
              <Badge key={role} appearance="outline" color={role === 'from' ? 'brand' : 'subtle'}>
                {t(`roles.${role}`)}
              </Badge>
            ))}
          </div>
        }
      />
      <Text size={200} className={styles.address}>
        {match.addresses.map((address) => address.address).join(', ')}
      </Text>
      {match.businessContacts.map((contact) => (
        <Text key={contact.id}>
          {t('context.worksAt', { organization: '' })}
          <Link href={recordUrl(config.recordUrl, 'organization', contact.organizationId)} target="_blank">
            {contact.organizationName}
          </Link>
        </Text>
      ))}
      {context.dealsAvailable && <DealList deals={match.deals} language={i18n.language} />}
      {context.tasksAvailable && <TaskList tasks={match.tasks} language={i18n.language} />}
      <Link
        href={recordUrl(config.recordUrl, match.kind, match.id)}
        target="_blank"
        aria-label={t('context.openLabel', { name: match.name })}
      >
        {t('context.open')}
      </Link>
    </Card>
  );
}

function DealList({ deals, language }: { deals: Deal[]; language: string }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { config } = useSession();
  return (
    <div>
      <Text size={200} weight="semibold" className={styles.label}>
        {t('context.deals')}
      </Text>
      {deals.length === 0 ? (
        <Text size={200} block>
          {t('context.noDeals')}
        </Text>
      ) : (
        <ul className={styles.list}>
          {deals.map((deal) => (
            <li key={deal.id} className={styles.row}>
              <Link href={recordUrl(config.recordUrl, 'deal', deal.id)} target="_blank">
                {deal.title}
              </Link>
              <Text size={200}>
                {[deal.stageName, formatMoney(deal.value, deal.currency, language)].filter(Boolean).join(' · ')}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TaskList({ tasks, language }: { tasks: Task[]; language: string }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  return (
    <div>
      <Text size={200} weight="semibold" className={styles.label}>
        {t('context.tasks')}
      </Text>
      {tasks.length === 0 ? (
        <Text size={200} block>
          {t('context.noTasks')}
        </Text>
      ) : (
        <ul className={styles.list}>
          {tasks.map((task) => (
            <li key={task.id} className={styles.row}>
              <Text size={200}>{task.title}</Text>
              <Text size={200} className={styles.label}>
                {task.dueAt ? t('context.due', { date: date.format(new Date(task.dueAt)) }) : t('context.noDue')}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
