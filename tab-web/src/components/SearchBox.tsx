// One box to find everything (persons, organizations, business contacts, deals, leads, notes,
// mails): a combobox (arrow keys move through the results, Enter opens one, Escape closes),
// results grouped by type with the matched words marked.
import type { SearchResult } from '@crm/backend/contract';
import { Combobox, makeStyles, Option, OptionGroup, Spinner, Text, tokens } from '@fluentui/react-components';
import { useDeferredValue, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSearch } from '../api/queries.ts';
import { recordPath } from '../records.ts';

type Hit = SearchResult['items'][number];

const useStyles = makeStyles({
  box: { width: '100%' },
  subtitle: { color: tokens.colorNeutralForeground3, display: 'block' },
  mark: { backgroundColor: tokens.colorPaletteYellowBackground2, color: 'inherit' },
});

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The API's highlight (HTML with <mark>) as text runs, marked or not: never put into the page as HTML. */
export function highlightRuns(html: string): { text: string; marked: boolean }[] {
  return html
    .split(/(<mark>.*?<\/mark>)/g)
    .filter((part) => part !== '')
    .map((part) => {
      const marked = part.startsWith('<mark>');
      const inner = marked ? part.slice('<mark>'.length, -'</mark>'.length) : part;
      return {
        text: inner.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e),
        marked,
      };
    });
}

/** Where a hit opens: a record's page; a note or mail opens on the first record it is on. */
function pathOf(hit: Hit): string | null {
  if (hit.type === 'note' || hit.type === 'mail') {
    const first = hit.records?.[0];
    return first ? recordPath(first.type, first.id) : null;
  }
  return recordPath(hit.type, hit.id);
}

export function SearchBox() {
  const { t } = useTranslation();
  const styles = useStyles();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const query = useDeferredValue(text.trim());
  const search = useSearch(query);
  const items = query.length >= 2 ? (search.data?.items ?? []) : [];
  const groups = [...new Set(items.map((item) => item.type))];

  return (
    <Combobox
      className={styles.box}
      freeform
      aria-label={t('search.label')}
      placeholder={t('search.placeholder')}
      value={text}
      open={open}
      onOpenChange={(_event, data) => setOpen(data.open)}
      onChange={(event) => {
        setText(event.target.value);
        setOpen(true);
      }}
      onOptionSelect={(_event, data) => {
        const hit = items.find((item) => `${item.type}:${item.id}` === data.optionValue);
        const path = hit ? pathOf(hit) : null;
        if (path) {
          setText('');
          setOpen(false);
          void navigate(path);
        }
      }}
    >
      {query.length >= 2 && search.isFetching && items.length === 0 && (
        <Option text={t('search.searching')} disabled value="">
          <Spinner size="extra-tiny" label={t('search.searching')} />
        </Option>
      )}
      {query.length >= 2 && !search.isFetching && items.length === 0 && (
        <Option text={t('search.nothing', { query })} disabled value="">
          {t('search.nothing', { query })}
        </Option>
      )}
      {groups.map((type) => (
        <OptionGroup key={type} label={t(`types.plural.${type}`, { defaultValue: type })}>
          {items
            .filter((item) => item.type === type)
            .map((item) => (
              <Option key={`${item.type}:${item.id}`} value={`${item.type}:${item.id}`} text={item.title}>
                <span>
                  <Text>
                    {highlightRuns(item.highlight).map((run, index) =>
                      run.marked ? (
                        // biome-ignore lint/suspicious/noArrayIndexKey: runs of one title never reorder
                        <mark key={index} className={styles.mark}>
                          {run.text}
                        </mark>
                      ) : (
                        // biome-ignore lint/suspicious/noArrayIndexKey: runs of one title never reorder
                        <span key={index}>{run.text}</span>
                      ),
                    )}
                  </Text>
                  {item.subtitle && (
                    <Text size={200} className={styles.subtitle}>
                      {item.subtitle}
                    </Text>
                  )}
                </span>
              </Option>
            ))}
        </OptionGroup>
      ))}
    </Combobox>
  );
}
