// Signed out or expired: a card with the reason and the sign-in button, never a blank pane.
import { Button, Card, CardHeader, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBar } from './Feedback.tsx';

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/** msal's interactive failures, said in the user's language. */
export function signInProblem(t: TFunction, error: unknown): string {
  const code = (error as { errorCode?: string }).errorCode ?? '';
  if (code === 'popup_window_error' || code === 'empty_window_error') return t('signIn.popupBlocked');
  if (code === 'user_cancelled') return t('signIn.cancelled');
  return t('signIn.failed', { message: (error as Error).message ?? String(error) });
}

export function SignInCard({
  reason,
  error,
  onSignIn,
}: {
  reason: 'signed_out' | 'expired';
  error: string | null;
  onSignIn: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const [busy, setBusy] = useState(false);
  return (
    <Card>
      <CardHeader
        header={
          <Text as="h1" weight="semibold" size={400}>
            {t('signIn.heading')}
          </Text>
        }
      />
      <div className={styles.body}>
        <Text>{reason === 'expired' ? t('signIn.expired') : t('signIn.prompt')}</Text>
        {error && <ErrorBar said={{ message: error }} />}
        <Button
          appearance="primary"
          disabledFocusable={busy}
          onClick={() => {
            setBusy(true);
            void onSignIn().finally(() => setBusy(false));
          }}
        >
          {busy ? <Spinner size="tiny" label={t('signIn.working')} /> : t('signIn.button')}
        </Button>
      </div>
    </Card>
  );
}
