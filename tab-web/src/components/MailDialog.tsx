// "Mail schreiben" on a record's 360° page (E3): to, cc, bcc, a template filled from the record,
// subject and text; sent through the user's Microsoft 365 mailbox and filed on the record at once.
import type { FilledMailTemplate, MailTemplateList, SentMailView } from '@crm/backend/contract';
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Select,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../api/queries.ts';
import { useSession } from '../session.tsx';
import { ErrorBar } from './Feedback.tsx';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

const addresses = (text: string) =>
  text
    .split(/[,;]/)
    .map((address) => address.trim())
    .filter(Boolean);

/** Escapes the typed text and keeps its paragraphs, as the mail's HTML body. */
const htmlOf = (text: string) =>
  text
    .split(/\n{2,}/)
    .map(
      (paragraph) =>
        `<p>${paragraph.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>')}</p>`,
    )
    .join('');

/** The template's HTML as text to edit: paragraphs and line breaks kept, tags gone. */
const textOf = (html: string) => {
  const document = new DOMParser().parseFromString(
    html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>\s*/gi, '</p>\n\n'),
    'text/html',
  );
  return (document.body.textContent ?? '').trim();
};

export function MailDialog({ type, id, to: preset }: { type: string; id: string; to: string | null }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [to, setTo] = useState(preset ?? '');
  const [cc, setCc] = useState('');
  const [bcc, setBcc] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  // The dialog is only mounted while open: a closed Fluent dialog would leave focus guards behind.
  const close = () => {
    setOpen(false);
    setTimeout(() => opener.current?.focus(), 0);
  };
  const templates = useApiQuery<MailTemplateList>('/v1/mail-templates', undefined, { enabled: open });
  const fill = useMutation({
    mutationFn: async (template: string) =>
      (
        await api.post<FilledMailTemplate>(`/v1/mail-templates/${encodeURIComponent(template)}/fill`, {
          record: { type, id },
        })
      ).body,
    onSuccess: (filled) => {
      setSubject(filled.subject);
      setBody(textOf(filled.bodyHtml));
    },
  });
  const send = useMutation({
    mutationFn: async () =>
      (
        await api.post<SentMailView>('/v1/mails/send', {
          to: addresses(to),
          cc: addresses(cc),
          bcc: addresses(bcc),
          subject,
          bodyHtml: htmlOf(body),
          record: { type, id },
        })
      ).body,
    onSuccess: (mail) => {
      setSent(mail.subject);
      close();
      setSubject('');
      setBody('');
      setTemplateId('');
      void client.invalidateQueries();
    },
  });
  const chooseTemplate = (value: string) => {
    setTemplateId(value);
    if (value) fill.mutate(value);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate();
  };
  return (
    <>
      <Button
        ref={opener}
        onClick={() => {
          setSent(null);
          setOpen(true);
        }}
      >
        {t('mail.open')}
      </Button>
      {open ? (
        <Dialog
          open
          onOpenChange={(_, data) => {
            if (!data.open) close();
          }}
        >
          <DialogSurface>
            <form onSubmit={submit}>
              <DialogBody>
                <DialogTitle>{t('mail.title')}</DialogTitle>
                <DialogContent className={styles.form}>
                  <Field label={t('mail.to')} hint={t('mail.addressesHint')}>
                    <Input value={to} onChange={(_, data) => setTo(data.value)} />
                  </Field>
                  <Field label={t('mail.cc')}>
                    <Input value={cc} onChange={(_, data) => setCc(data.value)} />
                  </Field>
                  <Field label={t('mail.bcc')}>
                    <Input value={bcc} onChange={(_, data) => setBcc(data.value)} />
                  </Field>
                  <Field label={t('mail.template')}>
                    <Select value={templateId} onChange={(_, data) => chooseTemplate(data.value)}>
                      <option value="">{t('mail.noTemplate')}</option>
                      {(templates.data?.items ?? []).map((template) => (
                        <option key={template.id} value={template.id}>
                          {template.name}
                        </option>
                      ))}
                    </Select>
                  </Field>
                  <Field label={t('mail.subject')} hint={t('mail.subjectHint')}>
                    <Input value={subject} onChange={(_, data) => setSubject(data.value)} />
                  </Field>
                  <Field label={t('mail.body')}>
                    <Textarea value={body} rows={8} resize="vertical" onChange={(_, data) => setBody(data.value)} />
                  </Field>
                  {fill.error ? <ErrorBar error={fill.error} /> : null}
                  {send.error ? <ErrorBar error={send.error} /> : null}
                </DialogContent>
                <DialogActions>
                  <Button type="submit" appearance="primary" disabled={send.isPending}>
                    {send.isPending ? t('mail.sending') : t('mail.send')}
                  </Button>
                  <Button type="button" onClick={close}>
                    {t('mail.cancel')}
                  </Button>
                </DialogActions>
              </DialogBody>
            </form>
          </DialogSurface>
        </Dialog>
      ) : null}
      {sent ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{t('mail.sent', { subject: sent })}</MessageBarBody>
        </MessageBar>
      ) : null}
    </>
  );
}
