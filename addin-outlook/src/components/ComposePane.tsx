// Compose mode (X2): link the draft to records. The link travels with the item — an internet
// header x-crm-link with a tracking id and the same in custom properties — and the CRM learns
// the tracking id's records, so the sent mail is filed to them. The record's reference can go
// into the subject (E3).
import type { RecordLink } from '@crm/backend/contract';
import { Button, Checkbox, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { linkDraft, loadMailContext, type MailContext, recordReference } from '../api/crm.ts';
import { describeError, Notice } from '../errors.ts';
import {
  composeMail,
  composeRecipients,
  composeSubject,
  loadCustomProperty,
  saveCustomProperties,
  setComposeSubject,
  setInternetHeader,
} from '../office/mailbox.ts';
import { useSession } from '../session.tsx';
import { ErrorBar, SuccessBar } from './Feedback.tsx';
import { filingTargets, TRACKING_HEADER } from './FileMail.tsx';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  group: { display: 'flex', flexDirection: 'column', border: 'none', margin: 0, padding: 0, minInlineSize: 0 },
  legend: { padding: 0, marginBottom: tokens.spacingVerticalXS, fontWeight: tokens.fontWeightSemibold },
  row: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: tokens.spacingHorizontalS,
    flexWrap: 'wrap',
  },
});

const TRACKING_PROPERTY = 'crmTrackingId';
const LINKS_PROPERTY = 'crmLinks';

export function ComposePane({ item }: { item: Office.MessageCompose }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api, signInLost } = useSession();
  const draft = useMemo(() => composeMail(item), [item]);
  const [context, setContext] = useState<MailContext | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ failure: unknown; writing: boolean } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const fail = useCallback(
    (failure: unknown, writing = false) => {
      if (!signInLost(failure)) setError({ failure, writing });
    },
    [signInLost],
  );

  const load = useCallback(async () => {
    setError(null);
    try {
      const recipients = await composeRecipients(item);
      const loaded = await loadMailContext(
        api,
        recipients.map((recipient) => ({ ...recipient, role: 'to' as const })),
      );
      setContext(loaded);
      const saved = await loadCustomProperty(item, LINKS_PROPERTY);
      const links = saved ? (JSON.parse(saved) as RecordLink[]) : [];
      setChosen(
        new Set(
          links.length > 0
            ? links.map((link) => `${link.type}:${link.id}`)
            : loaded.matches.map((match) => `${match.kind}:${match.id}`),
        ),
      );
    } catch (failure) {
      fail(failure);
    }
  }, [api, item, fail]);

  useEffect(() => {
    void load();
  }, [load]);

  const targets = useMemo(
    () => (context ? filingTargets(context, (title) => t('file.deal', { title })) : []),
    [context, t],
  );

  const link = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const links = targets.filter((target) => chosen.has(target.key)).map(({ type, id }) => ({ type, id }));
      if (links.length === 0) throw new Notice(t('file.chooseTarget'));
      const trackingId = (await loadCustomProperty(item, TRACKING_PROPERTY)) ?? crypto.randomUUID();
      await setInternetHeader(item, TRACKING_HEADER, trackingId);
      await saveCustomProperties(item, { [TRACKING_PROPERTY]: trackingId, [LINKS_PROPERTY]: JSON.stringify(links) });
      await linkDraft(api, { trackingId, conversationId: draft.conversationId, links });
      setDone(t('compose.linked', { count: links.length }));
    } catch (failure) {
      fail(failure, true);
    } finally {
      setBusy(false);
    }
  };

  const insertReference = async (target: RecordLink & { label: string }) => {
    setError(null);
    setDone(null);
    try {
      const reference = await recordReference(api, target);
      const subject = await composeSubject(item);
      if (subject.includes(reference)) {
        setDone(t('compose.alreadyInSubject'));
        return;
      }
      const next = subject.trim() ? `${subject.trim()} ${reference}` : reference;
      await setComposeSubject(item, next);
      setDone(t('compose.subjectNow', { subject: next }));
    } catch (failure) {
      fail(failure, true);
    }
  };

  return (
    <form
      className={styles.form}
      aria-label={t('compose.heading')}
      onSubmit={(event) => {
        event.preventDefault();
        void link();
      }}
    >
      <Text as="h2" weight="semibold" style={{ margin: 0 }}>
        {t('compose.heading')}
      </Text>
      <Text>{t('compose.intro')}</Text>
      {!context && !error && <Spinner size="small" />}
      {context && targets.length === 0 && <Text>{t('compose.noRecipients')}</Text>}
      {targets.length > 0 && (
        <fieldset className={styles.group}>
          <legend className={styles.legend}>{t('file.targets')}</legend>
          {targets.map((target) => (
            <div key={target.key} className={styles.row}>
              <Checkbox
                label={target.label}
                checked={chosen.has(target.key)}
                onChange={(_, data) =>
                  setChosen((set) => {
                    const next = new Set(set);
                    if (data.checked === true) next.add(target.key);
                    else next.delete(target.key);
                    return next;
                  })
                }
              />
              <Button
                size="small"
                appearance="subtle"
                onClick={() => void insertReference(target)}
                aria-label={t('compose.referenceLabel', { name: target.label })}
              >
                {t('compose.reference')}
              </Button>
            </div>
          ))}
        </fieldset>
      )}
      {error && (
        <ErrorBar said={describeError(t, error.failure, { writing: error.writing })} onRetry={() => void load()} />
      )}
      {done && <SuccessBar>{done}</SuccessBar>}
      <div className={styles.row}>
        <Button type="submit" appearance="primary" disabledFocusable={busy || targets.length === 0}>
          {busy ? <Spinner size="tiny" label={t('compose.working')} /> : t('compose.link')}
        </Button>
        <Button onClick={() => void load()}>{t('compose.refresh')}</Button>
      </div>
    </form>
  );
}
