// The app: configuration, sign-in (silent first), then the signed-in shell with its routes. Every
// state shows something: starting, a failure with its reason, the sign-in card, the app.
import { Button, Card, CardHeader, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter } from 'react-router';
import { Api, ApiError, SignInRequired } from '../../../web-shared/api-client.ts';
import { type Auth, createAuth, type SignInConfig } from '../../../web-shared/msal-auth.ts';
import type { Host } from '../host.ts';
import type { Session } from '../session.tsx';
import { SessionContext } from '../session.tsx';
import { ErrorBar } from './Feedback.tsx';
import { Shell } from './Shell.tsx';

interface AppConfig extends SignInConfig {
  apiBase: string;
}

const useStyles = makeStyles({
  centre: { display: 'flex', justifyContent: 'center', padding: tokens.spacingHorizontalXXL },
  card: { maxWidth: '420px', width: '100%' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

type Phase =
  | { name: 'starting' }
  | { name: 'failed'; error: unknown }
  | { name: 'signedOut'; auth: Auth; config: AppConfig; reason: 'signed_out' | 'expired'; error?: unknown }
  | { name: 'ready'; auth: Auth; api: Api };

const BASE = '/app/';

async function loadConfig(): Promise<AppConfig> {
  const response = await fetch(`${BASE}config.json`, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.json()) as AppConfig;
}

/** msal's interactive failures, said in the user's language. */
function signInProblem(t: (key: string, options?: Record<string, string>) => string, error: unknown): string {
  const code = (error as { errorCode?: string }).errorCode ?? '';
  if (code === 'popup_window_error' || code === 'empty_window_error') return t('signIn.popupBlocked');
  if (code === 'user_cancelled') return t('signIn.cancelled');
  return t('signIn.failed', { message: (error as Error).message ?? String(error) });
}

export function App({ host }: { host: Host }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const [phase, setPhase] = useState<Phase>({ name: 'starting' });
  const [busy, setBusy] = useState(false);
  // The sign-in went while the app was open: a bar offers to renew it; pages keep what was typed.
  const [signInLost, setSignInLost] = useState(false);

  const queryClient = useMemo(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: (error) => error instanceof SignInRequired && setSignInLost(true) }),
        mutationCache: new MutationCache({
          onError: (error) => error instanceof SignInRequired && setSignInLost(true),
        }),
        defaultOptions: {
          queries: {
            staleTime: 30_000,
            // A missing record or a refusal stays so on retry; a network hiccup may not.
            retry: (count, error) =>
              count < 2 && !(error instanceof SignInRequired) && !(error instanceof ApiError && error.status < 500),
          },
        },
      }),
    [],
  );

  const enter = useCallback(
    async (auth: Auth, config: AppConfig) => {
      try {
        await auth.token();
      } catch (error) {
        if (error instanceof SignInRequired) setPhase({ name: 'signedOut', auth, config, reason: error.reason });
        else setPhase({ name: 'failed', error });
        return;
      }
      setPhase({ name: 'ready', auth, api: new Api(config.apiBase, auth, () => i18n.language) });
    },
    [i18n],
  );

  const boot = useCallback(async () => {
    setPhase({ name: 'starting' });
    try {
      const config = await loadConfig();
      const auth = await createAuth(config, host.nestedAuth, new URL(`${BASE}auth.html`, window.location.href).href);
      await enter(auth, config);
    } catch (error) {
      setPhase({ name: 'failed', error });
    }
  }, [enter, host]);

  const booted = useRef(false);
  useEffect(() => {
    if (booted.current) return;
    booted.current = true;
    void boot();
  }, [boot]);

  const session = useMemo<Session | null>(
    () => (phase.name === 'ready' ? { api: phase.api, host, me: null, account: phase.auth.account() } : null),
    [phase, host],
  );

  if (phase.name === 'starting') {
    return (
      <main className={styles.centre}>
        <Spinner label={t('app.loading')} />
      </main>
    );
  }
  if (phase.name === 'failed') {
    return (
      <main className={styles.centre}>
        <ErrorBar error={phase.error} onRetry={() => void boot()} />
      </main>
    );
  }
  if (phase.name === 'signedOut') {
    const signIn = async () => {
      setBusy(true);
      try {
        await phase.auth.signIn();
        await enter(phase.auth, phase.config);
      } catch (error) {
        setPhase({ ...phase, error });
      } finally {
        setBusy(false);
      }
    };
    return (
      <main className={styles.centre}>
        <Card className={styles.card}>
          <CardHeader
            header={
              <Text as="h1" weight="semibold" size={500}>
                {t('signIn.heading')}
              </Text>
            }
          />
          <div className={styles.body}>
            <Text>{phase.reason === 'expired' ? t('signIn.expired') : t('signIn.prompt')}</Text>
            {phase.error !== undefined && <Text role="alert">{signInProblem(t as never, phase.error)}</Text>}
            <Button appearance="primary" disabledFocusable={busy} onClick={() => void signIn()}>
              {busy ? <Spinner size="tiny" label={t('signIn.working')} /> : t('signIn.button')}
            </Button>
          </div>
        </Card>
      </main>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter basename="/app">
          <Shell
            auth={phase.auth}
            signInLost={signInLost}
            onSignedInAgain={() => {
              setSignInLost(false);
              void queryClient.invalidateQueries();
            }}
          />
        </BrowserRouter>
      </QueryClientProvider>
    </SessionContext.Provider>
  );
}
