// Every route of the sales module: pipelines, lost reasons, deals, the board, saved filters.
import type { RouteSpec } from '../../http/route.ts';
import { boardRoutes } from './board.routes.ts';
import { dealsRoutes } from './deals.routes.ts';
import { lostReasonsRoutes } from './lost-reasons.routes.ts';
import { pipelinesRoutes } from './pipelines.routes.ts';
import { savedFiltersRoutes } from './saved-filters.routes.ts';
import './sales-defaults.ts';

export function salesRoutes(): RouteSpec[] {
  return [...pipelinesRoutes(), ...lostReasonsRoutes(), ...dealsRoutes(), ...boardRoutes(), ...savedFiltersRoutes()];
}
