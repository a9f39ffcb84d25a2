// The trash (G4): deleted records of every kind, most recently deleted first, who deleted them and
// when; restore one with a click (it reappears in its list), and, for admins, delete one for good.
import type { Me, TrashItem, TrashPage, UserRefList } from '@crm/backend/contract';
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Link as FluentLink,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../api/queries.ts';
import { ErrorBar } from '../components/Feedback.tsx';
import { API_PATH } from '../forms.ts';
import { recordPath } from '../records.ts';
import { useSession } from '../session.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '960px' },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  item: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  text: { display: 'flex', flexDirection: 'column', minWidth: 0, overflowWrap: 'anywhere' },
  meta: { color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

/** Where the API restores (POST …/restore) and purges (DELETE /v1/trash/…) a record of a trash type. */
const restorePath = (item: TrashItem) => `${API_PATH[item.type]}/${encodeURIComponent(item.id)}/restore`;
const purgePath = (item: TrashItem) =>
  `/v1/trash/${API_PATH[item.type].replace('/v1/', '')}/${encodeURIComponent(item.id)}`;

export default function TrashPageView() {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const queryClient = useQueryClient();
  const me = useApiQuery<Me>('/v1/me');
  const users = useApiQuery<UserRefList>('/v1/users', { limit: 100 });
  const isAdmin = me.data?.roles.includes('admin') ?? false;
  const [done, setDone] = useState<{ text: string; link: string | null } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [purging, setPurging] = useState<TrashItem | null>(null);

  const trash = useInfiniteQuery({
    queryKey: ['/v1/trash', 'pages', i18n.language],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (await api.get<TrashPage>('/v1/trash', { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) })).body,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = trash.data?.pages.flatMap((page) => page.items) ?? [];
  const nameOf = (id: string | null) =>
    (id && users.data?.items.find((user) => user.id === id)?.displayName) || t('trash.unknownUser');

  async function act(item: TrashItem, what: 'restore' | 'purge') {
    setBusy(item.id);
    setFailure(null);
    setDone(null);
    try {
      if (what === 'restore') await api.post(restorePath(item), undefined);
      else await api.request('DELETE', purgePath(item));
      setDone(
        what === 'restore'
          ? { text: t('trash.restored', { title: item.title }), link: recordPath(item.type, item.id) }
          : { text: t('trash.purged', { title: item.title }), link: null },
      );
      // The record is back in (or gone from) its lists, its page and the search: everything refetches.
      await queryClient.invalidateQueries();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
      setPurging(null);
    }
  }

  return (
    <div className={styles.page}>
      <Text as="h1" size={700} weight="semibold">
        {t('trash.title')}
      </Text>
      <Text as="p">{t('trash.intro')}</Text>
      <div role="status" aria-live="polite">
        {done && (
          <Text>
            {done.text}{' '}
            {done.link && (
              <FluentLink as="a" href={`/app${done.link}`}>
                {t('trash.open')}
              </FluentLink>
            )}
          </Text>
        )}
      </div>
      {failure !== null && <ErrorBar error={failure} />}
      {trash.error ? (
        <ErrorBar error={trash.error} onRetry={() => void trash.refetch()} />
      ) : !trash.data ? (
        <Spinner label={t('trash.loading')} />
      ) : items.length === 0 ? (
        <Text as="p">{t('trash.empty')}</Text>
      ) : (
        <ul className={styles.list} aria-label={t('trash.title')}>
          {items.map((item) => (
            <li key={`${item.type}:${item.id}`} className={styles.item}>
              <div className={styles.text}>
                <Text weight="semibold">{item.title}</Text>
                <Text size={200} className={styles.meta}>
                  {t(`types.one.${item.type}`)} · {t('trash.columns.deletedAt')}{' '}
                  {new Date(item.deletedAt).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })}{' '}
                  · {t('trash.columns.deletedBy')} {nameOf(item.deletedBy)}
                </Text>
              </div>
              <div className={styles.actions}>
                <Button
                  appearance="primary"
                  disabled={busy === item.id}
                  aria-label={t('trash.restoreLabel', { title: item.title })}
                  onClick={() => void act(item, 'restore')}
                >
                  {t('trash.restore')}
                </Button>
                {isAdmin && (
                  <Button
                    disabled={busy === item.id}
                    aria-label={t('trash.purgeLabel', { title: item.title })}
                    onClick={() => setPurging(item)}
                  >
                    {t('trash.purge')}
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {trash.hasNextPage && (
        <Button disabled={trash.isFetchingNextPage} onClick={() => void trash.fetchNextPage()}>
          {t('trash.more')}
        </Button>
      )}
      <Dialog open={purging !== null} onOpenChange={(_, data) => !data.open && setPurging(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{t('trash.purgeQuestion', { title: purging?.title ?? '' })}</DialogTitle>
            <DialogContent>{t('trash.purgeExplain')}</DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => purging && void act(purging, 'purge')}>
                {t('trash.purge')}
              </Button>
              <Button onClick={() => setPurging(null)}>{t('trash.cancel')}</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </div>
  );
}
