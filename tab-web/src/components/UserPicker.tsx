// A colleague chosen by typing part of their name or email: the organisation's active users
// (GET /api/v1/users), with "everyone" first. Keyboard: type the start of a name, Enter (or arrow to one).
import type { UserRefList } from '@crm/backend/contract';
import { Combobox, Field, Option } from '@fluentui/react-components';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../api/queries.ts';

/**
 * The organisation's active users whose name or email holds `search`: the first hundred by name,
 * narrowed at once as the user types; the API's matches join them (an organisation with more
 * users), so a list does not jump while it answers.
 */
export function useColleagues(search: string) {
  const first = useApiQuery<UserRefList>('/v1/users', { limit: 100 });
  const found = useApiQuery<UserRefList>('/v1/users', { q: search, limit: 20 }, { enabled: search !== '' });
  const needle = search.toLocaleLowerCase();
  const near = (first.data?.items ?? []).filter(
    (user) =>
      needle === '' ||
      user.displayName.toLocaleLowerCase().includes(needle) ||
      user.email.toLocaleLowerCase().includes(needle),
  );
  const more = search === '' ? [] : (found.data?.items ?? []).filter((user) => !near.some((n) => n.id === user.id));
  return { users: [...near, ...more], first, found };
}

export function UserPicker({
  label,
  value,
  onChange,
  disabled,
  hint,
}: {
  label: string;
  /** The chosen user's id; '' for everyone. */
  value: string;
  onChange: (userId: string) => void;
  disabled?: boolean;
  hint?: string;
}) {
  const { t } = useTranslation();
  // What is typed; null while the box shows the chosen name.
  const [typed, setTyped] = useState<string | null>(null);
  const search = typed?.trim() ?? '';
  const { users, first, found } = useColleagues(search);
  const chosen =
    first.data?.items.find((user) => user.id === value) ?? found.data?.items.find((user) => user.id === value);
  const everyone = t('userPicker.everyone');
  const shown = typed ?? (value ? (chosen?.displayName ?? '') : everyone);
  return (
    <Field label={label} hint={hint}>
      <Combobox
        freeform
        disabled={disabled}
        value={shown}
        selectedOptions={[value]}
        placeholder={t('userPicker.placeholder')}
        // Typing replaces the name shown rather than adding to it.
        onFocus={(event) => event.target.select()}
        onChange={(event) => setTyped(event.target.value)}
        onOptionSelect={(_event, data) => {
          // Typing something no option starts with clears the selection: the typed text stays.
          if (data.optionValue === undefined) return;
          setTyped(null);
          onChange(data.optionValue);
        }}
        onBlur={() => setTyped(null)}
      >
        <Option value="" text={everyone}>
          {everyone}
        </Option>
        {users.map((user) => (
          <Option key={user.id} value={user.id} text={user.displayName}>
            {`${user.displayName} · ${user.email}`}
          </Option>
        ))}
      </Combobox>
    </Field>
  );
}
