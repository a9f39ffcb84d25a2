// A deal's tasks as a board by status (the seed's "Aufgaben nach ihrem Zustand"): a column per status
// the API knows, a task moved by mouse, touch or keyboard with announcements in the user's language.
// A move is a status change (PATCH /tasks/{id} with the version it started from): it shows at once
// and is put back with a message when the API refuses it (409: prerequisites open; 412: changed
// meanwhile). Within a column tasks stand by due date: a task's rank is its assignee's own order,
// not the deal's, so there is no order of a deal's tasks to drag into.
import { TASK_STATUSES, type TaskStatus, type TasksPage, type TaskView } from '@crm/backend/contract';
import {
  closestCorners,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  useDroppable,
} from '@dnd-kit/core';
import { SortableContext, useSortable } from '@dnd-kit/sortable';
import {
  Badge,
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  makeStyles,
  mergeClasses,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { memo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../../web-shared/api-client.ts';
import { useApiQuery } from '../api/queries.ts';
import { describeError } from '../errors.ts';
import { useSession } from '../session.tsx';
import { boardMeasuring, DragHandle, pointerListeners, SpokenStatus, useDragSensors } from './DragAndDrop.tsx';
import { ErrorBar } from './Feedback.tsx';

const useStyles = makeStyles({
  board: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    overflowX: 'auto',
    paddingBottom: tokens.spacingVerticalS,
    scrollSnapType: 'x mandatory',
    alignItems: 'flex-start',
  },
  column: {
    flex: '1 0 min(75vw, 200px)',
    scrollSnapAlign: 'start',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground3,
    border: `${tokens.strokeWidthThick} solid transparent`,
    minHeight: '120px',
  },
  columnOver: { border: `${tokens.strokeWidthThick} dashed ${tokens.colorBrandStroke1}` },
  columnTitle: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  statusName: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold, flexGrow: 1 },
  cards: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    minHeight: '40px',
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
});

/** The API's tasks of one record, as many as one page holds. */
const TASKS_SHOWN = 200;

interface TaskData {
  type: 'task';
  task: TaskView;
}
interface StatusData {
  type: 'status';
  status: TaskStatus;
}

function TaskContent({ task }: { task: TaskView }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const due = task.allDay
    ? task.dueOn && new Date(`${task.dueOn}T12:00:00`).toLocaleDateString(i18n.language)
    : task.dueAt && new Date(task.dueAt).toLocaleString(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <div className={styles.cardBody}>
      <Link to={`/records/task/${encodeURIComponent(task.id)}/edit`} className={styles.cardTitle}>
        {task.title}
      </Link>
      {due && (
        <Text size={200} className={styles.muted}>
          {t('board.tasks.due', { when: due })}
        </Text>
      )}
      {task.priority !== 'normal' && (
        <Badge appearance="outline" color={task.priority === 'low' ? 'informative' : 'danger'}>
          {t(`values.${task.priority}`)}
        </Badge>
      )}
    </div>
  );
}

const TaskCard = memo(function TaskCard({ task }: { task: TaskView }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const data: TaskData = { type: 'task', task };
  // Sortable so that a card is a drop target too (the keyboard moves from target to target); the
  // cards stay in place while one is dragged, as a column has no order to drop into.
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, isDragging } = useSortable({
    id: task.id,
    data,
    attributes: { roleDescription: t('board.tasks.roleDescription') },
  });
  return (
    <li
      ref={setNodeRef}
      className={mergeClasses(styles.card, isDragging && styles.dragging)}
      data-task-id={task.id}
      {...pointerListeners(listeners)}
    >
      <DragHandle
        label={t('board.tasks.move', { title: task.title })}
        attributes={attributes}
        listeners={listeners}
        activatorRef={setActivatorNodeRef}
      />
      <TaskContent task={task} />
    </li>
  );
});

function StatusColumn({ status, tasks }: { status: TaskStatus; tasks: TaskView[] }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const data: StatusData = { type: 'status', status };
  const { setNodeRef, isOver } = useDroppable({ id: `status:${status}`, data });
  const headingId = `task-status-${status}`;
  return (
    <section
      ref={setNodeRef}
      aria-labelledby={headingId}
      className={mergeClasses(styles.column, isOver && styles.columnOver)}
      data-status={status}
    >
      <div className={styles.columnTitle}>
        <h3 id={headingId} className={styles.statusName}>
          {t(`values.${status}`)}
        </h3>
        <Badge appearance="tint">{tasks.length}</Badge>
      </div>
      <SortableContext items={tasks.map((task) => task.id)}>
        <ul className={styles.cards} aria-labelledby={headingId}>
          {tasks.map((task) => (
            <TaskCard key={task.id} task={task} />
          ))}
        </ul>
      </SortableContext>
    </section>
  );
}

interface StatusMove {
  task: TaskView;
  status: TaskStatus;
}

