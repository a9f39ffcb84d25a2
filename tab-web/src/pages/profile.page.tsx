// My profile: my mailbox's Outlook sync (Y1) — last success, backlog, the last error in my language,
// and "Sync now" (or connecting the mailbox the first time).
import type { MailboxSync, MySync } from '@crm/backend/contract';
import {
  Badge,
  Button,
  Card,
  CardHeader,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import { useSession } from '../session.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '640px' },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center' },
});

const STATUS_COLOURS = { ok: 'success', pending: 'informative', error: 'warning', revoked: 'danger' } as const;

function MailboxFacts({ mailbox }: { mailbox: MailboxSync }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const when = (value: string | null) =>
    value
      ? new Date(value).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
      : t('sync.never');
  return (
    <dl className={styles.facts}>
      <dt className={styles.term}>{t('sync.status')}</dt>
      <dd className={styles.value}>
        <Badge appearance="tint" color={STATUS_COLOURS[mailbox.status]}>
          {t(`sync.statuses.${mailbox.status}`)}
        </Badge>
      </dd>
      <dt className={styles.term}>{t('sync.lastSuccess')}</dt>
      <dd className={styles.value}>{when(mailbox.lastSuccessAt)}</dd>
      <dt className={styles.term}>{t('sync.backlog')}</dt>
      <dd className={styles.value}>{t('sync.backlogCount', { count: mailbox.backlog })}</dd>
    </dl>
  );
}

export default function ProfilePage() {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const client = useQueryClient();
  const sync = useApiQuery<MySync>('/v1/me/sync');
  const refresh = () => client.invalidateQueries({ queryKey: ['/v1/me/sync'] });
  const connect = useMutation({
    mutationFn: async () => (await api.put<MySync>('/v1/me/sync', { enabled: true })).body,
    onSuccess: refresh,
  });
  const disconnect = useMutation({
    mutationFn: async () => (await api.put<MySync>('/v1/me/sync', { enabled: false })).body,
    onSuccess: refresh,
  });
  const runNow = useMutation({
    mutationFn: async () => (await api.post<{ queued: boolean }>('/v1/me/sync/run', {})).body,
    onSuccess: refresh,
  });
  const mailbox = sync.data?.mailboxes[0];
  return (
    <main className={styles.page} aria-labelledby="profile-heading">
      <Text as="h1" size={600} weight="semibold" id="profile-heading">
        {t('sync.profileTitle')}
      </Text>
      <Card>
        <CardHeader
          header={
            <Text as="h2" size={400} weight="semibold">
              {t('sync.heading')}
            </Text>
          }
        />
        {sync.isPending && <Spinner size="small" label={t('app.loading')} />}
        {sync.error && <ErrorBar error={sync.error} onRetry={() => void sync.refetch()} />}
        {sync.data && !mailbox && <Text>{t('sync.notConnected')}</Text>}
        {mailbox && !mailbox.enabled && <Text>{t('sync.stopped')}</Text>}
        {mailbox?.enabled && <MailboxFacts mailbox={mailbox} />}
        {mailbox?.lastError && (
          <MessageBar intent={mailbox.status === 'revoked' ? 'error' : 'warning'} layout="multiline" role="status">
            <MessageBarBody>
              <strong>{mailbox.lastError.title}</strong> {mailbox.lastError.detail}
            </MessageBarBody>
          </MessageBar>
        )}
        {(connect.error || runNow.error || disconnect.error) && (
          <ErrorBar error={connect.error ?? runNow.error ?? disconnect.error} />
        )}
        <div className={styles.actions}>
          {sync.data && !mailbox?.enabled ? (
            <Button appearance="primary" disabled={connect.isPending} onClick={() => connect.mutate()}>
              {t('sync.connect')}
            </Button>
          ) : (
            <>
              <Button appearance="primary" disabled={!mailbox || runNow.isPending} onClick={() => runNow.mutate()}>
                {t('sync.runNow')}
              </Button>
              <Button disabled={!mailbox || disconnect.isPending} onClick={() => disconnect.mutate()}>
                {t('sync.disconnect')}
              </Button>
            </>
          )}
          <span role="status" aria-live="polite">
            {runNow.isSuccess ? t('sync.queued') : ''}
          </span>
        </div>
      </Card>
    </main>
  );
}
