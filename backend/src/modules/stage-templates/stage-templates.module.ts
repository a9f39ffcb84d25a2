// Stage task templates: a deal entering a stage gets the stage's tasks, a finished required task
// may move its deal on, and the stages deals entered show on the timeline.
import type { CrmModule } from '../module.ts';
import { dealStageChangesTimeline } from './stage-templates.hooks.ts';
import { stageTemplatesRoutes } from './stage-templates.routes.ts';
import { advanceWhenDone, makeStageTasks } from './stage-templates.service.ts';

export const stageTemplatesModule: CrmModule = {
  name: 'stage-templates',
  routes: () => stageTemplatesRoutes(),
  stageEntryListeners: [makeStageTasks],
  taskListeners: [advanceWhenDone],
  timelineSources: { deal_stage_changes: dealStageChangesTimeline },
};
