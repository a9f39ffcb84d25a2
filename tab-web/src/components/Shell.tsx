// The signed-in frame around every page: the app's name (home), the search box, the language,
// the account; a bar when the sign-in went; the page of the route below, loaded when first shown.
import {
  Button,
  Link as FluentLink,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes } from 'react-router';
import type { Auth } from '../../../web-shared/msal-auth.ts';
import { useFavouriteLists } from '../api/queries.ts';
import { chooseLanguage, type Language } from '../i18n/i18n.ts';
import { useOnline } from '../online.ts';
import { SearchBox } from './SearchBox.tsx';

const StartPage = lazy(() => import('../pages/start.page.tsx'));
const RecordPage = lazy(() => import('../pages/record.page.tsx'));
const ListPage = lazy(() => import('../pages/list.page.tsx'));
const FormPage = lazy(() => import('../pages/form.page.tsx'));
const ProfilePage = lazy(() => import('../pages/profile.page.tsx'));
const BoardPage = lazy(() => import('../pages/board.page.tsx'));
const PipelineEditorPage = lazy(() => import('../pages/pipeline-editor.page.tsx'));
const DashboardsPage = lazy(() => import('../pages/dashboards.page.tsx'));
const ReportsPage = lazy(() => import('../pages/reports.page.tsx'));
const CalendarPage = lazy(() => import('../pages/calendar.page.tsx'));
const TrashPage = lazy(() => import('../pages/trash.page.tsx'));

const useStyles = makeStyles({
  header: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  home: {
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase400,
    color: tokens.colorNeutralForeground1,
  },
  sections: {
    display: 'flex',
    flexWrap: 'wrap',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
  },
  search: { flexGrow: 1, minWidth: '200px', maxWidth: '560px' },
  end: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, marginLeft: 'auto' },
  account: { color: tokens.colorNeutralForeground2 },
  main: { padding: tokens.spacingHorizontalL, maxWidth: '1400px', margin: '0 auto' },
  favourites: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  favouriteList: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
});

/** The lists the user marked as favourites, one click away on every page. */
function Favourites() {
  const { t } = useTranslation();
  const styles = useStyles();
  const { stored } = useFavouriteLists();
  const items = stored.data?.value.items ?? [];
  if (items.length === 0) return null;
  return (
    <nav aria-label={t('nav.favourites')} className={styles.favourites}>
      <Text size={200} weight="semibold" aria-hidden="true">
        ★ {t('nav.favourites')}
      </Text>
      <ul className={styles.favouriteList}>
        {items.map((item) => (
          <li key={`${item.listType}:${item.savedFilterId ?? ''}`}>
            <Link to={`/lists/${item.listType}${item.savedFilterId ? `?savedFilter=${item.savedFilterId}` : ''}`}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Said while the network is gone, gone again once it is back; pages keep what they showed. */
function OfflineBar() {
  const { t } = useTranslation();
  const online = useOnline();
  return (
    <div role="status">
      {!online && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{t('offline.title')}</MessageBarTitle>
            {t('offline.body')}
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

export function Shell({
  auth,
  signInLost,
  onSignedInAgain,
}: {
  auth: Auth;
  signInLost: boolean;
  onSignedInAgain: () => void;
}) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const account = auth.account();
  const [signInError, setSignInError] = useState<string | null>(null);
  const other: Language = i18n.language === 'de' ? 'en' : 'de';

  return (
    <>
      <header className={styles.header}>
        <Link to="/" className={styles.home}>
          {t('app.title')}
        </Link>
        <nav aria-label={t('dashboards.sections')} className={styles.sections}>
          <Link to="/pipelines">{t('board.nav')}</Link>
          <Link to="/dashboards">{t('dashboards.nav')}</Link>
          <Link to="/reports">{t('reports.nav')}</Link>
          <Link to="/calendar">{t('calendar.nav')}</Link>
          <Link to="/trash">{t('trash.nav')}</Link>
        </nav>
        <div className={styles.search}>
          <SearchBox />
        </div>
        <div className={styles.end}>
          <Button
            appearance="subtle"
            lang={other}
            title={t('app.switchLanguage')}
            onClick={() => void chooseLanguage(other)}
          >
            {other === 'de' ? 'Deutsch' : 'English'}
          </Button>
          {account && (
            <Link to="/profile" className={styles.account} title={t('sync.profileLink')}>
              <Text size={200}>{account.name}</Text>
            </Link>
          )}
        </div>
      </header>
      <Favourites />
      <OfflineBar />
      {signInLost && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            {t('signIn.expired')}
            {signInError && <div role="alert">{signInError}</div>}
          </MessageBarBody>
          <MessageBarActions>
            <Button
              appearance="primary"
              onClick={() =>
                void auth.signIn().then(onSignedInAgain, (error: unknown) => setSignInError((error as Error).message))
              }
            >
              {t('signIn.button')}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <main className={styles.main}>
        <Suspense fallback={<Spinner label={t('app.loading')} />}>
          <Routes>
            <Route index element={<StartPage />} />
            <Route path="records/:type/new" element={<FormPage />} />
            <Route path="records/:type/:id" element={<RecordPage />} />
            <Route path="records/:type/:id/edit" element={<FormPage />} />
            <Route path="lists/:type" element={<ListPage />} />
            <Route path="profile" element={<ProfilePage />} />
            <Route path="pipelines" element={<BoardPage />} />
            <Route path="pipelines/:id" element={<BoardPage />} />
            <Route path="pipelines/:id/edit" element={<PipelineEditorPage />} />
            <Route path="dashboards" element={<DashboardsPage />} />
            <Route path="reports" element={<ReportsPage />} />
            <Route path="reports/:name" element={<ReportsPage />} />
            <Route path="calendar" element={<CalendarPage />} />
            <Route path="trash" element={<TrashPage />} />
            <Route
              path="*"
              element={
                <Text as="p">
                  {t('app.noSuchPage')}{' '}
                  <FluentLink as="a" href="/app/">
                    {t('app.toStart')}
                  </FluentLink>
                </Text>
              }
            />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
