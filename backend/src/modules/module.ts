// What a module contributes to the CRM, as one value: its routes and its parts of the shared
// views and flows (the 360° view, merges, the trash, the timeline, tenant setup, links, search,
// saved filters, lost reasons, task and stage events, background work). app.ts lists the modules
// (CRM_MODULES) and assembles them; nothing is contributed by importing a file.
import type { MikroORM } from '@mikro-orm/core';
import type { Config } from '../config.ts';
import type { GraphGateway } from '../graph/graph-gateway.ts';
import type { FilterField } from '../http/filters.ts';
import type { RouteSpec } from '../http/route.ts';
import type { JobDefinition, PeriodicDefinition } from '../jobs/registry.ts';
import type { ErasureHook } from '../records/erasure-hooks.ts';
import type { MergeHook } from '../records/merge-hooks.ts';
import type { OverviewSection } from '../records/overview.ts';
import type { RecordTitles } from '../records/record-titles.ts';
import type { RecordType } from '../records/record-types.ts';
import type { TaskListener } from '../records/task-events.ts';
import type { TenantSetupStep } from '../records/tenant-setup.ts';
import type { TimelineSource } from '../records/timeline.ts';
import type { TrashSourceOf } from '../records/trash.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { LostReasonUsageCounter } from './lost-reasons/lost-reasons.service.ts';
import type { SavedFilterEntityType } from './saved-filters/saved-filters.schemas.ts';
import type { SearchContext } from './search/search.service.ts';
import type { StageEntryListener } from './stage-templates/stage-templates.events.ts';

/** What the routes of a module may need of the process. */
export interface ModuleContext {
  readonly config: Config;
  readonly orm: MikroORM;
  readonly graph: GraphGateway;
  readonly blobStore: BlobStore;
}

export interface OverviewSectionContribution {
  /** The key of the section in the view; its place is OVERVIEW_SECTIONS' order in app.ts. */
  readonly name: string;
  readonly section: OverviewSection;
  /** The record types whose view shows it (all by default). */
  readonly types?: readonly RecordType[];
}

export interface LinkableType {
  /** The record type as links name it (`deal`). */
  readonly type: string;
  readonly table: RecordType;
  /** How problems name a record of the type ("business contact"). */
  readonly label: string;
}

export interface CrmModule {
  /** Unique among the modules, lower-case words with hyphens (`record-people`). */
  readonly name: string;
  readonly routes?: (context: ModuleContext) => RouteSpec[];
  readonly overviewSections?: readonly OverviewSectionContribution[];
  /** Run in module order when two persons or organizations are merged. */
  readonly mergeHooks?: readonly MergeHook[];
  /** Run in module order when a person is erased under GDPR (deleted for good). */
  readonly erasureHooks?: readonly ErasureHook[];
  readonly trashSources?: readonly TrashSourceOf[];
  /** By source name, unique across modules. */
  readonly timelineSources?: Readonly<Record<string, TimelineSource>>;
  /** Run in module order when an organisation is set up. */
  readonly tenantSetupSteps?: readonly TenantSetupStep[];
  /** By record type: the titles of records by id (one statement for all of them). */
  readonly recordTitles?: Readonly<Record<string, RecordTitles>>;
  readonly linkableTypes?: readonly LinkableType[];
  /** By searchable type: the records found items of that type are on. */
  readonly searchContexts?: Readonly<Record<string, SearchContext>>;
  /** The built-in fields saved filters of an entity type may name. */
  readonly filterFields?: Readonly<Partial<Record<SavedFilterEntityType, Record<string, FilterField>>>>;
  readonly lostReasonUsage?: readonly LostReasonUsageCounter[];
  readonly taskListeners?: readonly TaskListener[];
  readonly stageEntryListeners?: readonly StageEntryListener[];
  /** Background work; names unique across modules. */
  readonly jobs?: readonly JobDefinition<never>[];
  readonly periodics?: readonly PeriodicDefinition[];
}
