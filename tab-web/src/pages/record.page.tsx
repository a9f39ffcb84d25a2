// A record's 360° page (C5) at /app/records/{type}/{id}: a header with what to do next (call by
// phone or in Teams, write a mail, plan the route; the buttons the user chose, C10) and every
// section the overview API gives, in the user's order and width (V8), each a heading away (screen
// readers jump by heading), with the record's relations (C4) and history.

import type { RecordAction, Relation } from '@crm/backend/contract';
import {
  Badge,
  Button,
  Card,
  CardHeader,
  makeStyles,
  Spinner,
  Text,
  ToggleButton,
  tokens,
} from '@fluentui/react-components';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../../web-shared/api-client.ts';
import { type Overview, useOverview } from '../api/queries.ts';
import { CommentsSection } from '../components/CommentsSection.tsx';
import { DocumentsSection } from '../components/DocumentsSection.tsx';
import { ErrorBar } from '../components/Feedback.tsx';
import { HistoryList, historyValue } from '../components/HistoryList.tsx';
import { LinkButton } from '../components/LinkButton.tsx';
import { MailDialog } from '../components/MailDialog.tsx';
import { CustomizeDialog, laidOut, useRecordLayout } from '../components/RecordLayout.tsx';
import { RelationsSection } from '../components/RelationsSection.tsx';
import { isFormType } from '../forms.ts';
import { rememberOpened } from '../recent.ts';
import { activityWhen, isPageType, type PageType, recordPath, titleOf } from '../records.ts';
import { useShownMark } from '../shown.ts';

// The drag and drop library comes with the board, when someone opens it.
const TaskBoard = lazy(() => import('../components/TaskBoard.tsx'));

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  header: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  sections: {
    display: 'grid',
    gap: tokens.spacingHorizontalL,
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 340px), 1fr))',
    alignItems: 'start',
  },
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  muted: { color: tokens.colorNeutralForeground3 },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalM, margin: 0 },
  term: { color: tokens.colorNeutralForeground3 },
  detail: { margin: 0, overflowWrap: 'anywhere' },
  wide: { gridColumn: '1 / -1' },
  views: { display: 'flex', gap: tokens.spacingHorizontalS, margin: 0, padding: 0, border: 'none' },
});

type Item = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** What a section's entry is called, whatever the section. */
function labelOf(item: Item): string {
  return (
    text(item.title) ??
    text(item.subject) ??
    text(item.name) ??
    text(item.displayName) ??
    text(item.personName) ??
    text(item.organizationName) ??
    text(item.excerpt)?.slice(0, 120) ??
    text(item.bodyText)?.slice(0, 120) ??
    text(item.body)?.slice(0, 120) ??
    [text(item.firstName), text(item.lastName)].filter(Boolean).join(' ')
  );
}

/** A section's entries and how many there are, from the shapes sections answer in. */
function entriesOf(value: unknown): { items: Item[]; total: number } | null {
  if (Array.isArray(value)) return { items: value as Item[], total: value.length };
  if (value && typeof value === 'object') {
    // Sections answer { items, total }, or their newest entries beside a count ({ newest, count | changes | open }).
    const section = value as Record<string, unknown>;
    const items = Array.isArray(section.items)
      ? section.items
      : Array.isArray(section.newest)
        ? section.newest
        : Object.values(section).find(Array.isArray);
    if (items) {
      const count = [section.total, section.count, section.changes, section.open].find((n) => typeof n === 'number');
      return { items: items as Item[], total: typeof count === 'number' ? count : items.length };
    }
  }
  return null;
}

/** Sections whose entries have no page of their own but a form (an activity, a note). */
const SECTION_FORMS: Record<string, string> = { activities: 'activity', notes: 'note' };

/** Sections whose entries are records with a page of their own, of one type. */
const SECTION_TYPES: Record<string, string> = { deals: 'deal', leads: 'lead' };

/** The record an entry points at, when it is one the app has a page for (or a form, by its section). */
function entryPath(item: Item, section: string): string | null {
  const type = SECTION_TYPES[section] ?? text(item.type);
  const id = text(item.id);
  const form = SECTION_FORMS[section];
  if (form && id) return `/records/${form}/${encodeURIComponent(id)}/edit`;
  if (type && id) return recordPath(type, id);
  for (const [key, type] of [
    ['personId', 'person'],
    ['organizationId', 'organization'],
    ['dealId', 'deal'],
  ] as const) {
    const target = text(item[key]);
    if (target) return recordPath(type, target);
  }
  return null;
}

/** An activity's time (a date alone when it lasts all day) and place, beside its subject. */
function ActivityWhen({ item }: { item: Item }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const when = activityWhen(item, i18n.language);
  const parts = [item.allDay === true ? t('record.allDayOn', { date: when }) : when, text(item.location)];
  const shown = parts.filter(Boolean).join(' · ');
  return shown ? (
    <Text size={200} className={styles.muted}>
      {' '}
      · {shown}
    </Text>
  ) : null;
}

type TasksView = 'list' | 'board';
const TASKS_VIEW = 'crm.app.dealTasksView';

