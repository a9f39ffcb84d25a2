// Tasks and absences, with the background work they need: reminders, deadline notices, handovers.
import { absenceHandoverPeriodic } from '../../jobs/absence-handover.job.ts';
import { taskDeadlinesPeriodic } from '../../jobs/task-deadlines.job.ts';
import { rescheduleReminder, taskReminderJob } from '../../jobs/task-reminder.job.ts';
import type { CrmModule } from '../module.ts';
import { absencesRoutes } from './absences.routes.ts';
import { tasksRoutes } from './tasks.routes.ts';
import { TASK_FILTER_FIELDS, tasksOverview } from './tasks.service.ts';

export const tasksModule: CrmModule = {
  name: 'tasks',
  routes: () => [...tasksRoutes(), ...absencesRoutes()],
  overviewSections: [{ name: 'tasks', section: tasksOverview }],
  taskListeners: [rescheduleReminder],
  filterFields: { task: TASK_FILTER_FIELDS },
  jobs: [taskReminderJob],
  // In the order they were declared before the modules were wired (the runtime schedules them in this order).
  periodics: [absenceHandoverPeriodic, taskDeadlinesPeriodic],
};
