// An address the CRM does not know: create a person for it, through the duplicate check. A likely
// duplicate (409) lists the candidates: pick one (the address is added to it) or create anyway.
import type { DuplicateCandidate } from '@crm/backend/contract';
import { Button, Card, Field, Input, makeStyles, Spinner, shorthands, Text, tokens } from '@fluentui/react-components';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { addEmailToPerson, createPerson, type Role } from '../api/crm.ts';
import { describeError, Notice, type Said } from '../errors.ts';
import type { Address } from '../office/mailbox.ts';
import { useSession } from '../session.tsx';
import { ErrorBar } from './Feedback.tsx';

const useStyles = makeStyles({
  card: { width: '100%', boxSizing: 'border-box' },
  row: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    flexWrap: 'wrap',
  },
  address: { overflowWrap: 'anywhere' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  candidates: { margin: 0, padding: 0, listStyle: 'none', display: 'grid', gap: tokens.spacingVerticalS },
  candidate: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalS,
    ...shorthands.border('1px', 'solid', tokens.colorNeutralStroke2),
    borderRadius: tokens.borderRadiusMedium,
  },
});

/** "Müller, Hans" and "Hans Müller" both give first name Hans, last name Müller; no name: the local part. */
export function splitName(display: string, address: string): { firstName: string; lastName: string } {
  const name = display.replace(/["']/g, '').trim();
  if (!name || name.includes('@')) {
    const local = address.split('@')[0] ?? '';
    const parts = local
      .split(/[._-]+/)
      .filter(Boolean)
      .map((part) => part[0]?.toUpperCase() + part.slice(1));
    return parts.length > 1
      ? { firstName: parts.slice(0, -1).join(' '), lastName: parts.at(-1) ?? '' }
      : { firstName: '', lastName: parts[0] ?? local };
  }
  if (name.includes(',')) {
    const [last, first] = name.split(',', 2);
    return { firstName: (first ?? '').trim(), lastName: (last ?? '').trim() };
  }
  const words = name.split(/\s+/);
  return words.length > 1
    ? { firstName: words.slice(0, -1).join(' '), lastName: words.at(-1) ?? '' }
    : { firstName: '', lastName: name };
}

export function CreateContact({
  address,
  onDone,
}: {
  address: Address & { role: Role };
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { api, signInLost } = useSession();
  const initial = splitName(address.name, address.address);
  const [open, setOpen] = useState(false);
  const [firstName, setFirstName] = useState(initial.firstName);
  const [lastName, setLastName] = useState(initial.lastName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said | null>(null);
  const [candidates, setCandidates] = useState<DuplicateCandidate[] | null>(null);
  const formId = useId();

  const run = async (work: () => Promise<string>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await work());
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409 && failure.problem.candidates?.length) {
        setCandidates(failure.problem.candidates);
      } else if (!signInLost(failure)) {
        setError(describeError(t, failure));
      }
    } finally {
      setBusy(false);
    }
  };

  const create = (confirmed: boolean) =>
    run(async () => {
      if (!lastName.trim()) throw new Notice(t('create.lastNameRequired'));
      const person = await createPerson(api, { firstName, lastName, email: address.address }, confirmed);
      return t('create.created', { name: [person.firstName, person.lastName].filter(Boolean).join(' ') });
    });

  const chooseExisting = (candidate: DuplicateCandidate) =>
    run(async () => {
      await addEmailToPerson(api, candidate.id, address.address);
      return t('create.linked', { name: candidate.title });
    });

  return (
    <Card className={styles.card}>
      <div className={styles.row}>
        <div>
          <Text weight="semibold" block>
            {address.name || address.address}
          </Text>
          <Text size={200} className={styles.address}>
            {address.address} · {t(`roles.${address.role}`)}
          </Text>
        </div>
        {!open && (
          <Button onClick={() => setOpen(true)} aria-label={t('unknown.createLabel', { address: address.address })}>
            {t('unknown.create')}
          </Button>
        )}
      </div>
      {open && (
        <form
          id={formId}
          className={styles.form}
          aria-label={t('create.heading')}
          onSubmit={(event) => {
            event.preventDefault();
            void create(false);
          }}
        >
          <Field label={t('create.firstName')}>
            <Input value={firstName} onChange={(_, data) => setFirstName(data.value)} />
          </Field>
          <Field label={t('create.lastName')} required>
            <Input value={lastName} onChange={(_, data) => setLastName(data.value)} />
          </Field>
          <Field label={t('create.email')}>
            <Input value={address.address} readOnly />
          </Field>
          {error && <ErrorBar said={error} />}
          {candidates && (
            <div role="alert" className={styles.form}>
              <Text>{t('create.duplicates')}</Text>
              <ul className={styles.candidates}>
                {candidates.map((candidate) => (
                  <li key={candidate.id} className={styles.candidate}>
                    <Text weight="semibold">{candidate.title}</Text>
                    <Text size={200}>
                      {candidate.reasons.map((reason) => t(`reasons.${reason}`)).join(', ')} ·{' '}
                      {Math.round(candidate.score * 100)} %
                    </Text>
                    <Button
                      size="small"
                      disabledFocusable={busy}
                      onClick={() => void chooseExisting(candidate)}
                      aria-label={t('create.useExistingLabel', { name: candidate.title })}
                    >
                      {t('create.useExisting')}
                    </Button>
                  </li>
                ))}
              </ul>
              <Button disabledFocusable={busy} onClick={() => void create(true)}>
                {t('create.anyway')}
              </Button>
            </div>
          )}
          <div className={styles.actions}>
            {!candidates && (
              <Button type="submit" appearance="primary" disabledFocusable={busy}>
                {busy ? <Spinner size="tiny" /> : t('create.save')}
              </Button>
            )}
            <Button
              disabledFocusable={busy}
              onClick={() => {
                setOpen(false);
                setCandidates(null);
                setError(null);
              }}
            >
              {t('create.cancel')}
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}
