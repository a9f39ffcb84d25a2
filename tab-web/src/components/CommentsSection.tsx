// A record's comments on its 360° page (T6): the conversation, newest last, each with its author,
// its time and its mentions shown as the colleague's name; a box to write one, where `@` suggests
// colleagues (arrow keys and Enter, or the mouse); one's own comments (an admin's: any) can be
// edited and deleted.
import type { Comment, CommentsPage } from '@crm/backend/contract';
import { Button, Field, makeStyles, Spinner, Text, Textarea, tokens } from '@fluentui/react-components';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useId, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../api/queries.ts';
import { bodyParts, type ChosenMention, fromBody, mentionAt, toBody } from '../mention-text.ts';
import { useSession } from '../session.tsx';
import { ErrorBar } from './Feedback.tsx';
import { useColleagues } from './UserPicker.tsx';

const useStyles = makeStyles({
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  entry: { display: 'flex', flexDirection: 'column', gap: '2px' },
  meta: { display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', columnGap: tokens.spacingHorizontalS },
  muted: { color: tokens.colorNeutralForeground3 },
  body: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 },
  mention: {
    color: tokens.colorBrandForeground2,
    backgroundColor: tokens.colorBrandBackground2,
    fontWeight: tokens.fontWeightSemibold,
    borderRadius: tokens.borderRadiusSmall,
    padding: '0 2px',
  },
  actions: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  composer: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  suggestions: {
    listStyleType: 'none',
    margin: 0,
    padding: tokens.spacingVerticalXS,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow8,
  },
  option: {
    display: 'flex',
    flexDirection: 'column',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusSmall,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  active: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
  },
});

const MAX_SUGGESTIONS = 8;

/** The colleagues whose name or email holds what is typed after the `@`. */
function useSuggestions(query: string | null) {
  // Asked for when the box shows, so the first `@` has its suggestions at once.
  const { users, first } = useColleagues(query?.trim() ?? '');
  return { users: query === null ? [] : users.slice(0, MAX_SUGGESTIONS), ready: first.data !== undefined };
}

