// The kanban board (D4) of a deal or lead pipeline: a column per stage with its count, sums and
// probability-weighted sums per currency (from the API, computed in SQL), cards moved by mouse,
// touch or keyboard (dnd-kit) with announcements in the user's language; a move shows at once and
// is put back with a message when the API refuses it; won and lost ask first (lost: the reason);
// filters by owner, "only mine", text and saved filter; a colleague's move arrives by itself.

import type { Board, BoardStage, BoardStagePage, DealCard, FilterNode, Pipeline } from '@crm/backend/contract';
import {
  closestCorners,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  useDroppable,
} from '@dnd-kit/core';
import { SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import {
  Badge,
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
  MessageBarActions,
  MessageBarBody,
  makeStyles,
  mergeClasses,
  Select,
  Spinner,
  Switch,
  Text,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../../web-shared/api-client.ts';
import {
  type BoardQuery,
  boardKey,
  CARDS_PER_COLUMN,
  type LiveState,
  type MoveRequest,
  useBoard,
  useBoardEvents,
  useBoardOwners,
  useLostReasons,
  useMoveCard,
  usePipelines,
} from '../api/board.ts';
import { useMe, useSavedFilters } from '../api/queries.ts';
import {
  boardMeasuring,
  DragHandle,
  pointerListeners,
  SpokenStatus,
  useDragSensors,
} from '../components/DragAndDrop.tsx';
import { ErrorBar } from '../components/Feedback.tsx';
import { describeError } from '../errors.ts';
import { useSession } from '../session.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  top: { display: 'flex', flexWrap: 'wrap', alignItems: 'end', gap: tokens.spacingHorizontalM },
  heading: { margin: 0, flexGrow: 1 },
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'end',
    gap: tokens.spacingHorizontalM,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  board: {
    display: 'flex',
    gap: tokens.spacingHorizontalM,
    overflowX: 'auto',
    paddingBottom: tokens.spacingVerticalM,
    scrollSnapType: 'x mandatory',
    alignItems: 'flex-start',
  },
  column: {
    flex: '0 0 min(85vw, 290px)',
    scrollSnapAlign: 'start',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground3,
    border: `${tokens.strokeWidthThick} solid transparent`,
    minHeight: '160px',
  },
  columnOver: { border: `${tokens.strokeWidthThick} dashed ${tokens.colorBrandStroke1}` },
  won: { backgroundColor: tokens.colorPaletteGreenBackground1 },
  lost: { backgroundColor: tokens.colorPaletteRedBackground1 },
  columnHead: { display: 'flex', flexDirection: 'column', gap: '2px' },
  columnTitle: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  stageName: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, flexGrow: 1 },
  sums: { listStyleType: 'none', margin: 0, padding: 0, color: tokens.colorNeutralForeground2 },
  cards: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    minHeight: '48px',
  },
  card: {
    display: 'flex',
    gap: tokens.spacingHorizontalXS,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow4,
    touchAction: 'manipulation',
  },
  dragging: { opacity: 0.4 },
  overlay: { boxShadow: tokens.shadow16, cursor: 'grabbing' },
  cardBody: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: 0 },
  cardTitle: { fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground2 },
  dialogBody: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/** An amount in the user's language with its currency, as many decimals as the API sent. */
export function money(value: string, currency: string, language: string): string {
  const places = value.split('.')[1]?.length ?? 0;
  try {
    return new Intl.NumberFormat(language, {
      style: 'currency',
      currency,
      minimumFractionDigits: places,
      maximumFractionDigits: places,
    }).format(Number(value));
  } catch {
    return `${value} ${currency}`;
  }
}

const cardPath = (kind: 'deal' | 'lead', id: string) => `/records/${kind}/${encodeURIComponent(id)}`;

interface CardData {
  type: 'card';
  stageId: string;
  card: DealCard;
}
interface ColumnData {
  type: 'column';
  stageId: string;
}

function CardContent({ card, kind }: { card: DealCard; kind: 'deal' | 'lead' }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  return (
    <div className={styles.cardBody}>
      <Link to={cardPath(kind, card.id)} className={styles.cardTitle}>
        {card.title}
      </Link>
      {card.organizationName && <Text size={200}>{card.organizationName}</Text>}
      <Text size={200} weight="semibold">
        {money(card.value, card.currency, i18n.language)}
      </Text>
      <Text size={200} className={styles.muted}>
        {card.ownerName ? t('board.owner', { name: card.ownerName }) : t('board.noOwner')}
      </Text>
      {card.expectedCloseDate && (
        <Text size={200} className={styles.muted}>
          {t('board.closeDate', {
            date: new Date(`${card.expectedCloseDate}T12:00:00`).toLocaleDateString(i18n.language),
          })}
        </Text>
      )}
    </div>
  );
}

