// Log a call with the sender (E5): direction, start, duration, outcome, note, and an optional
// follow-up task with its due date and assignee.
import {
  Button,
  Checkbox,
  Field,
  Input,
  makeStyles,
  Radio,
  RadioGroup,
  Select,
  Spinner,
  Text,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { logCall, type MailContext } from '../api/crm.ts';
import { describeError, type Said } from '../errors.ts';
import { useSession } from '../session.tsx';
import { ErrorBar, SuccessBar } from './Feedback.tsx';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  followUp: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    paddingInlineStart: tokens.spacingHorizontalL,
    borderInlineStartWidth: '2px',
    borderInlineStartStyle: 'solid',
    borderInlineStartColor: tokens.colorNeutralStroke2,
  },
});

export const CALL_OUTCOMES = ['reached', 'no_answer', 'voicemail', 'busy', 'wrong_number'] as const;

const pad = (n: number) => String(n).padStart(2, '0');
/** A Date as the value of <input type="datetime-local"> in the browser's time zone. */
export const localDateTime = (date: Date) =>
  `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
const localDate = (date: Date) => localDateTime(date).slice(0, 10);

export function LogCall({ context }: { context: MailContext }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api, me, account, signInLost } = useSession();
  const myName = me?.user.displayName ?? account?.name ?? '';
  const sender = context.matches.find(
    (match) => match.kind === 'person' && match.addresses.some((address) => address.role === 'from'),
  );
  const [direction, setDirection] = useState<'inbound' | 'outbound'>('outbound');
  const [startsAt, setStartsAt] = useState(() => localDateTime(new Date()));
  const [duration, setDuration] = useState('5');
  const [outcome, setOutcome] = useState<string>('reached');
  const [note, setNote] = useState('');
  const [withFollowUp, setWithFollowUp] = useState(false);
  const [followUpTitle, setFollowUpTitle] = useState(() => t('call.followUpDefault', { name: sender?.name ?? '' }));
  const [followUpDue, setFollowUpDue] = useState(() => localDate(new Date(Date.now() + 24 * 3600 * 1000)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (!sender) return <Text>{t('call.noPerson')}</Text>;

  const submit = async () => {
    if (busy) return;
    setError(null);
    setDone(null);
    const minutes = Number(duration);
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) {
      setError({ message: t('call.durationInvalid') });
      return;
    }
    if (withFollowUp && !followUpTitle.trim()) {
      setError({ message: t('call.titleRequired') });
      return;
    }
    if (withFollowUp && !followUpDue) {
      setError({ message: t('call.dueRequired') });
      return;
    }
    setBusy(true);
    try {
      await logCall(api, {
        personId: sender.id,
        direction,
        startsAt: new Date(startsAt).toISOString(),
        durationMinutes: minutes,
        // The outcome as the user reads it, in the timeline too.
        outcome: t(`call.outcomes.${outcome}`),
        ...(note.trim() ? { note } : {}),
        ...(withFollowUp
          ? {
              followUp: {
                title: followUpTitle.trim(),
                // The follow-up is due on that day, at nine in the morning where the user is.
                dueAt: new Date(`${followUpDue}T09:00`).toISOString(),
                // Assigned to the caller; colleagues to choose from come with a user directory.
              },
            }
          : {}),
      });
      setDone(withFollowUp ? t('call.doneWithTask') : t('call.done'));
      setNote('');
    } catch (failure) {
      if (!signInLost(failure)) setError(describeError(t, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className={styles.form}
      aria-label={t('call.heading')}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Text as="h2" weight="semibold" style={{ margin: 0 }}>
        {t('call.with', { name: sender.name })}
      </Text>
      <Field label={t('call.direction')}>
        <RadioGroup
          layout="horizontal"
          value={direction}
          onChange={(_, data) => setDirection(data.value as 'inbound' | 'outbound')}
        >
          <Radio value="outbound" label={t('call.outbound')} />
          <Radio value="inbound" label={t('call.inbound')} />
        </RadioGroup>
      </Field>
      <Field label={t('call.startsAt')}>
        <Input type="datetime-local" value={startsAt} onChange={(_, data) => setStartsAt(data.value)} />
      </Field>
      <Field label={t('call.duration')}>
        <Input
          type="number"
          min={0}
          max={1440}
          step={1}
          value={duration}
          onChange={(_, data) => setDuration(data.value)}
        />
      </Field>
      <Field label={t('call.outcome')}>
        <Select value={outcome} onChange={(_, data) => setOutcome(data.value)}>
          {CALL_OUTCOMES.map((value) => (
            <option key={value} value={value}>
              {t(`call.outcomes.${value}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t('call.note')}>
        <Textarea value={note} onChange={(_, data) => setNote(data.value)} resize="vertical" />
      </Field>
      <Checkbox
        label={t('call.followUp')}
        checked={withFollowUp}
        onChange={(_, data) => setWithFollowUp(data.checked === true)}
      />
      {withFollowUp && (
        <div className={styles.followUp}>
          <Field label={t('call.followUpTitle')} required>
            <Input value={followUpTitle} onChange={(_, data) => setFollowUpTitle(data.value)} />
          </Field>
          <Field label={t('call.followUpDue')} required>
            <Input type="date" value={followUpDue} onChange={(_, data) => setFollowUpDue(data.value)} />
          </Field>
          <Field label={t('call.assignee')}>
            <Select value="me">
              <option value="me">{t('call.me', { name: myName })}</option>
            </Select>
          </Field>
        </div>
      )}
      {error && <ErrorBar said={error} />}
      {done && <SuccessBar>{done}</SuccessBar>}
      <Button type="submit" appearance="primary" disabledFocusable={busy}>
        {busy ? <Spinner size="tiny" label={t('call.working')} /> : t('call.submit')}
      </Button>
    </form>
  );
}
