// File the open mail (E1): to one or more records (the matches preselected, their open deals
// offered). By reference first (Y7): the pane names the message and the CRM fetches it and its
// attachments through Graph, so a dropped network or a closed pane still ends in the mail filed;
// the pane shows it pending until done. Where Graph cannot reach the mailbox, the pane uploads
// the body and the chosen attachments read through office-js, as before. Either way the backend
// keeps one mail per internetMessageId; filing again only adds links, and the backend says which.
import type { MailAttachmentInput, MailFilingState, RecordLink } from '@crm/backend/contract';
import { Button, Checkbox, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, NetworkError } from '../api/client.ts';
import { fileByReference, filedMail, fileMail, filingState, filingsOf, type MailContext } from '../api/crm.ts';
import { describeError, type Said } from '../errors.ts';
import {
  type AttachmentInfo,
  mailboxAddress,
  type ReadMail,
  readAttachmentContent,
  readBody,
  readInternetHeaders,
  restItemId,
} from '../office/mailbox.ts';
import { useSession } from '../session.tsx';
import { ErrorBar, InfoBar, PendingBar, SuccessBar } from './Feedback.tsx';

/** How often the pane asks how a filing by reference stands. */
const POLL_MS = 1000;
const GRAPH_UNREACHABLE = 'mail_filing_graph_unreachable';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How a filing by reference ended: filed, failed with the CRM's words, or left to the pane's upload. */
type ReferenceOutcome =
  | { kind: 'filed'; mailId: string }
  | { kind: 'failed'; title: string; detail: string }
  | { kind: 'upload' }
  | { kind: 'closed' };

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  group: { display: 'flex', flexDirection: 'column', border: 'none', margin: 0, padding: 0, minInlineSize: 0 },
  legend: { padding: 0, marginBottom: tokens.spacingVerticalXS, fontWeight: tokens.fontWeightSemibold },
  note: { color: tokens.colorNeutralForeground3, paddingInlineStart: '28px', overflowWrap: 'anywhere' },
});

export const TRACKING_HEADER = 'x-crm-link';

interface Target extends RecordLink {
  key: string;
  label: string;
  preselected: boolean;
}

export function filingTargets(context: MailContext, dealLabel: (title: string) => string): Target[] {
  const targets = new Map<string, Target>();
  const add = (target: Omit<Target, 'key'>) => {
    const key = `${target.type}:${target.id}`;
    if (!targets.has(key)) targets.set(key, { ...target, key });
  };
  for (const match of context.matches) {
    add({ type: match.kind, id: match.id, label: match.name, preselected: true });
    for (const contact of match.businessContacts) {
      add({ type: 'organization', id: contact.organizationId, label: contact.organizationName, preselected: true });
    }
  }
  for (const match of context.matches) {
    for (const deal of match.deals)
      add({ type: 'deal', id: deal.id, label: dealLabel(deal.title), preselected: false });
  }
  return [...targets.values()];
}

export function formatBytes(bytes: number, language: string): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function attachmentInput(item: Office.MessageRead, attachment: AttachmentInfo): Promise<MailAttachmentInput> {
  const base = {
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.size,
    isInline: attachment.isInline,
  };
  const content = await readAttachmentContent(item, attachment.id);
  switch (content.format) {
    case 'url':
      return { ...base, cloudUrl: content.content };
    case 'eml':
      return {
        ...base,
        name: /\.eml$/i.test(attachment.name) ? attachment.name : `${attachment.name}.eml`,
        contentType: 'message/rfc822',
        contentBase64: utf8ToBase64(content.content),
      };
    case 'iCalendar':
      return { ...base, contentType: 'text/calendar', contentBase64: utf8ToBase64(content.content) };
    default:
      return { ...base, contentBase64: content.content };
  }
}