const SortableCard = memo(function SortableCard({
  card,
  stageId,
  kind,
}: {
  card: DealCard;
  stageId: string;
  kind: 'deal' | 'lead';
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const data: CardData = { type: 'card', stageId, card };
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: card.id,
    data,
    attributes: { roleDescription: t('board.roleDescription') },
  });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={mergeClasses(styles.card, isDragging && styles.dragging)}
      data-card-id={card.id}
      {...pointerListeners(listeners)}
    >
      <DragHandle
        label={t('board.move', { title: card.title })}
        attributes={attributes}
        listeners={listeners}
        activatorRef={setActivatorNodeRef}
      />
      <CardContent card={card} kind={kind} />
    </li>
  );
});

const Column = memo(function Column({
  stage,
  kind,
  pipelineId,
  onMore,
}: {
  stage: BoardStage;
  kind: 'deal' | 'lead';
  pipelineId: string;
  onMore: (stage: BoardStage) => void;
}) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const navigate = useNavigate();
  const data: ColumnData = { type: 'column', stageId: stage.id };
  const { setNodeRef, isOver } = useDroppable({ id: `stage:${stage.id}`, data });
  const headingId = `stage-${stage.id}`;
  const add = () => {
    const query = new URLSearchParams({ pipelineId, stageId: stage.id, back: `/pipelines/${pipelineId}` });
    void navigate(`/records/${kind}/new?${query.toString()}`);
  };
  return (
    <section
      ref={setNodeRef}
      aria-labelledby={headingId}
      className={mergeClasses(
        styles.column,
        stage.outcome === 'won' && styles.won,
        stage.outcome === 'lost' && styles.lost,
        isOver && styles.columnOver,
      )}
      data-stage-id={stage.id}
    >
      <div className={styles.columnHead}>
        <div className={styles.columnTitle}>
          <h2 id={headingId} className={styles.stageName}>
            {stage.name}
          </h2>
          <Badge appearance="tint" color={stage.outcome === 'lost' ? 'danger' : 'brand'}>
            {stage.outcome === 'won'
              ? t('board.outcomeWon')
              : stage.outcome === 'lost'
                ? t('board.outcomeLost')
                : t('board.probability', { probability: stage.probability })}
          </Badge>
          {!stage.outcome && (
            <Button
              appearance="subtle"
              size="small"
              aria-label={t(kind === 'lead' ? 'board.addLead' : 'board.addDeal', { stage: stage.name })}
              title={t(kind === 'lead' ? 'board.addLead' : 'board.addDeal', { stage: stage.name })}
              onClick={add}
            >
              +
            </Button>
          )}
        </div>
        <Text size={200} data-testid="stage-count">
          {t('board.count', { count: stage.count })}
        </Text>
        <ul className={styles.sums} aria-label={t('board.sumsOf', { stage: stage.name })}>
          {stage.sums.length === 0 && (
            <li>
              <Text size={200}>{t('board.noSums')}</Text>
            </li>
          )}
          {stage.sums.map((sum) => (
            <li key={sum.currency}>
              <Text size={200}>
                {t('board.sum', { value: money(sum.value, sum.currency, i18n.language) })}
                {' · '}
                {t('board.weighted', { value: money(sum.weighted, sum.currency, i18n.language) })}
              </Text>
            </li>
          ))}
        </ul>
      </div>
      <SortableContext items={stage.items.map((card) => card.id)} strategy={verticalListSortingStrategy}>
        <ul className={styles.cards} aria-labelledby={headingId}>
          {stage.items.map((card) => (
            <SortableCard key={card.id} card={card} stageId={stage.id} kind={kind} />
          ))}
        </ul>
      </SortableContext>
      {stage.items.length === 0 && !stage.outcome && (
        <Text size={200} className={styles.muted}>
          {t('board.empty')}
        </Text>
      )}
      {stage.nextCursor && (
        <Button appearance="secondary" size="small" onClick={() => onMore(stage)}>
          {t('board.more')}
        </Button>
      )}
    </section>
  );
});

