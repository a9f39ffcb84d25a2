// Messages of the pane: an error said in the user's language (the CRM's own words beneath), and
// a success line. Both are live regions, so a screen reader hears them without moving focus.
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
} from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import type { Said } from '../errors.ts';

export function ErrorBar({ said, onRetry }: { said: Said; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <MessageBar intent="error" layout="multiline" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{said.message}</MessageBarTitle>
        {said.detail && (
          <div>
            <Text size={200}>{said.detail}</Text>
          </div>
        )}
      </MessageBarBody>
      {onRetry && (
        <MessageBarActions>
          <Button onClick={onRetry}>{t('errors.retry')}</Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}

export function SuccessBar({ children }: { children: React.ReactNode }) {
  return (
    <MessageBar intent="success" layout="multiline" role="status">
      <MessageBarBody>{children}</MessageBarBody>
    </MessageBar>
  );
}

/** Something under way that the user may leave to finish by itself (a filing the CRM completes). */
export function PendingBar({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <MessageBar intent="info" layout="multiline" role="status" icon={<Spinner size="tiny" aria-label={title} />}>
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        <div>
          <Text size={200}>{children}</Text>
        </div>
      </MessageBarBody>
    </MessageBar>
  );
}

export function InfoBar({ children, intent = 'info' }: { children: React.ReactNode; intent?: 'info' | 'warning' }) {
  return (
    <MessageBar intent={intent} layout="multiline">
      <MessageBarBody>{children}</MessageBarBody>
    </MessageBar>
  );
}
