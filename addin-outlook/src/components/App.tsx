// The pane: configuration, sign-in (silent first), then read or compose mode for the open item.
// Every state shows something: starting, a failure with its reason, the sign-in card, the pane.
import type { Me } from '@crm/backend/contract';
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Api } from '../api/client.ts';
import { me as loadMe } from '../api/crm.ts';
import { type Auth, createAuth, nestedAuthSupported, type PaneConfig, SignInRequired } from '../auth/auth.ts';
import { describeError } from '../errors.ts';
import { currentItem, modeOf } from '../office/mailbox.ts';
import { type Session, SessionContext } from '../session.tsx';
import { ComposePane } from './ComposePane.tsx';
import { ErrorBar } from './Feedback.tsx';
import { ReadPane } from './ReadPane.tsx';
import { SignInCard, signInProblem } from './SignIn.tsx';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, padding: tokens.spacingHorizontalM },
  header: {
    display: 'flex',
    alignItems: 'baseline',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
  },
  account: { color: tokens.colorNeutralForeground3 },
});

type Phase =
  | { name: 'starting' }
  | { name: 'failed'; error: unknown }
  | { name: 'signedOut'; auth: Auth; config: PaneConfig; reason: 'signed_out' | 'expired' }
  | { name: 'ready'; auth: Auth; config: PaneConfig; api: Api };

// Asked for while office.js starts: the pane needs it first.
const configRequest = fetch(new URL('config.json', window.location.href), { cache: 'no-cache' });

async function loadConfig(): Promise<PaneConfig> {
  const response = await configRequest.catch(() =>
    fetch(new URL('config.json', window.location.href), { cache: 'no-cache' }),
  );
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.clone().json()) as PaneConfig;
}

export function App() {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const [phase, setPhase] = useState<Phase>({ name: 'starting' });
  const [me, setMe] = useState<Me | null>(null);
  const [lost, setLost] = useState<'expired' | null>(null);
  const [signInError, setSignInError] = useState<unknown>(null);
  const [itemVersion, setItemVersion] = useState(0);

  /** Signed in when a token comes silently (from the cache, or the host's broker); the user's profile follows. */
  const enter = useCallback(
    async (auth: Auth, config: PaneConfig) => {
      const api = new Api(config.apiBase, auth, () => i18n.language);
      try {
        await auth.token();
      } catch (error) {
        if (error instanceof SignInRequired) setPhase({ name: 'signedOut', auth, config, reason: error.reason });
        else setPhase({ name: 'failed', error });
        return;
      }
      setPhase({ name: 'ready', auth, config, api });
      loadMe(api).then(setMe, () => setMe(null));
    },
    [i18n],
  );

  const boot = useCallback(async () => {
    setPhase({ name: 'starting' });
    try {
      const config = await loadConfig();
      const auth = await createAuth(config, nestedAuthSupported());
      await enter(auth, config);
    } catch (error) {
      setPhase({ name: 'failed', error });
    }
  }, [enter]);

  const booted = useRef(false);
  useEffect(() => {
    if (booted.current) return;
    booted.current = true;
    void boot();
  }, [boot]);

  // A pinned pane follows the selected mail.
  useEffect(() => {
    const mailbox = Office.context.mailbox;
    if (!mailbox?.addHandlerAsync) return;
    mailbox.addHandlerAsync(Office.EventType.ItemChanged, () => setItemVersion((version) => version + 1));
    return () => {
      mailbox.removeHandlerAsync?.(Office.EventType.ItemChanged);
    };
  }, []);

  const signIn = useCallback(async (auth: Auth, after: () => Promise<void> | void) => {
    setSignInError(null);
    try {
      await auth.signIn();
      await after();
    } catch (error) {
      setSignInError(error);
    }
  }, []);

  const signInLost = useCallback((error: unknown) => {
    if (!(error instanceof SignInRequired)) return false;
    setLost('expired');
    return true;
  }, []);

  const session = useMemo<Session | null>(
    () =>
      phase.name === 'ready'
        ? {
            api: phase.api,
            config: phase.config,
            me,
            account: phase.auth.account(),
            signInLost,
          }
        : null,
    [phase, me, signInLost],
  );

  if (phase.name === 'starting') {
    return (
      <main className={styles.root}>
        <Spinner label={t('app.loading')} />
      </main>
    );
  }
  if (phase.name === 'failed') {
    return (
      <main className={styles.root}>
        <ErrorBar said={describeError(t, phase.error)} onRetry={() => void boot()} />
      </main>
    );
  }
  if (phase.name === 'signedOut') {
    return (
      <main className={styles.root}>
        <SignInCard
          reason={phase.reason}
          error={signInError === null ? null : signInProblem(t, signInError)}
          onSignIn={() => signIn(phase.auth, () => enter(phase.auth, phase.config))}
        />
      </main>
    );
  }

  const item = currentItem();
  const account = phase.auth.account();
  return (
    <SessionContext.Provider value={session}>
      <main className={styles.root}>
        <header className={styles.header}>
          <Text as="h1" weight="semibold" size={400}>
            {t('app.title')}
          </Text>
          {account && (
            <Text size={200} className={styles.account}>
              {t('app.signedInAs', { name: account.name })}
            </Text>
          )}
        </header>
        {lost && (
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>
              {t('signIn.expired')}
              {signInError !== null && <div>{signInProblem(t, signInError)}</div>}
            </MessageBarBody>
            <MessageBarActions>
              <Button
                appearance="primary"
                onClick={() =>
                  void signIn(phase.auth, () => {
                    setLost(null);
                  })
                }
              >
                {t('signIn.button')}
              </Button>
            </MessageBarActions>
          </MessageBar>
        )}
        {!item ? (
          <Text>{t('app.noItem')}</Text>
        ) : modeOf(item) === 'read' ? (
          <ReadPane key={itemVersion} item={item as Office.MessageRead} />
        ) : (
          <ComposePane key={itemVersion} item={item as Office.MessageCompose} />
        )}
      </main>
    </SessionContext.Provider>
  );
}