export function FileMail({
  item,
  mail,
  context,
  onFiled,
}: {
  item: Office.MessageRead;
  mail: ReadMail;
  context: MailContext;
  onFiled: () => void;
}) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const { api, config, signInLost } = useSession();
  const targets = useMemo(() => filingTargets(context, (title) => t('file.deal', { title })), [context, t]);
  const tooLarge = (attachment: AttachmentInfo) =>
    attachment.kind !== 'cloud' && attachment.size > config.maxAttachmentBytes;
  const [chosen, setChosen] = useState<Set<string>>(
    () => new Set(targets.filter((target) => target.preselected).map((target) => target.key)),
  );
  const [attachments, setAttachments] = useState<Set<string>>(
    () => new Set(mail.attachments.filter((attachment) => !tooLarge(attachment)).map((attachment) => attachment.id)),
  );
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Said | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // The click's idempotency key, kept until its filing has an answer: a retry of the same filing
  // (after a dropped network, say) is the same filing on the server.
  const filingKey = useRef<{ key: string; filing: string } | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  // Opened again on a mail whose filing by reference is still under way: show it pending until done.
  const resumed = useRef<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per opened message; the filing's own state is polled
  useEffect(() => {
    const messageId = restItemId(mail.itemId);
    if (!messageId || resumed.current === messageId) return;
    resumed.current = messageId;
    void (async () => {
      const open = (await filingsOf(api, messageId).catch(() => ({ items: [] }))).items.find(
        (filing) => filing.state === 'pending',
      );
      if (!open || !mounted.current) return;
      setBusy(true);
      try {
        const outcome = await awaitFiling(open);
        if (outcome.kind === 'filed') {
          const filed = await filedMail(api, outcome.mailId);
          setDone(t('file.done', { count: filed.links.length, attachments: filed.attachments.length }));
          onFiled();
        } else if (outcome.kind === 'failed') {
          setError({ message: outcome.title, detail: outcome.detail });
        }
      } catch (failure) {
        if (!signInLost(failure)) setError(describeError(t, failure));
      } finally {
        if (mounted.current) {
          setPending(false);
          setBusy(false);
        }
      }
    })();
  }, [mail.itemId]);

  // A contact created meanwhile appears preselected too; the user's own choices stay.
  const seen = useRef(new Set(targets.map((target) => target.key)));
  useEffect(() => {
    const fresh = targets.filter((target) => !seen.current.has(target.key));
    for (const target of fresh) seen.current.add(target.key);
    const preselect = fresh.filter((target) => target.preselected).map((target) => target.key);
    if (preselect.length > 0) setChosen((set) => new Set([...set, ...preselect]));
  }, [targets]);

  const toggle = (set: Set<string>, key: string, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(key);
    else next.delete(key);
    return next;
  };

  const submit = async () => {
    if (busy) return;
    setError(null);
    setDone(null);
    if (!mail.internetMessageId) {
      setError({ message: t('file.noMessageId') });
      return;
    }
    const links = targets.filter((target) => chosen.has(target.key)).map(({ type, id }) => ({ type, id }));
    if (links.length === 0) {
      setError({ message: t('file.chooseTarget') });
      return;
    }
    setBusy(true);
    let current: AttachmentInfo | null = null;
    try {
      const outcome = await fileThroughCrm(links);
      if (outcome.kind === 'closed') return;
      if (outcome.kind === 'filed') {
        const filed = await filedMail(api, outcome.mailId);
        setDone(t('file.done', { count: links.length, attachments: filed.attachments.length }));
        onFiled();
        return;
      }
      if (outcome.kind === 'failed') {
        setError({ message: outcome.title, detail: outcome.detail });
        return;
      }
      const [bodyHtml, bodyText, headers] = await Promise.all([
        readBody(item, 'html'),
        readBody(item, 'text'),
        readInternetHeaders(item).catch(() => ({}) as Record<string, string>),
      ]);
      const inputs: MailAttachmentInput[] = [];
      for (const attachment of mail.attachments.filter((candidate) => attachments.has(candidate.id))) {
        current = attachment;
        inputs.push(await attachmentInput(item, attachment));
      }
      current = null;
      const tracking = headers[TRACKING_HEADER];
      const from = mail.from ?? { address: '', name: '' };
      const result = await fileMail(api, {
        internetMessageId: mail.internetMessageId,
        conversationId: mail.conversationId,
        subject: mail.subject,
        from,
        to: mail.to,
        cc: mail.cc,
        sentAt: mail.createdAt,
        receivedAt: mail.createdAt,
        bodyHtml,
        bodyText,
        attachments: inputs,
        links,
        ...(tracking ? { internetHeaders: { [TRACKING_HEADER]: tracking } } : {}),
      });
      setDone(
        result.created
          ? t('file.done', { count: result.links.length, attachments: inputs.length })
          : result.addedLinks.length > 0
            ? t('file.again', { count: result.addedLinks.length })
            : t('file.unchanged'),
      );
      onFiled();
    } catch (failure) {
      if (signInLost(failure)) return;
      if (failure instanceof ApiError && failure.status === 413) {
        setError({ message: t('file.payloadTooLarge'), detail: failure.problem.detail });
        return;
      }
      const said = describeError(t, failure);
      setError(current ? { ...said, detail: [current.name, said.detail].filter(Boolean).join(' · ') } : said);
    } finally {
      if (mounted.current) {
        setPending(false);
        setBusy(false);
      }
    }
  };

  /**
   * Files the mail by reference and waits, showing it pending, until the CRM filed it or says why
   * not; answers `upload` where the CRM cannot fetch it (or the user left out attachments, which
   * only the upload can honour).
   */
  const fileThroughCrm = async (links: RecordLink[]): Promise<ReferenceOutcome> => {
    const messageId = restItemId(mail.itemId);
    const mailbox = mailboxAddress();
    const everyAttachment = mail.attachments.every(
      (attachment) => tooLarge(attachment) || attachments.has(attachment.id),
    );
    if (!messageId || !mailbox || !everyAttachment) return { kind: 'upload' };
    const filing = JSON.stringify([messageId, links.map((link) => `${link.type}:${link.id}`).sort()]);
    if (filingKey.current?.filing !== filing) filingKey.current = { key: `pane-${crypto.randomUUID()}`, filing };
    let state: MailFilingState;
    try {
      state = await fileByReference(api, { messageId, mailbox, links, idempotencyKey: filingKey.current.key });
    } catch (failure) {
      // Graph cannot reach the mailbox (or an older CRM has no filing by reference): upload instead.
      if (failure instanceof ApiError && (failure.code === GRAPH_UNREACHABLE || failure.status === 404)) {
        filingKey.current = null;
        return { kind: 'upload' };
      }
      throw failure;
    }
    const outcome = await awaitFiling(state);
    if (outcome.kind !== 'closed') filingKey.current = null;
    return outcome;
  };

  /** Waits, showing the filing pending, until the CRM filed the mail or says why not. */
  const awaitFiling = async (first: MailFilingState): Promise<ReferenceOutcome> => {
    let state = first;
    setPending(true);
    while (state.state === 'pending') {
      await pause(POLL_MS);
      if (!mounted.current) return { kind: 'closed' };
      try {
        state = await filingState(api, state.id);
      } catch (failure) {
        // A dropped network changes nothing on the server: keep asking.
        if (failure instanceof NetworkError) continue;
        throw failure;
      }
    }
    setPending(false);
    if (state.state === 'filed' && state.mailId) return { kind: 'filed', mailId: state.mailId };
    if (state.problem?.code === GRAPH_UNREACHABLE) return { kind: 'upload' };
    return {
      kind: 'failed',
      title: state.problem?.title ?? t('file.failed'),
      detail: state.problem?.detail ?? '',
    };
  };

  const attachmentNote = (attachment: AttachmentInfo) => {
    const notes = [formatBytes(attachment.size, i18n.language)];
    if (attachment.isInline) notes.push(t('file.inline'));
    if (attachment.kind === 'cloud') notes.push(t('file.cloud'));
    if (attachment.kind === 'item') notes.push(t('file.item'));
    if (tooLarge(attachment)) {
      notes.push(
        t('file.tooLarge', {
          size: formatBytes(attachment.size, i18n.language),
          limit: formatBytes(config.maxAttachmentBytes, i18n.language),
        }),
      );
    }
    return notes.join(' · ');
  };

  return (
    <form
      className={styles.form}
      aria-label={t('file.heading')}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <fieldset className={styles.group}>
        <legend className={styles.legend}>{t('file.targets')}</legend>
        {targets.length === 0 ? (
          <Text>{t('file.noTargets')}</Text>
        ) : (
          <Text size={200} className={styles.note} style={{ paddingInlineStart: 0 }}>
            {t('file.suggested')}
          </Text>
        )}
        {targets.map((target) => (
          <Checkbox
            key={target.key}
            label={target.label}
            checked={chosen.has(target.key)}
            onChange={(_, data) => setChosen((set) => toggle(set, target.key, data.checked === true))}
          />
        ))}
      </fieldset>
      <fieldset className={styles.group}>
        <legend className={styles.legend}>{t('file.attachments')}</legend>
        {mail.attachments.length === 0 && <Text>{t('file.noAttachments')}</Text>}
        {mail.attachments.map((attachment) => (
          <div key={attachment.id}>
            <Checkbox
              label={attachment.name}
              checked={attachments.has(attachment.id)}
              disabled={tooLarge(attachment)}
              onChange={(_, data) => setAttachments((set) => toggle(set, attachment.id, data.checked === true))}
            />
            <Text size={200} block className={styles.note}>
              {attachmentNote(attachment)}
            </Text>
          </div>
        ))}
      </fieldset>
      {!mail.internetMessageId && <InfoBar intent="warning">{t('file.noMessageId')}</InfoBar>}
      {pending && <PendingBar title={t('file.pending')}>{t('file.pendingNote')}</PendingBar>}
      {error && <ErrorBar said={error} />}
      {done && <SuccessBar>{done}</SuccessBar>}
      <Button type="submit" appearance="primary" disabledFocusable={busy}>
        {busy ? <Spinner size="tiny" label={t('file.working')} /> : t('file.submit')}
      </Button>
    </form>
  );
}
