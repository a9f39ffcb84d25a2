import type { CrmModule } from '../module.ts';
import { tasksTimeline } from './task-source.ts';
import { timelineRoutes } from './timeline.routes.ts';

export const timelineModule: CrmModule = {
  name: 'timeline',
  routes: () => timelineRoutes(),
  timelineSources: { tasks: tasksTimeline },
};
