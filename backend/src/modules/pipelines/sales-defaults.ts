// What a new organisation's sales start with, in its language: a deal pipeline, a lead pipeline
// and (with lost reasons) the usual reasons for losing. Seed keys make seeding idempotent.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { newId } from '../../ids.ts';
import { db } from '../../records/sql.ts';
import type { TenantSetupStep } from '../../records/tenant-setup.ts';
import type { PipelineKind, StageOutcome } from './pipelines.schemas.ts';

type Language = 'de' | 'en';

interface DefaultPipeline {
  seedKey: string;
  kind: PipelineKind;
  name: Record<Language, string>;
  stages: { name: Record<Language, string>; probability: number; color: string; outcome: StageOutcome | null }[];
}

export const DEFAULT_PIPELINES: readonly DefaultPipeline[] = [
  {
    seedKey: 'default_deal',
    kind: 'deal',
    name: { de: 'Vertrieb', en: 'Sales' },
    stages: [
      { name: { de: 'Qualifizierung', en: 'Qualification' }, probability: 10, color: '#8a8886', outcome: null },
      { name: { de: 'Bedarfsanalyse', en: 'Needs analysis' }, probability: 25, color: '#0078d4', outcome: null },
      { name: { de: 'Angebot', en: 'Proposal' }, probability: 50, color: '#5c2e91', outcome: null },
      { name: { de: 'Verhandlung', en: 'Negotiation' }, probability: 75, color: '#ca5010', outcome: null },
      { name: { de: 'Gewonnen', en: 'Won' }, probability: 100, color: '#107c10', outcome: 'won' },
      { name: { de: 'Verloren', en: 'Lost' }, probability: 0, color: '#a4262c', outcome: 'lost' },
    ],
  },
  {
    seedKey: 'default_lead',
    kind: 'lead',
    name: { de: 'Leads', en: 'Leads' },
    stages: [
      { name: { de: 'Neu', en: 'New' }, probability: 10, color: '#8a8886', outcome: null },
      { name: { de: 'Kontaktiert', en: 'Contacted' }, probability: 30, color: '#0078d4', outcome: null },
      { name: { de: 'Qualifiziert', en: 'Qualified' }, probability: 60, color: '#5c2e91', outcome: null },
      { name: { de: 'Konvertiert', en: 'Converted' }, probability: 100, color: '#107c10', outcome: 'won' },
      { name: { de: 'Disqualifiziert', en: 'Disqualified' }, probability: 0, color: '#a4262c', outcome: 'lost' },
    ],
  },
];

export async function tenantLanguage(em: EntityManager): Promise<Language> {
  const row = await db(em)
    .selectFrom('tenant')
    .select('default_language')
    .where('id', '=', sql<string>`crm_current_tenant()`)
    .executeTakeFirst();
  return row?.default_language === 'en' ? 'en' : 'de';
}

/** Creates the default pipelines the organisation does not have yet. */
export async function seedDefaultPipelines(em: EntityManager): Promise<void> {
  const language = await tenantLanguage(em);
  for (const pipeline of DEFAULT_PIPELINES) {
    const id = newId();
    const inserted = await db(em)
      .insertInto('pipeline')
      .values({
        id,
        tenant_id: sql<string>`crm_current_tenant()`,
        kind: pipeline.kind,
        name: pipeline.name[language],
        seed_key: pipeline.seedKey,
      })
      .onConflict((conflict) => conflict.doNothing())
      .returning('id')
      .execute();
    if (inserted.length === 0) continue;
    await db(em)
      .insertInto('pipeline_stage')
      .values(
        pipeline.stages.map((stage, position) => ({
          id: newId(),
          tenant_id: sql<string>`crm_current_tenant()`,
          pipeline_id: id,
          name: stage.name[language],
          probability: stage.probability,
          color: stage.color,
          outcome: stage.outcome,
          position,
        })),
      )
      .execute();
  }
}

export const DEFAULT_LOST_REASONS: readonly {
  seedKey: string;
  objectType: 'deal' | 'lead';
  name: Record<Language, string>;
}[] = [
  { seedKey: 'default_price', objectType: 'deal', name: { de: 'Preis zu hoch', en: 'Price too high' } },
  { seedKey: 'default_competitor', objectType: 'deal', name: { de: 'Wettbewerber', en: 'Went with a competitor' } },
  { seedKey: 'default_no_budget', objectType: 'deal', name: { de: 'Kein Budget', en: 'No budget' } },
  { seedKey: 'default_no_need', objectType: 'deal', name: { de: 'Kein Bedarf', en: 'No need' } },
  { seedKey: 'default_timing', objectType: 'deal', name: { de: 'Zeitpunkt ungünstig', en: 'Bad timing' } },
  { seedKey: 'default_no_response', objectType: 'deal', name: { de: 'Keine Rückmeldung', en: 'No response' } },
  { seedKey: 'default_unreachable', objectType: 'lead', name: { de: 'Nicht erreichbar', en: 'Unreachable' } },
  { seedKey: 'default_not_interested', objectType: 'lead', name: { de: 'Kein Interesse', en: 'Not interested' } },
  {
    seedKey: 'default_not_target',
    objectType: 'lead',
    name: { de: 'Nicht unsere Zielgruppe', en: 'Not our target group' },
  },
  { seedKey: 'default_duplicate', objectType: 'lead', name: { de: 'Dublette', en: 'Duplicate' } },
];

/** Creates the default lost reasons the organisation does not have yet. */
export async function seedDefaultLostReasons(em: EntityManager): Promise<void> {
  const language = await tenantLanguage(em);
  await db(em)
    .insertInto('lost_reason')
    .values(
      DEFAULT_LOST_REASONS.map((reason, position) => ({
        id: newId(),
        tenant_id: sql<string>`crm_current_tenant()`,
        object_type: reason.objectType,
        name: reason.name[language],
        position,
        seed_key: reason.seedKey,
      })),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}

export const seedSalesDefaults: TenantSetupStep = async (em) => {
  await seedDefaultPipelines(em);
  await seedDefaultLostReasons(em);
};
