// Read mode (X1, Y5): who the sender and recipients are in the CRM, with their organizations,
// open deals and open tasks; unknown addresses to create; where the mail is filed; and the
// File and Call forms, kept mounted across tabs so nothing typed is lost.
import type { MailFiling } from '@crm/backend/contract';
import { makeStyles, Spinner, Tab, TabList, Text, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadMailContext, type MailContext, type Role, whereFiled } from '../api/crm.ts';
import { describeError } from '../errors.ts';
import { readMail } from '../office/mailbox.ts';
import { useSession } from '../session.tsx';
import { ContactCard } from './ContactCard.tsx';
import { CreateContact } from './CreateContact.tsx';
import { ErrorBar, InfoBar, SuccessBar } from './Feedback.tsx';
import { FileMail } from './FileMail.tsx';
import { LogCall } from './LogCall.tsx';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  heading: { margin: 0 },
  tabs: { marginInline: `calc(${tokens.spacingHorizontalM} * -1)` },
});

type TabName = 'context' | 'file' | 'call';

/** Inactive tabs stay mounted (their input is kept) but hidden; Fluent's display rules would undo `hidden` alone. */
const shownWhen = (shown: boolean) => (shown ? {} : { hidden: true, style: { display: 'none' } });

export function ReadPane({ item }: { item: Office.MessageRead }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api, signInLost, account } = useSession();
  const mail = useMemo(() => readMail(item), [item]);
  const [context, setContext] = useState<MailContext | null>(null);
  const [filed, setFiled] = useState<MailFiling[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tab, setTab] = useState<TabName>('context');

  // The user's own addresses are no contacts to look up or create.
  const username = account?.username ?? '';
  const addresses = useMemo(() => {
    const own = new Set(
      [Office.context.mailbox?.userProfile?.emailAddress, username]
        .filter((address): address is string => Boolean(address))
        .map((address) => address.toLowerCase()),
    );
    return [
      ...(mail.from ? [{ ...mail.from, role: 'from' as Role }] : []),
      ...mail.to.map((address) => ({ ...address, role: 'to' as Role })),
      ...mail.cc.map((address) => ({ ...address, role: 'cc' as Role })),
    ].filter((address) => !own.has(address.address.toLowerCase()));
  }, [mail, username]);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [loaded, filedAt] = await Promise.all([
        loadMailContext(api, addresses),
        mail.internetMessageId ? whereFiled(api, mail.internetMessageId) : Promise.resolve([]),
      ]);
      setContext(loaded);
      setFiled(filedAt);
    } catch (failure) {
      if (!signInLost(failure)) setError(failure);
    }
  }, [api, signInLost, addresses, mail.internetMessageId]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (context) {
      // For the bench and the browser tests: the moment the sender's context is on screen.
      performance.mark('crm:sender-context');
      document.body.dataset.senderContext = 'shown';
    }
  }, [context]);

  const reloadAfter = (message: string) => {
    setNotice(message);
    void load();
  };

  return (
    <>
      <div className={styles.tabs}>
        <TabList
          selectedValue={tab}
          onTabSelect={(_, data) => setTab(data.value as TabName)}
          size="small"
          aria-label={t('app.title')}
        >
          <Tab value="context">{t('tabs.context')}</Tab>
          <Tab value="file">{t('tabs.file')}</Tab>
          <Tab value="call">{t('tabs.call')}</Tab>
        </TabList>
      </div>
      {error !== null && <ErrorBar said={describeError(t, error)} onRetry={() => void load()} />}
      {notice && <SuccessBar>{notice}</SuccessBar>}
      {!context && error === null && <Spinner size="small" label={t('app.loading')} />}
      {context && (
        <>
          <div {...shownWhen(tab === 'context')} className={styles.section}>
            <FiledStatus filed={filed} />
            <Text as="h2" weight="semibold" className={styles.heading}>
              {t('context.heading')}
            </Text>
            {context.matches.length === 0 && <Text>{t('context.none')}</Text>}
            {context.matches.map((match) => (
              <ContactCard key={match.key} match={match} context={context} />
            ))}
            {context.unknown.length > 0 && (
              <>
                <Text as="h2" weight="semibold" className={styles.heading}>
                  {t('unknown.heading')}
                </Text>
                {context.unknown.map((address) => (
                  <CreateContact key={address.address} address={address} onDone={reloadAfter} />
                ))}
              </>
            )}
          </div>
          <div {...shownWhen(tab === 'file')} className={styles.section}>
            <FileMail
              item={item}
              mail={mail}
              context={context}
              onFiled={() => {
                void load();
              }}
            />
          </div>
          <div {...shownWhen(tab === 'call')} className={styles.section}>
            <LogCall context={context} />
          </div>
        </>
      )}
    </>
  );
}

function FiledStatus({ filed }: { filed: MailFiling[] | null }) {
  const { t } = useTranslation();
  if (filed === null) return null;
  if (filed.length === 0) return <InfoBar>{t('filed.not')}</InfoBar>;
  const records = filed
    .flatMap((mail) => mail.links)
    .map((link) => link.title ?? t(`records.${link.type}`, { defaultValue: link.type }))
    .join(', ');
  return <SuccessBar>{t('filed.at', { records })}</SuccessBar>;
}
