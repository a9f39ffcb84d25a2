// English text of the calendar and timeline page; the keys are the German file's.
import type { calendarDe } from './calendar.de.ts';

type Texts<T> = { [K in keyof T]: T[K] extends string ? string : Texts<T[K]> };

export const calendarEn: Texts<typeof calendarDe> = {
  nav: 'Calendar',
  title: 'Calendar',
  views: { label: 'View', day: 'Day', week: 'Week', month: 'Month', timeline: 'Timeline' },
  previous: 'Previous',
  next: 'Next',
  today: 'Today',
  owner: 'Whose items',
  owners: { me: 'Mine', team: 'Team' },
  types: {
    label: 'Show',
    activity: 'Activities',
    task: 'Tasks',
    phase: 'Deal phases',
  },
  loading: 'Loading the calendar …',
  empty: 'Nothing planned.',
  truncated: 'Not everything fits this view; choose a shorter range or fewer kinds.',
  grid: 'Calendar {{range}}',
  keys: 'Arrow keys move the day, Enter opens the day or the item.',
  day: '{{date}}, {{count}} items',
  day_one: '{{date}}, one item',
  more: '+{{count}} more',
  allDay: 'all day',
  task: 'Task due ',
  taskDone: 'Task done, due ',
  phaseEntered: 'Deal enters stage ',
  timeline: 'Deal phases {{range}}',
  noPhases: 'No deal has a phase in this range.',
  open: 'open',
  phase: ' – {{deal}}, {{from}} to {{to}}, {{done}} of {{total}} tasks done',
  phaseNoTasks: ' – {{deal}}, {{from}} to {{to}}, no tasks',
  legend: {
    label: 'Colours of the phases',
    none: 'no tasks',
    started: 'less than half done',
    half: 'at least half done',
    done: 'all done',
  },
};
