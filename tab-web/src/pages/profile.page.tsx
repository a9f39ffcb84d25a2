// My profile: my mailbox's Outlook sync (Y1) — last success, backlog, the last error in my language,
// and "Sync now" (or connecting the mailbox the first time) — and which of my persons go to Outlook (X5).
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
  Radio,
  RadioGroup,
  Select,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../web-shared/api-client.ts';
import { useApiQuery, useSavedFilters, useTags } from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import { describeError } from '../errors.ts';
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
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'center' },
  scope: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    marginTop: tokens.spacingVerticalM,
    '& h3': { margin: 0 },
  },
  scopeField: { maxWidth: '420px' },
});

interface StoredScope {
  value: ContactsScope;
  version: number | null;
}

type ScopeMode = 'all' | 'tag' | 'filter';
interface ScopeChoice {
  mode: ScopeMode;
  tagId: string;
  savedFilterId: string;
}

const choiceOf = (scope: ContactsScope): ScopeChoice => ({
  mode: scope.savedFilterId ? 'filter' : scope.tagId ? 'tag' : 'all',
  tagId: scope.tagId ?? '',
  savedFilterId: scope.savedFilterId ?? '',
});

const scopeOf = (choice: ScopeChoice): ContactsScope => ({
  tagId: choice.mode === 'tag' ? choice.tagId || null : null,
  savedFilterId: choice.mode === 'filter' ? choice.savedFilterId || null : null,
});

const sameScope = (a: ContactsScope, b: ContactsScope) =>
  a.tagId === b.tagId && (a.savedFilterId ?? null) === (b.savedFilterId ?? null);

/**
 * Contacts in Outlook: which of my persons go to the folder "CRM" — all I own (the default), only
 * those with a tag, or only those a saved filter of persons finds (mine or the company's). Kept with
 * the version it was read at, so a change made meanwhile (another tab) is refused, not overwritten;
 * what the API refuses is said at the field it concerns, in the page's language.
 */
function ContactsScopePicker() {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const client = useQueryClient();
  const scope = useApiQuery<StoredScope>('/v1/me/sync/scope');
  const tags = useTags();
  const savedFilters = useSavedFilters('person');
  const [choice, setChoice] = useState<ScopeChoice | null>(null);
  const stored = scope.data ? choiceOf(scope.data.value) : null;
  const save = useMutation({
    mutationFn: async (next: ContactsScope) =>
      (await api.put<StoredScope>('/v1/me/sync/scope', next, `"${scope.data?.version ?? 0}"`)).body,
    onSuccess: async () => {
      setChoice(null);
      await client.invalidateQueries({ queryKey: ['/v1/me/sync/scope'] });
      await client.invalidateQueries({ queryKey: ['/v1/me/sync'] });
    },
    // Changed meanwhile, or the tag or filter is gone: what is kept now is read again (awaited, so a
    // second save sends the version read); the user's choice stays to change or save once more.
    onError: () => Promise.all([scope.refetch(), client.invalidateQueries({ queryKey: ['/v1/saved-filters'] })]),
  });
  const failed = scope.error ?? tags.error ?? savedFilters.error;
  if (failed) {
    return (
      <ErrorBar
        error={failed}
        onRetry={() => void Promise.all([scope.refetch(), tags.refetch(), savedFilters.refetch()])}
      />
    );
  }
  if (!scope.data || !stored || !tags.data || !savedFilters.data) {
    return <Spinner size="small" label={t('app.loading')} />;
  }
  const tagItems = tags.data.items;
  const filterItems = savedFilters.data.items;
  const chosen: ScopeChoice = {
    ...(choice ?? stored),
    // Turning to a tag or a filter with none picked yet picks the first one.
    tagId: (choice ?? stored).tagId || tagItems[0]?.id || '',
    savedFilterId: (choice ?? stored).savedFilterId || filterItems[0]?.id || '',
  };
  const next = scopeOf(chosen);
  const complete = chosen.mode === 'all' || (chosen.mode === 'tag' ? next.tagId : next.savedFilterId) !== null;
  const change = (changed: Partial<ScopeChoice>) => {
    setChoice({ ...chosen, ...changed });
    save.reset();
  };

  // A refused tag or filter is said at its picker; anything else (changed meanwhile) at the choice.
  const said = save.error ? describeError(t, save.error) : null;
  const message = said ? [said.message, said.detail].filter(Boolean).join(' ') : undefined;
  const refusedPick = save.error instanceof ApiError && [404, 422].includes(save.error.status) && chosen.mode !== 'all';
  const atChoice = refusedPick ? undefined : message;
  const atPick = refusedPick ? message : undefined;
  const unknown = t('sync.scope.gone');
  return (
    <form
      className={styles.scope}
      aria-labelledby="contacts-scope-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (complete) save.mutate(next);
      }}
    >
      <Text as="h3" size={300} weight="semibold" id="contacts-scope-heading">
        {t('sync.scope.heading')}
      </Text>
      <Field
        label={t('sync.scope.label')}
        hint={t('sync.scope.hint')}
        validationState={atChoice ? 'error' : 'none'}
        validationMessage={atChoice}
      >
        <RadioGroup value={chosen.mode} onChange={(_, data) => change({ mode: data.value as ScopeMode })}>
          <Radio value="all" label={t('sync.scope.all')} />
          <Radio value="tag" label={t('sync.scope.byTag')} disabled={tagItems.length === 0 && stored.mode !== 'tag'} />
          <Radio
            value="filter"
            label={t('sync.scope.byFilter')}
            disabled={filterItems.length === 0 && stored.mode !== 'filter'}
          />
        </RadioGroup>
      </Field>
      {chosen.mode === 'tag' && (
        <Field
          className={styles.scopeField}
          label={t('sync.scope.tag')}
          validationState={atPick ? 'error' : 'none'}
          validationMessage={atPick}
        >
          <Select value={chosen.tagId} onChange={(_, data) => change({ tagId: data.value })}>
            {tagItems.map((tag) => (
              <option key={tag.id} value={tag.id}>
                {tag.name}
              </option>
            ))}
            {chosen.tagId && !tagItems.some((tag) => tag.id === chosen.tagId) && (
              <option value={chosen.tagId}>{unknown}</option>
            )}
          </Select>
        </Field>
      )}
      {chosen.mode === 'filter' && (
        <Field
          className={styles.scopeField}
          label={t('sync.scope.filter')}
          hint={t('sync.scope.filterHint')}
          validationState={atPick ? 'error' : 'none'}
          validationMessage={atPick}
        >
          <Select value={chosen.savedFilterId} onChange={(_, data) => change({ savedFilterId: data.value })}>
            {filterItems.map((saved) => (
              <option key={saved.id} value={saved.id}>
                {saved.scope === 'company' ? t('list.companyFilter', { name: saved.name }) : saved.name}
              </option>
            ))}
            {chosen.savedFilterId && !filterItems.some((saved) => saved.id === chosen.savedFilterId) && (
              <option value={chosen.savedFilterId}>{unknown}</option>
            )}
          </Select>
        </Field>
      )}
      <div className={styles.actions}>
        <Button type="submit" disabled={!complete || sameScope(next, scope.data.value) || save.isPending}>
          {t('sync.scope.save')}
        </Button>
        <span role="status" aria-live="polite">
          {save.isSuccess ? t('sync.scope.saved') : ''}
        </span>
      </div>
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