/** A deal's tasks as a list or as a board by status; the choice is kept in this browser. */
function useTasksView(): [TasksView, (view: TasksView) => void] {
  const [view, setView] = useState<TasksView>(() => (localStorage.getItem(TASKS_VIEW) === 'board' ? 'board' : 'list'));
  return [
    view,
    (next) => {
      localStorage.setItem(TASKS_VIEW, next);
      setView(next);
    },
  ];
}

function Section({
  name,
  value,
  type,
  id,
  currency,
  wide,
}: {
  name: string;
  value: unknown;
  type: string;
  id: string;
  currency: string | null;
  wide: boolean;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const entries = entriesOf(value);
  const headingId = `section-${name}`;
  const boardable = name === 'tasks' && type === 'deal';
  const [view, setView] = useTasksView();
  const asBoard = boardable && view === 'board';
  return (
    <Card role="region" aria-labelledby={headingId} className={asBoard || wide ? styles.wide : undefined}>
      <CardHeader
        header={
          <Text as="h2" weight="semibold" size={400} id={headingId}>
            {t(`sections.${name}`, { defaultValue: name })}
          </Text>
        }
        action={entries ? <Badge appearance="tint">{entries.total}</Badge> : undefined}
      />
      {boardable && (
        <fieldset aria-label={t('board.tasks.view')} className={styles.views}>
          {(['list', 'board'] as const).map((choice) => (
            <ToggleButton
              key={choice}
              size="small"
              appearance="subtle"
              checked={view === choice}
              onClick={() => setView(choice)}
            >
              {t(`board.tasks.${choice}`)}
            </ToggleButton>
          ))}
        </fieldset>
      )}
      {name === 'relations' ? (
        <RelationsSection type={type} id={id} relations={(entries?.items ?? []) as unknown as Relation[]} />
      ) : name === 'documents' ? (
        <DocumentsSection type={type} id={id} />
      ) : name === 'comments' ? (
        <CommentsSection type={type} id={id} />
      ) : asBoard ? (
        <Suspense fallback={<Spinner size="small" label={t('app.loading')} />}>
          <TaskBoard recordType={type} recordId={id} />
        </Suspense>
      ) : !entries || entries.items.length === 0 ? (
        <Text size={200} className={styles.muted}>
          {t('record.nothingYet')}
        </Text>
      ) : name === 'history' ? (
        <HistoryList entries={entries.items} currency={currency} />
      ) : (
        <ul className={styles.list}>
          {entries.items.map((item, index) => {
            const path = entryPath(item, name);
            const label = labelOf(item) || t('record.untitled');
            return (
              <li key={text(item.id) ?? index}>
                {path ? <Link to={path}>{label}</Link> : <Text>{label}</Text>}
                {name === 'activities' && <ActivityWhen item={item} />}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

/** The record's own facts a person looks for first: phone, email, stage, value. */
function Facts({ record }: { record: Item }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const emails = (record.emails as { address?: string }[] | undefined)?.map((email) => email.address).filter(Boolean);
  const phones = (record.phones as { number?: string; e164?: string }[] | undefined)
    ?.map((phone) => phone.number ?? phone.e164)
    .filter(Boolean);
  const facts: [string, string | null | undefined][] = [
    ['email', emails?.join(', ') || text(record.email)],
    ['phone', phones?.join(', ') || text(record.phone)],
    ['stage', text(record.stageName)],
    [
      'value',
      record.value && record.currency
        ? historyValue('value', record.value, {
            names: {},
            currency: text(record.currency) ?? null,
            language: i18n.language,
            t,
          })
        : null,
    ],
    [
      'status',
      record.status
        ? historyValue('status', record.status, { names: {}, currency: null, language: i18n.language, t })
        : null,
    ],
    ['organization', text(record.organizationName) ?? text(record.companyName)],
    ['address', addressOf(record)],
  ];
  const shown = facts.filter(([, value]) => value);
  if (shown.length === 0) return null;
  return (
    <dl className={styles.facts}>
      {shown.map(([name, value]) => (
        <div key={name} style={{ display: 'contents' }}>
          <dt className={styles.term}>{t(`record.facts.${name}`)}</dt>
          <dd className={styles.detail}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The record's first address in one line, as a route planner takes it. */
function addressOf(record: Item): string | null {
  const address = (record.addresses as Item[] | undefined)?.[0];
  if (!address) return null;
  const place = [text(address.postalCode), text(address.city)].filter(Boolean).join(' ');
  const line = [text(address.street), place, text(address.country)].filter(Boolean).join(', ');
  return text(address.street) || text(address.city) ? line : null;
}

/** Call by phone or in Teams, write a mail, plan the route: those the record allows and the user keeps shown (C10). */
function Actions({ type, id, record }: { type: string; id: string; record: Item }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { value: settings, loaded } = useRecordLayout();
  const phone =
    (record.phones as { number?: string; e164?: string }[] | undefined)?.[0]?.e164 ??
    (record.phones as { number?: string }[] | undefined)?.[0]?.number ??
    text(record.phone);
  const email = (record.emails as { address?: string }[] | undefined)?.[0]?.address ?? text(record.email);
  const address = addressOf(record);
  // Until the user's choice is known nothing shows, rather than a button that then goes.
  if (!loaded) return null;
  const shown = (action: RecordAction) => !settings.hiddenActions.includes(action);
  return (
    <div className={styles.actions}>
      {phone && shown('call') && (
        <Button as="a" href={`tel:${phone.replace(/\s+/g, '')}`}>
          {t('recordPage.actions.call')}
        </Button>
      )}
      {email && shown('teamsCall') && (
        <Button
          as="a"
          href={`https://teams.microsoft.com/l/call/0/0?users=${encodeURIComponent(email)}`}
          target="_blank"
          rel="noopener noreferrer"
          title={t('recordPage.actions.teamsCallTitle', { email })}
        >
          {t('recordPage.actions.teamsCall')}
        </Button>
      )}
      {shown('mail') && <MailDialog type={type} id={id} to={email} />}
      {address && shown('route') && (
        <Button
          as="a"
          href={`https://www.bing.com/maps?rtp=~adr.${encodeURIComponent(address)}`}
          target="_blank"
          rel="noopener noreferrer"
          title={t('recordPage.actions.routeTitle', { address })}
        >
          {t('recordPage.actions.route')}
        </Button>
      )}
    </div>
  );
}

/**
 * Edit the record; log an activity or write a note on it; on a person or an organization, start a
 * deal for it and join it to an organization (or a person to it) as a business contact.
 */
function Edit({ type, id, title }: { type: string; id: string; title: string }) {
  const { t } = useTranslation();
  const styles = useStyles();
  if (!isFormType(type)) return null;
  const customer = type === 'person' || type === 'organization';
  const withThis = (form: string, preset: Record<string, string>) =>
    `/records/${form}/new?${new URLSearchParams(preset)}`;
  const onThis = { link: `${type}:${id}`, 'link:label': title };
  const asCustomer = { [`${type}Id`]: id, [`${type}Id:label`]: title };
  return (
    <div className={styles.actions}>
      <LinkButton appearance="primary" to={`/records/${type}/${encodeURIComponent(id)}/edit`}>
        {t('form.edit')}
      </LinkButton>
      <LinkButton to={withThis('activity', onThis)}>{t('form.new.activity')}</LinkButton>
      <LinkButton to={withThis('note', onThis)}>{t('form.new.note')}</LinkButton>
      {customer && <LinkButton to={withThis('deal', asCustomer)}>{t('form.new.deal')}</LinkButton>}
      {customer && (
        <LinkButton to={withThis('business_contact', asCustomer)}>
          {t(type === 'person' ? 'form.new.joinOrganization' : 'form.new.addContactPerson')}
        </LinkButton>
      )}
    </div>
  );
}

function RecordView({ overview }: { overview: Overview }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const record = (overview.record ?? {}) as Item;
  const title = titleOf(overview.type, record) || t('record.untitled');
  useEffect(() => {
    rememberOpened({ type: overview.type, id: overview.id, title });
    document.title = `${title} – CRM`;
  }, [overview.type, overview.id, title]);
  const { value: settings } = useRecordLayout();
  const names = Object.keys(overview).filter((name) => !['type', 'id', 'record'].includes(name));
  const sections = laidOut(names, settings.sections[overview.type as PageType]).filter((section) => !section.hidden);
  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <div>
          <Text size={200} className={styles.muted} as="p" block style={{ margin: 0 }}>
            {t(`types.one.${overview.type}`)}
          </Text>
          <Text as="h1" size={700} weight="semibold" block style={{ margin: 0 }}>
            {title}
          </Text>
        </div>
        <Actions type={overview.type} id={overview.id} record={record} />
        <Edit type={overview.type} id={overview.id} title={title} />
        <CustomizeDialog type={overview.type as PageType} sectionNames={names} />
      </div>
      <Facts record={record} />
      <div className={styles.sections}>
        {sections.map(({ name, wide }) => (
          <Section
            key={name}
            name={name}
            value={overview[name]}
            wide={wide === true}
            type={overview.type}
            id={overview.id}
            currency={text(record.currency) ?? null}
          />
        ))}
      </div>
    </div>
  );
}

export default function RecordPage() {
  const { t } = useTranslation();
  const { type = '', id = '' } = useParams();
  const known = isPageType(type);
  const overview = useOverview(type, id, known);
  useShownMark('record-page', Boolean(overview.data));
  if (!known) {
    return <Text as="p">{t('record.unknownType', { type })}</Text>;
  }
  if (overview.error) {
    const missing = overview.error instanceof ApiError && overview.error.status === 404;
    return missing ? (
      <Text as="p" role="alert">
        {t('record.notFound')}
      </Text>
    ) : (
      <ErrorBar error={overview.error} onRetry={() => void overview.refetch()} />
    );
  }
  if (!overview.data) return <Spinner label={t('record.loading')} />;
  return <RecordView overview={overview.data} />;
}