/** Won asks to confirm; lost asks for the reason (and a note). */
function OutcomeDialog({
  pending,
  kind,
  onConfirm,
  onCancel,
}: {
  pending: { move: Omit<MoveRequest, 'kind'>; outcome: 'won' | 'lost' } | null;
  kind: 'deal' | 'lead';
  onConfirm: (extra: { lostReasonId?: string; lostNote?: string }) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const reasons = useLostReasons(kind, pending?.outcome === 'lost');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (pending) {
      setReason('');
      setNote('');
      setMissing(false);
    }
  }, [pending]);
  if (!pending) return null;
  const title = pending.move.card.title;
  const lost = pending.outcome === 'lost';
  return (
    <Dialog open modalType="modal" onOpenChange={(_, data) => !data.open && onCancel()}>
      <DialogSurface>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (lost && !reason) {
              setMissing(true);
              return;
            }
            onConfirm(lost ? { lostReasonId: reason, ...(note.trim() ? { lostNote: note.trim() } : {}) } : {});
          }}
        >
          <DialogBody>
            <DialogTitle>{lost ? t('board.lostTitle', { title }) : t('board.wonTitle', { title })}</DialogTitle>
            <DialogContent className={styles.dialogBody}>
              <Text>{lost ? t('board.lostBody') : t('board.wonBody')}</Text>
              {lost && (
                <>
                  <Field
                    label={t('board.lostReason')}
                    required
                    validationMessage={missing ? t('board.chooseReason') : undefined}
                  >
                    <Select value={reason} onChange={(_, data) => setReason(data.value)}>
                      <option value="">{t('board.chooseReason')}</option>
                      {(reasons.data?.items ?? []).map((item) => (
                        <option key={item.id} value={item.id}>
                          {item.name}
                        </option>
                      ))}
                    </Select>
                  </Field>
                  <Field label={t('board.lostNote')}>
                    <Textarea value={note} onChange={(_, data) => setNote(data.value)} maxLength={2000} />
                  </Field>
                </>
              )}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit">
                {lost ? t('board.lostConfirm') : t('board.wonConfirm')}
              </Button>
              <Button onClick={onCancel}>{t('board.cancel')}</Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

