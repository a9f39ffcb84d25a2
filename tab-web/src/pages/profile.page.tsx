// My profile: my mailbox's Outlook sync (Y1) — last success, backlog, the last error in my language,
// and "Sync now" (or connecting the mailbox the first time).
import type { ContactsScope, MailboxSync, MySync } from '@crm/backend/contract';
import {
  Badge,
  Button,
  Card,
  CardHeader,
  Field,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Select,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiQuery, useTags } from '../api/queries.ts';
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
  scope: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'end' },
  scopeField: { flexGrow: 1, minWidth: 'min(100%, 260px)' },
});

interface StoredScope {
  value: ContactsScope;
  version: number | null;
}

/**
 * Which of my persons go to Outlook: all I own (the default), or only those with a tag I pick. Kept
 * with the version it was read at, so a change made meanwhile (another tab) is refused, not overwritten.
 */
function ContactsScopePicker() {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const client = useQueryClient();
  const scope = useApiQuery<StoredScope>('/v1/me/sync/scope');
  const tags = useTags();
  const saved = scope.data?.value.tagId ?? '';
  const [choice, setChoice] = useState<string | null>(null);
  const chosen = choice ?? saved;
  const save = useMutation({
    mutationFn: async (tagId: string) =>
      (
        await api.put<StoredScope>(
          '/v1/me/sync/scope',
          { tagId: tagId === '' ? null : tagId },
          `"${scope.data?.version ?? 0}"`,
        )
      ).body,
    onSuccess: async () => {
      setChoice(null);
      await client.invalidateQueries({ queryKey: ['/v1/me/sync/scope'] });
      await client.invalidateQueries({ queryKey: ['/v1/me/sync'] });
    },
    // Changed meanwhile: what is kept now is read again; the user's choice stays to save once more.
    onError: () => void scope.refetch(),
  });
  if (scope.error || tags.error) {
    return (
      <ErrorBar error={scope.error ?? tags.error} onRetry={() => void Promise.all([scope.refetch(), tags.refetch()])} />
    );
  }
  if (!scope.data || !tags.data) return <Spinner size="small" label={t('app.loading')} />;
  return (
    <form
      className={styles.scope}
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(chosen);
      }}
    >
      <Field className={styles.scopeField} label={t('sync.scope.label')} hint={t('sync.scope.hint')}>
        <Select
          value={chosen}
          onChange={(_, data) => {
            setChoice(data.value);
            save.reset();
          }}
        >
          <option value="">{t('sync.scope.all')}</option>
          {tags.data.items.map((tag) => (
            <option key={tag.id} value={tag.id}>
              {t('sync.scope.tagged', { name: tag.name })}
            </option>
          ))}
        </Select>
      </Field>
      <Button type="submit" disabled={chosen === saved || save.isPending}>
        {t('sync.scope.save')}
      </Button>
      {save.error && <ErrorBar error={save.error} />}
      <span role="status" aria-live="polite">
        {save.isSuccess ? t('sync.scope.saved') : ''}
      </span>
    </form>
  );
}

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
        <ContactsScopePicker />
      </Card>
    </main>
  );
}