/** The tasks linked to a record, in columns by status. */
export default function TaskBoard({ recordType, recordId }: { recordType: string; recordId: string }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const { api } = useSession();
  const client = useQueryClient();
  const query = { record: `${recordType}:${recordId}`, limit: TASKS_SHOWN };
  const key = ['/v1/tasks', query, i18n.language];
  const tasks = useApiQuery<TasksPage>('/v1/tasks', query);
  const sensors = useDragSensors();
  const [active, setActive] = useState<TaskView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [said, setSaid] = useState('');

  // Announcements read the tasks as they are at that moment.
  const current = useRef<TasksPage | undefined>(tasks.data);
  current.current = tasks.data;
  const titleOf = (id: string | number) => current.current?.items.find((task) => task.id === id)?.title ?? '';
  const statusName = (data: TaskData | StatusData) =>
    t(`values.${data.type === 'task' ? data.task.status : data.status}`);

  const withStatus = (page: TasksPage, id: string, change: Partial<TaskView>): TasksPage => ({
    ...page,
    items: page.items.map((task) => (task.id === id ? { ...task, ...change } : task)),
  });

  const move = useMutation({
    mutationFn: async ({ task, status }: StatusMove) =>
      (
        await api.request<TaskView>('PATCH', `/v1/tasks/${encodeURIComponent(task.id)}`, {
          body: { status },
          headers: { 'If-Match': `"${task.version}"` },
        })
      ).body,
    onMutate: async ({ task, status }) => {
      // A read under way would overwrite the move: it is dropped (and read again when settled).
      await client.cancelQueries({ queryKey: key });
      const before = client.getQueryData<TasksPage>(key);
      if (before) client.setQueryData<TasksPage>(key, withStatus(before, task.id, { status }));
      return { before };
    },
    onSuccess: (saved) => {
      const now = client.getQueryData<TasksPage>(key);
      if (now) client.setQueryData<TasksPage>(key, withStatus(now, saved.id, saved));
      setSaid(t('board.tasks.moved', { title: saved.title, status: t(`values.${saved.status}`) }));
    },
    onError: (error, { task }, context) => {
      if (context?.before) client.setQueryData(key, context.before);
      // 409 says which prerequisites are open (in its detail); 412 that someone changed the task.
      const described = describeError(t, error);
      const reason = [described.message, described.detail].filter(Boolean).join(' ');
      setFailure(
        error instanceof ApiError && error.status === 412
          ? t('board.tasks.moveStale', { title: task.title })
          : t('board.tasks.moveFailed', { title: task.title, reason }),
      );
    },
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: ['/v1/tasks'] });
      await client.invalidateQueries({ queryKey: [`/v1/records/${recordType}/${recordId}/overview`] });
    },
  });

  const onDragStart = (event: DragStartEvent) => {
    setActive((event.active.data.current as TaskData | undefined)?.task ?? null);
  };

  const onDragEnd = (event: DragEndEvent) => {
    setActive(null);
    const from = event.active.data.current as TaskData | undefined;
    const over = event.over?.data.current as TaskData | StatusData | undefined;
    if (!from || !over) return;
    const status = over.type === 'task' ? over.task.status : over.status;
    if (status === from.task.status) return;
    setFailure(null);
    move.mutate({ task: from.task, status });
  };

  if (tasks.error) return <ErrorBar error={tasks.error} onRetry={() => void tasks.refetch()} />;
  if (!tasks.data) return <Spinner size="small" label={t('app.loading')} />;
  const items = tasks.data.items;
  return (
    <>
      {failure && (
        <MessageBar intent="error" role="alert" layout="multiline">
          <MessageBarBody>{failure}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => setFailure(null)}>{t('board.dismiss')}</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <SpokenStatus text={said} />
      {tasks.data.nextCursor && <Text size={200}>{t('board.tasks.firstOnly', { count: TASKS_SHOWN })}</Text>}
      <DndContext
        sensors={sensors}
        collisionDetection={closestCorners}
        measuring={boardMeasuring}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setActive(null)}
        accessibility={{
          screenReaderInstructions: { draggable: t('board.tasks.instructions') },
          announcements: {
            onDragStart: ({ active: task }) => t('board.tasks.announce.start', { title: titleOf(task.id) }),
            onDragOver: ({ active: task, over }) => {
              const data = over?.data.current as TaskData | StatusData | undefined;
              return data
                ? t('board.tasks.announce.over', { title: titleOf(task.id), status: statusName(data) })
                : t('board.tasks.announce.outside', { title: titleOf(task.id) });
            },
            onDragEnd: ({ active: task, over }) => {
              const data = over?.data.current as TaskData | StatusData | undefined;
              return data
                ? t('board.tasks.announce.end', { title: titleOf(task.id), status: statusName(data) })
                : t('board.tasks.announce.endOutside', { title: titleOf(task.id) });
            },
            onDragCancel: ({ active: task }) => t('board.tasks.announce.cancel', { title: titleOf(task.id) }),
          },
        }}
      >
        <div className={styles.board}>
          {TASK_STATUSES.map((status) => (
            <StatusColumn key={status} status={status} tasks={items.filter((task) => task.status === status)} />
          ))}
        </div>
        <DragOverlay>
          {active && (
            <div className={mergeClasses(styles.card, styles.overlay)}>
              <TaskContent task={active} />
            </div>
          )}
        </DragOverlay>
      </DndContext>
    </>
  );
}