function FilterBar({
  pipelineId,
  kind,
  value,
  onChange,
}: {
  pipelineId: string;
  kind: 'deal' | 'lead';
  value: FilterState;
  onChange: (next: FilterState) => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const owners = useBoardOwners(pipelineId);
  const saved = useSavedFilters(kind);
  const [text, setText] = useState(value.text);
  // Typing waits for a pause before the board is asked again.
  useEffect(() => {
    if (text === value.text) return;
    const timer = setTimeout(() => onChange({ ...value, text }), 300);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <search className={styles.filters} aria-label={t('board.filters')}>
      <Field label={t('board.text')}>
        <Input
          type="search"
          value={text}
          placeholder={t('board.textPlaceholder')}
          onChange={(_, data) => setText(data.value)}
        />
      </Field>
      <Field label={t('board.ownerFilter')}>
        <Select
          value={value.mine ? '' : value.ownerId}
          disabled={value.mine}
          onChange={(_, data) => onChange({ ...value, ownerId: data.value })}
        >
          <option value="">{t('board.allOwners')}</option>
          {(owners.data?.items ?? []).map((owner) => (
            <option key={owner.id} value={owner.id}>
              {owner.displayName}
            </option>
          ))}
        </Select>
      </Field>
      <Switch
        label={t('board.myDeals')}
        checked={value.mine}
        onChange={(_, data) => onChange({ ...value, mine: data.checked })}
      />
      <Field label={t('board.savedFilter')}>
        <Select value={value.savedFilterId} onChange={(_, data) => onChange({ ...value, savedFilterId: data.value })}>
          <option value="">{t('board.noSavedFilter')}</option>
          {(saved.data?.items ?? []).map((filter) => (
            <option key={filter.id} value={filter.id}>
              {filter.name}
            </option>
          ))}
        </Select>
      </Field>
    </search>
  );
}

interface FilterState {
  text: string;
  ownerId: string;
  mine: boolean;
  savedFilterId: string;
}
const NO_FILTER: FilterState = { text: '', ownerId: '', mine: false, savedFilterId: '' };

function boardQuery(state: FilterState, kind: 'deal' | 'lead', myId: string | undefined): BoardQuery {
  const conditions: FilterNode[] = [];
  const text = state.text.trim();
  if (text) {
    conditions.push({
      or: [
        { field: 'title', op: 'contains', value: text },
        { field: kind === 'lead' ? 'companyName' : 'organizationName', op: 'contains', value: text },
      ],
    });
  }
  const owner = state.mine ? myId : state.ownerId;
  if (owner) conditions.push({ field: 'ownerId', op: 'eq', value: owner });
  return {
    filter: conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : { and: conditions },
    savedFilterId: state.savedFilterId || undefined,
  };
}

function LiveBadge({ state }: { state: LiveState }) {
  const { t } = useTranslation();
  if (state === 'connecting') return null;
  return (
    <Badge appearance="outline" color={state === 'live' ? 'success' : 'warning'} role="status">
      {state === 'live' ? t('board.live') : t('board.offline')}
    </Badge>
  );
}

function PipelineSwitcher({ pipelines, current }: { pipelines: Pipeline[]; current: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const group = (kind: 'deal' | 'lead') => pipelines.filter((pipeline) => pipeline.kind === kind);
  return (
    <Field label={t('board.choosePipeline')}>
      <Select value={current} onChange={(_, data) => void navigate(`/pipelines/${data.value}`)}>
        <optgroup label={t('board.dealPipelines')}>
          {group('deal').map((pipeline) => (
            <option key={pipeline.id} value={pipeline.id}>
              {pipeline.name}
            </option>
          ))}
        </optgroup>
        <optgroup label={t('board.leadPipelines')}>
          {group('lead').map((pipeline) => (
            <option key={pipeline.id} value={pipeline.id}>
              {pipeline.name}
            </option>
          ))}
        </optgroup>
      </Select>
    </Field>
  );
}

function BoardView({ pipeline, pipelines }: { pipeline: Pipeline; pipelines: Pipeline[] }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const client = useQueryClient();
  const me = useMe();
  const kind = pipeline.kind;
  const [filters, setFilters] = useState<FilterState>(NO_FILTER);
  const query = useMemo(() => boardQuery(filters, kind, me.data?.user.id), [filters, kind, me.data?.user.id]);
  const key = boardKey(pipeline.id, query, i18n.language);
  const board = useBoard(pipeline.id, query);
  const live = useBoardEvents(pipeline.id);
  const move = useMoveCard(key);
  const [active, setActive] = useState<DealCard | null>(null);
  const [pending, setPending] = useState<{ move: Omit<MoveRequest, 'kind'>; outcome: 'won' | 'lost' } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const canEdit = me.data?.roles.some((role) => role === 'admin' || role === 'sales_manager') ?? false;

  // Announcements read the board as it is at that moment.
  const current = useRef<Board | undefined>(board.data);
  current.current = board.data;
  const stageName = (stageId: string | undefined) =>
    current.current?.stages.find((stage) => stage.id === stageId)?.name ?? '';
  const titleOf = (id: string | number) =>
    current.current?.stages.flatMap((stage) => stage.items).find((card) => card.id === id)?.title ?? '';

  const sensors = useDragSensors();

  const send = (request: MoveRequest) => {
    setFailure(null);
    move.mutate(request, {
      onSuccess: () => setSaid(t('board.moved', { title: request.card.title, stage: stageName(request.toStageId) })),
      onError: (error) => {
        const stale = error instanceof ApiError && (error.status === 412 || error.status === 409);
        const described = describeError(t, error);
        setFailure(
          stale
            ? t('board.moveStale', { title: request.card.title })
            : t('board.moveFailed', {
                title: request.card.title,
                reason: [described.message, described.detail].filter(Boolean).join(' '),
              }),
        );
      },
    });
  };

  const onDragStart = (event: DragStartEvent) => {
    setActive((event.active.data.current as CardData | undefined)?.card ?? null);
  };

  const onDragEnd = (event: DragEndEvent) => {
    setActive(null);
    const from = event.active.data.current as CardData | undefined;
    const over = event.over?.data.current as CardData | ColumnData | undefined;
    const data = current.current;
    if (!from || !over || !data) return;
    const target = data.stages.find((stage) => stage.id === over.stageId);
    if (!target) return;
    const fromIndex = data.stages
      .find((stage) => stage.id === from.stageId)
      ?.items.findIndex((card) => card.id === from.card.id);
    let index = target.items.length;
    if (over.type === 'card') {
      index = target.items.findIndex((card) => card.id === over.card.id);
      if (index < 0) index = target.items.length;
    } else if (target.id === from.stageId) {
      index = target.items.length - 1;
    }
    if (target.id === from.stageId && index === fromIndex) return;
    const planned = { card: from.card, fromStageId: from.stageId, toStageId: target.id, index };
    if (target.outcome) {
      setPending({ move: planned, outcome: target.outcome });
      return;
    }
    send({ ...planned, kind });
  };

  const more = async (stage: BoardStage) => {
    if (!stage.nextCursor) return;
    const page = (
      await api.get<BoardStagePage>(`/v1/pipelines/${pipeline.id}/board/stages/${stage.id}`, {
        cursor: stage.nextCursor,
        limit: CARDS_PER_COLUMN,
        filter: query.filter ? JSON.stringify(query.filter) : undefined,
        savedFilterId: query.savedFilterId,
      })
    ).body;
    client.setQueryData<Board>(
      key,
      (old) =>
        old && {
          ...old,
          stages: old.stages.map((column) =>
            column.id === stage.id
              ? { ...column, items: [...column.items, ...page.items], nextCursor: page.nextCursor }
              : column,
          ),
        },
    );
  };

  const moreRef = useRef(more);
  moreRef.current = more;
  const onMore = useCallback((stage: BoardStage) => void moreRef.current(stage), []);

  return (
    <div className={styles.page}>
      <div className={styles.top}>
        <h1 className={styles.heading}>{t('board.title', { name: pipeline.name })}</h1>
        <LiveBadge state={live} />
        <PipelineSwitcher pipelines={pipelines} current={pipeline.id} />
        {canEdit && (
          <Link to={`/pipelines/${pipeline.id}/edit`} className="fui-Link">
            {t('board.edit')}
          </Link>
        )}
      </div>
      <FilterBar pipelineId={pipeline.id} kind={kind} value={filters} onChange={setFilters} />
      {failure && (
        <MessageBar intent="error" role="alert" layout="multiline">
          <MessageBarBody>{failure}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => setFailure(null)}>{t('board.dismiss')}</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <SpokenStatus text={said} />
      {board.error && <ErrorBar error={board.error} onRetry={() => void board.refetch()} />}
      {board.isPending && <Spinner label={t('app.loading')} />}
      {board.data && (
        <DndContext
          sensors={sensors}
          collisionDetection={closestCorners}
          measuring={boardMeasuring}
          onDragStart={onDragStart}
          onDragEnd={onDragEnd}
          onDragCancel={() => setActive(null)}
          accessibility={{
            screenReaderInstructions: { draggable: t('board.instructions') },
            announcements: {
              onDragStart: ({ active: card }) => t('board.announce.start', { title: titleOf(card.id) }),
              onDragOver: ({ active: card, over }) => {
                const data = over?.data.current as CardData | ColumnData | undefined;
                if (!data) return t('board.announce.outside', { title: titleOf(card.id) });
                return data.type === 'card'
                  ? t('board.announce.overCard', {
                      title: titleOf(card.id),
                      other: data.card.title,
                      stage: stageName(data.stageId),
                    })
                  : t('board.announce.overColumn', { title: titleOf(card.id), stage: stageName(data.stageId) });
              },
              onDragEnd: ({ active: card, over }) => {
                const data = over?.data.current as CardData | ColumnData | undefined;
                return data
                  ? t('board.announce.end', { title: titleOf(card.id), stage: stageName(data.stageId) })
                  : t('board.announce.endOutside', { title: titleOf(card.id) });
              },
              onDragCancel: ({ active: card }) => t('board.announce.cancel', { title: titleOf(card.id) }),
            },
          }}
        >
          <div className={styles.board}>
            {board.data.stages.map((stage) => (
              <Column key={stage.id} stage={stage} kind={kind} pipelineId={pipeline.id} onMore={onMore} />
            ))}
          </div>
          <DragOverlay>
            {active && (
              <div className={mergeClasses(styles.card, styles.overlay)}>
                <CardContent card={active} kind={kind} />
              </div>
            )}
          </DragOverlay>
        </DndContext>
      )}
      <OutcomeDialog
        pending={pending}
        kind={kind}
        onCancel={() => setPending(null)}
        onConfirm={(extra) => {
          if (pending) send({ ...pending.move, ...extra, kind });
          setPending(null);
        }}
      />
    </div>
  );
}

/** `/pipelines/:id`: the board; `/pipelines`: the first deal pipeline's board. */
export default function BoardPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const pipelines = usePipelines();
  if (pipelines.error) return <ErrorBar error={pipelines.error} onRetry={() => void pipelines.refetch()} />;
  if (!pipelines.data) return <Spinner label={t('app.loading')} />;
  const items = pipelines.data.items;
  if (!id) {
    const first = items.find((pipeline) => pipeline.kind === 'deal') ?? items[0];
    return first ? <Navigate to={`/pipelines/${first.id}`} replace /> : <Text>{t('board.noPipelines')}</Text>;
  }
  const pipeline = items.find((candidate) => candidate.id === id);
  if (!pipeline) return <ErrorBar error={new ApiError(404, {})} />;
  return <BoardView key={pipeline.id} pipeline={pipeline} pipelines={items} />;
}