/** A box to write a comment in, with colleagues suggested after `@`; sends the body as the API stores it. */
function Composer({
  label,
  initial,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  label: string;
  initial?: { text: string; chosen: ChosenMention[] };
  submitLabel: string;
  /** Sends the body; a failure is shown under the box, and what was typed stays. */
  onSubmit: (body: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const ids = useId();
  const box = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState(initial?.text ?? '');
  const [chosen, setChosen] = useState<ChosenMention[]>(initial?.chosen ?? []);
  const [typing, setTyping] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const [caret, setCaret] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const { users: suggestions, ready } = useSuggestions(typing?.query ?? null);
  // A name with a space typed that nobody has: the `@` was not meant as a mention.
  const open = typing !== null && ready && (suggestions.length > 0 || !typing.query.includes(' '));
  const shownActive = Math.min(active, Math.max(0, suggestions.length - 1));
  const optionId = (userId: string) => `${ids}-option-${userId}`;

  useLayoutEffect(() => {
    if (caret === null || !box.current) return;
    box.current.setSelectionRange(caret, caret);
    setCaret(null);
  }, [caret]);

  /** Where the caret is decides whether a mention is being typed. */
  function follow(value: string, at: number | null) {
    let next = at === null ? null : mentionAt(value, at);
    // Typing on after a chosen colleague's name is no new mention.
    const after = next;
    if (
      after &&
      chosen.some((m) => value.startsWith(`@${m.name}`, after.start) && after.query.length >= m.name.length)
    ) {
      next = null;
    }
    if (next?.start !== typing?.start || next?.query !== typing?.query) setActive(0);
    setTyping(next);
  }

  function pick(user: { id: string; displayName: string }) {
    if (!typing) return;
    const end = typing.start + 1 + typing.query.length;
    const inserted = `@${user.displayName} `;
    const next = text.slice(0, typing.start) + inserted + text.slice(end).replace(/^ /, '');
    setText(next);
    setChosen((was) => [
      ...was.filter((mention) => mention.userId !== user.id),
      { userId: user.id, name: user.displayName },
    ]);
    setTyping(null);
    setCaret(typing.start + inserted.length);
    box.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (open && suggestions.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((shownActive + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        pick(suggestions[shownActive] as (typeof suggestions)[number]);
        return;
      }
    }
    if (open && event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setTyping(null);
      return;
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  }

  async function submit() {
    const body = toBody(text, chosen).trim();
    if (body === '' || busy) return;
    setBusy(true);
    setFailure(null);
    try {
      await onSubmit(body);
      setText('');
      setChosen([]);
      setTyping(null);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const listId = `${ids}-suggestions`;
  return (
    <form
      className={styles.composer}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Field label={label} hint={t('comments.writeHint')}>
        <Textarea
          ref={box}
          value={text}
          resize="vertical"
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={
            open && suggestions[shownActive] ? optionId((suggestions[shownActive] as { id: string }).id) : undefined
          }
          onChange={(event, data) => {
            setText(data.value);
            follow(data.value, event.target.selectionStart);
          }}
          onSelect={(event) => follow(event.currentTarget.value, event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onBlur={() => setTyping(null)}
        />
      </Field>
      {open &&
        (suggestions.length > 0 ? (
          <div id={listId} role="listbox" aria-label={t('comments.suggestions')} className={styles.suggestions}>
            {suggestions.map((user, index) => (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard chooses in the text box (arrow keys, Enter), which keeps the focus
              <div
                key={user.id}
                id={optionId(user.id)}
                role="option"
                tabIndex={-1}
                aria-selected={index === shownActive}
                className={index === shownActive ? `${styles.option} ${styles.active}` : styles.option}
                // The text box keeps the focus, so the typed text and caret stay as they are.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => pick(user)}
              >
                <Text>{user.displayName}</Text>
                <Text size={200} className={styles.muted}>
                  {user.email}
                </Text>
              </div>
            ))}
          </div>
        ) : (
          <Text size={200} className={styles.muted}>
            {t('comments.noneSuggested')}
          </Text>
        ))}
      <div role="status" aria-live="polite" className={styles.muted}>
        {open && suggestions.length > 0 && (
          <Text size={200}>{t('comments.suggested', { count: suggestions.length })}</Text>
        )}
      </div>
      {failure !== null && <ErrorBar error={failure} />}
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" disabled={busy || text.trim() === ''}>
          {submitLabel}
        </Button>
        {onCancel && (
          <Button type="button" onClick={onCancel}>
            {t('comments.cancel')}
          </Button>
        )}
        {busy && <Spinner size="tiny" label={t('comments.sending')} />}
      </div>
    </form>
  );
}

const namesOf = (comment: Comment) => new Map(comment.mentions.map((mention) => [mention.userId, mention.displayName]));

function CommentBody({ comment }: { comment: Comment }) {
  const styles = useStyles();
  return (
    <p className={styles.body}>
      {bodyParts(comment.body, namesOf(comment)).map((part, index) =>
        'mention' in part ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one body never move
          <span key={index} className={styles.mention} data-mention-user-id={part.mention.userId}>
            @{part.mention.name}
          </span>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one body never move
          <span key={index}>{part.text}</span>
        ),
      )}
    </p>
  );
}

function CommentEntry({
  comment,
  mine,
  onSaved,
  onSaid,
}: {
  comment: Comment;
  mine: boolean;
  onSaved: () => Promise<void>;
  onSaid: (said: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const when = new Date(comment.createdAt).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const who = comment.author?.displayName || t('comments.someone');
  const ifMatch = { 'If-Match': `"${comment.version}"` };

  async function remove() {
    setFailure(null);
    try {
      await api.request('DELETE', `/v1/comments/${encodeURIComponent(comment.id)}`, { headers: ifMatch });
      onSaid(t('comments.deleted'));
      await onSaved();
    } catch (error) {
      setFailure(error);
    }
  }

  return (
    <li className={styles.entry}>
      <div className={styles.meta}>
        <Text weight="semibold">{who}</Text>
        <Text size={200} className={styles.muted}>
          <time dateTime={comment.createdAt}>{when}</time>
          {comment.editedAt && ` ${t('comments.edited')}`}
        </Text>
      </div>
      {editing ? (
        <Composer
          label={t('comments.editBox')}
          initial={fromBody(comment.body, namesOf(comment))}
          submitLabel={t('comments.save')}
          onCancel={() => setEditing(false)}
          onSubmit={async (body) => {
            await api.patch(`/v1/comments/${encodeURIComponent(comment.id)}`, { body }, ifMatch['If-Match']);
            setEditing(false);
            onSaid(t('comments.saved'));
            await onSaved();
          }}
        />
      ) : (
        <CommentBody comment={comment} />
      )}
      {mine && !editing && (
        <div className={styles.actions}>
          {confirming ? (
            <>
              <Text size={200}>{t('comments.confirmDelete')}</Text>
              <Button size="small" appearance="primary" onClick={() => void remove()}>
                {t('comments.delete')}
              </Button>
              <Button size="small" onClick={() => setConfirming(false)}>
                {t('comments.keep')}
              </Button>
            </>
          ) : (
            <>
              <Button
                size="small"
                appearance="subtle"
                aria-label={t('comments.editLabel', { when, who })}
                onClick={() => setEditing(true)}
              >
                {t('comments.edit')}
              </Button>
              <Button
                size="small"
                appearance="subtle"
                aria-label={t('comments.deleteLabel', { when, who })}
                onClick={() => setConfirming(true)}
              >
                {t('comments.delete')}
              </Button>
            </>
          )}
        </div>
      )}
      {failure !== null && <ErrorBar error={failure} />}
    </li>
  );
}

export function CommentsSection({ type, id }: { type: string; id: string }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const me = useMe().data ?? null;
  const queryClient = useQueryClient();
  const [said, setSaid] = useState('');
  const path = `/v1/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}/comments`;
  // Pages from the newest back; shown the other way round, so the conversation reads downwards.
  const comments = useInfiniteQuery({
    queryKey: [path, { order: 'newest' }, i18n.language],
    queryFn: async ({ pageParam }) =>
      (await api.get<CommentsPage>(path, { order: 'newest', limit: 50, cursor: pageParam })).body,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const admin = me?.roles.includes('admin') ?? false;
  const refresh = () =>
    queryClient.invalidateQueries({
      predicate: (query) => {
        const key = String(query.queryKey[0]);
        return key === path || key.endsWith('/overview');
      },
    });
  const items = (comments.data?.pages.flatMap((page) => page.items) ?? []).reverse();

  return (
    <>
      {comments.error ? (
        <ErrorBar error={comments.error} onRetry={() => void comments.refetch()} />
      ) : !comments.data ? (
        <Spinner size="tiny" label={t('comments.loading')} />
      ) : items.length === 0 ? (
        <Text size={200} className={styles.muted}>
          {t('comments.empty')}
        </Text>
      ) : (
        <>
          {comments.hasNextPage && (
            <div>
              <Button size="small" disabled={comments.isFetchingNextPage} onClick={() => void comments.fetchNextPage()}>
                {t('comments.older')}
              </Button>
            </div>
          )}
          <ul className={styles.list} aria-label={t('comments.conversation')}>
            {items.map((comment) => (
              <CommentEntry
                key={comment.id}
                comment={comment}
                mine={admin || (me !== null && comment.author?.id === me.user.id)}
                onSaved={async () => {
                  await refresh();
                }}
                onSaid={setSaid}
              />
            ))}
          </ul>
        </>
      )}
      <Composer
        label={t('comments.write')}
        submitLabel={t('comments.send')}
        onSubmit={async (body) => {
          setSaid('');
          await api.post(path, { body });
          setSaid(t('comments.sent'));
          // The box empties at once; the conversation follows when it has loaded.
          void refresh();
        }}
      />
      <div role="status" aria-live="polite">
        {said && <Text size={200}>{said}</Text>}
      </div>
    </>
  );
}
