// The modules assembled: each registry a value built from one list of modules. The shared code
// deep in the services (links, titles, merges, tenant setup, task events) reads the installed
// wiring; only installModules sets it, from the list app.ts (or a test) hands over.
import type { FilterField } from '../http/filters.ts';
import type { JobDefinition, PeriodicDefinition } from '../jobs/registry.ts';
import type { ErasureHook } from '../records/erasure-hooks.ts';
import type { MergeHook } from '../records/merge-hooks.ts';
import type { OverviewSection } from '../records/overview.ts';
import type { RecordTitles } from '../records/record-titles.ts';
import { RECORD_TYPES, type RecordType } from '../records/record-types.schemas.ts';
import type { TaskListener } from '../records/task-events.ts';
import type { TenantSetupStep } from '../records/tenant-setup.ts';
import type { TimelineSource } from '../records/timeline.ts';
import type { TrashSourceOf } from '../records/trash.ts';
import type { LostReasonUsageCounter } from './lost-reasons/lost-reasons.service.ts';
import type { CrmModule, LinkableType } from './module.ts';
import type { SavedFilterEntityType } from './saved-filters/saved-filters.schemas.ts';
import type { SearchContext } from './search/search.service.ts';
import type { StageEntryListener } from './stage-templates/stage-templates.events.ts';

export interface WiredOverviewSection {
  readonly name: string;
  readonly section: OverviewSection;
  readonly types: readonly RecordType[];
  /** The module that contributes it. */
  readonly module: string;
}

export interface Wiring {
  readonly modules: readonly CrmModule[];
  /** In the view's order: `record` first, then as the order handed to the assembly says. */
  readonly overviewSections: readonly WiredOverviewSection[];
  readonly mergeHooks: readonly MergeHook[];
  readonly erasureHooks: readonly ErasureHook[];
  readonly trashSources: readonly TrashSourceOf[];
  readonly timelineSources: ReadonlyMap<string, TimelineSource>;
  readonly tenantSetupSteps: readonly TenantSetupStep[];
  readonly recordTitles: ReadonlyMap<string, RecordTitles>;
  readonly linkableTypes: ReadonlyMap<string, LinkableType>;
  readonly searchContexts: ReadonlyMap<string, SearchContext>;
  readonly filterFields: ReadonlyMap<SavedFilterEntityType, Record<string, FilterField>>;
  readonly lostReasonUsage: readonly LostReasonUsageCounter[];
  readonly taskListeners: readonly TaskListener[];
  readonly stageEntryListeners: readonly StageEntryListener[];
  readonly jobs: readonly JobDefinition<never>[];
  readonly periodics: readonly PeriodicDefinition[];
}

const MODULE_NAME = /^[a-z][a-z0-9-]{0,60}$/;

/** Puts `value` under `key`, refusing a second contribution of the same key. */
function claim<K, V>(into: Map<K, V>, key: K, value: V, what: string, owners: Map<K, string>, module: string): void {
  const owner = owners.get(key);
  if (owner !== undefined) throw new Error(`${what} ${String(key)} is contributed by both ${owner} and ${module}`);
  owners.set(key, module);
  into.set(key, value);
}

function keyed<V>(
  modules: readonly CrmModule[],
  what: string,
  entries: (module: CrmModule) => Iterable<readonly [string, V]>,
): Map<string, V> {
  const result = new Map<string, V>();
  const owners = new Map<string, string>();
  for (const module of modules) {
    for (const [key, value] of entries(module)) claim(result, key, value, what, owners, module.name);
  }
  return result;
}

/**
 * Builds every registry from the modules, in their order. `overviewOrder` places the sections of
 * the 360° view: a section whose name it does not list is refused, so its place is always chosen.
 */
export function assembleModules(modules: readonly CrmModule[], overviewOrder: readonly string[]): Wiring {
  const names = new Set<string>();
  for (const module of modules) {
    if (!MODULE_NAME.test(module.name)) throw new Error(`Module name ${module.name} must be lower-case words`);
    if (names.has(module.name)) throw new Error(`Module ${module.name} is listed twice`);
    names.add(module.name);
  }

  const sections: WiredOverviewSection[] = [];
  const sectionOwners = new Map<string, string>();
  for (const module of modules) {
    for (const { name, section, types = RECORD_TYPES } of module.overviewSections ?? []) {
      if (!overviewOrder.includes(name)) {
        throw new Error(`Overview section ${name} of module ${module.name} has no place in the overview order`);
      }
      // One name may serve several record types (`record`), each type from one module only.
      for (const type of types) {
        claim(new Map(), `${name}/${type}`, section, 'Overview section', sectionOwners, module.name);
      }
      sections.push({ name, section, types, module: module.name });
    }
  }
  sections.sort((a, b) => overviewOrder.indexOf(a.name) - overviewOrder.indexOf(b.name));

  const jobs = keyed(modules, 'Job', (module) => (module.jobs ?? []).map((job) => [job.name, job] as const));
  const periodics = keyed(modules, 'Periodic', (module) =>
    (module.periodics ?? []).map((periodic) => [periodic.name, periodic] as const),
  );
  const all = <T>(pick: (module: CrmModule) => readonly T[] | undefined): T[] =>
    modules.flatMap((module) => pick(module) ?? []);

  return {
    modules,
    overviewSections: sections,
    mergeHooks: all((module) => module.mergeHooks),
    erasureHooks: all((module) => module.erasureHooks),
    trashSources: all((module) => module.trashSources),
    timelineSources: keyed(modules, 'Timeline source', (module) => Object.entries(module.timelineSources ?? {})),
    tenantSetupSteps: all((module) => module.tenantSetupSteps),
    recordTitles: keyed(modules, 'Record title of', (module) => Object.entries(module.recordTitles ?? {})),
    linkableTypes: keyed(modules, 'Linkable type', (module) =>
      (module.linkableTypes ?? []).map((linkable) => [linkable.type, linkable] as const),
    ),
    searchContexts: keyed(modules, 'Search context', (module) => Object.entries(module.searchContexts ?? {})),
    filterFields: keyed(
      modules,
      'Filter fields of',
      (module) => Object.entries(module.filterFields ?? {}) as [SavedFilterEntityType, Record<string, FilterField>][],
    ) as Map<SavedFilterEntityType, Record<string, FilterField>>,
    lostReasonUsage: all((module) => module.lostReasonUsage),
    taskListeners: all((module) => module.taskListeners),
    stageEntryListeners: all((module) => module.stageEntryListeners),
    jobs: [...jobs.values()],
    periodics: [...periodics.values()],
  };
}

let installed: Wiring = assembleModules([], []);

/** Assembles the modules and makes them the process's wiring (createApp and startBackend call it). */
export function installModules(modules: readonly CrmModule[], overviewOrder: readonly string[]): Wiring {
  installed = assembleModules(modules, overviewOrder);
  return installed;
}

/** The installed wiring: no module's contributions until installModules ran. */
export function wired(): Wiring {
  return installed;
}
