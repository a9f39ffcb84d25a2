import { Migration } from '@mikro-orm/migrations';
import { v7 } from 'uuid';

const AUDIT = `
  version integer not null default 1,
  created_at timestamptz not null default now(),
  created_by uuid references app_user (id) on delete set null,
  updated_at timestamptz not null default now(),
  updated_by uuid references app_user (id) on delete set null`;

const TENANT_TABLES = [
  'pipeline',
  'pipeline_stage',
  'lost_reason',
  'deal',
  'deal_stage_change',
  'deal_stage_total',
  'saved_filter',
];

const policy = (table: string) =>
  `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`;

/**
 * The defaults organisations set up before this migration get, as they were when it was written
 * (new organisations get the sales module's current defaults at set-up). Seed keys make both
 * idempotent: an organisation never gets a default twice.
 */
const DEFAULT_PIPELINES = {
  de: [
    {
      seedKey: 'default_deal',
      kind: 'deal',
      name: 'Vertrieb',
      stages: [
        ['Qualifizierung', 10, '#8a8886', null],
        ['Bedarfsanalyse', 25, '#0078d4', null],
        ['Angebot', 50, '#5c2e91', null],
        ['Verhandlung', 75, '#ca5010', null],
        ['Gewonnen', 100, '#107c10', 'won'],
        ['Verloren', 0, '#a4262c', 'lost'],
      ],
    },
    {
      seedKey: 'default_lead',
      kind: 'lead',
      name: 'Leads',
      stages: [
        ['Neu', 10, '#8a8886', null],
        ['Kontaktiert', 30, '#0078d4', null],
        ['Qualifiziert', 60, '#5c2e91', null],
        ['Konvertiert', 100, '#107c10', 'won'],
        ['Disqualifiziert', 0, '#a4262c', 'lost'],
      ],
    },
  ],
  en: [
    {
      seedKey: 'default_deal',
      kind: 'deal',
      name: 'Sales',
      stages: [
        ['Qualification', 10, '#8a8886', null],
        ['Needs analysis', 25, '#0078d4', null],
        ['Proposal', 50, '#5c2e91', null],
        ['Negotiation', 75, '#ca5010', null],
        ['Won', 100, '#107c10', 'won'],
        ['Lost', 0, '#a4262c', 'lost'],
      ],
    },
    {
      seedKey: 'default_lead',
      kind: 'lead',
      name: 'Leads',
      stages: [
        ['New', 10, '#8a8886', null],
        ['Contacted', 30, '#0078d4', null],
        ['Qualified', 60, '#5c2e91', null],
        ['Converted', 100, '#107c10', 'won'],
        ['Disqualified', 0, '#a4262c', 'lost'],
      ],
    },
  ],
} as const;

const DEFAULT_LOST_REASONS = {
  de: [
    ['deal', 'price', 'Preis zu hoch'],
    ['deal', 'competitor', 'Wettbewerber'],
    ['deal', 'no_budget', 'Kein Budget'],
    ['deal', 'no_need', 'Kein Bedarf'],
    ['deal', 'timing', 'Zeitpunkt ungünstig'],
    ['deal', 'no_response', 'Keine Rückmeldung'],
    ['lead', 'unreachable', 'Nicht erreichbar'],
    ['lead', 'not_interested', 'Kein Interesse'],
    ['lead', 'not_target', 'Nicht unsere Zielgruppe'],
    ['lead', 'duplicate', 'Dublette'],
  ],
  en: [
    ['deal', 'price', 'Price too high'],
    ['deal', 'competitor', 'Went with a competitor'],
    ['deal', 'no_budget', 'No budget'],
    ['deal', 'no_need', 'No need'],
    ['deal', 'timing', 'Bad timing'],
    ['deal', 'no_response', 'No response'],
    ['lead', 'unreachable', 'Unreachable'],
    ['lead', 'not_interested', 'Not interested'],
    ['lead', 'not_target', 'Not our target group'],
    ['lead', 'duplicate', 'Duplicate'],
  ],
} as const;

type Execute = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Organisations set up before sales existed get the default pipelines and lost reasons in their language (idempotent). */
export async function seedPipelinesOfExistingTenants(execute: Execute): Promise<void> {
  const tenants = (await execute('select id, default_language from tenant')) as {
    id: string;
    default_language: string;
  }[];
  for (const tenant of tenants) {
    const language = tenant.default_language === 'en' ? 'en' : 'de';
    for (const pipeline of DEFAULT_PIPELINES[language]) {
      const id = v7();
      const inserted = await execute(
        `insert into pipeline (id, tenant_id, kind, name, seed_key) values (?, ?, ?, ?, ?)
         on conflict do nothing returning id`,
        [id, tenant.id, pipeline.kind, pipeline.name, pipeline.seedKey],
      );
      if (inserted.length === 0) continue;
      for (const [position, [name, probability, color, outcome]] of pipeline.stages.entries()) {
        await execute(
          `insert into pipeline_stage (id, tenant_id, pipeline_id, name, probability, color, outcome, position)
           values (?, ?, ?, ?, ?, ?, ?, ?)`,
          [v7(), tenant.id, id, name, probability, color, outcome, position],
        );
      }
    }
    for (const [position, [objectType, key, name]] of DEFAULT_LOST_REASONS[language].entries()) {
      await execute(
        `insert into lost_reason (id, tenant_id, object_type, name, position, seed_key) values (?, ?, ?, ?, ?, ?)
         on conflict do nothing`,
        [v7(), tenant.id, objectType, name, position, `default_${key}`],
      );
    }
  }
}

// Sales (D1-D7): pipelines of stages for deals and leads, lost reasons, deals and their stage changes, saved filters.
export class Migration20261124040000_sales extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      create table pipeline (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        kind text not null check (kind in ('deal', 'lead')),
        name text not null check (length(name) between 1 and 120),
        seed_key text check (seed_key ~ '^[a-z_]{1,40}$'),
        ${AUDIT}
      );`);
    await this.execute('create unique index pipeline_name_uq on pipeline (tenant_id, kind, lower(name));');
    await this.execute(
      'create unique index pipeline_seed_uq on pipeline (tenant_id, seed_key) where seed_key is not null;',
    );
    // Stages are archived, never deleted: deals, their stage history and (later) the stage's task
    // templates keep pointing at them.
    await this.execute(`
      create table pipeline_stage (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        pipeline_id uuid not null references pipeline (id) on delete cascade,
        name text not null check (length(name) between 1 and 80),
        probability integer not null check (probability between 0 and 100),
        color text check (color ~ '^#[0-9a-fA-F]{6}$'),
        outcome text check (outcome in ('won', 'lost')),
        position integer not null,
        archived_at timestamptz,
        archived_by uuid references app_user (id) on delete set null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (pipeline_id, id)
      );`);
    await this.execute('create index pipeline_stage_order_idx on pipeline_stage (tenant_id, pipeline_id, position);');
    await this.execute(`
      create table lost_reason (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        object_type text not null check (object_type in ('deal', 'lead')),
        name text not null check (length(name) between 1 and 120),
        description text check (length(description) <= 1000),
        active boolean not null default true,
        position integer not null default 0,
        seed_key text check (seed_key ~ '^[a-z_]{1,40}$'),
        ${AUDIT}
      );`);
    await this.execute('create unique index lost_reason_name_uq on lost_reason (tenant_id, object_type, lower(name));');
    await this.execute(
      'create unique index lost_reason_seed_uq on lost_reason (tenant_id, seed_key) where seed_key is not null;',
    );
    // Deals (D2). The stage must be one of the pipeline's (the composite key says so), the value a
    // decimal (numeric, never float), the order on the board a fractional rank in byte order.
    await this.execute(`
      create table deal (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        title text not null check (length(title) between 1 and 200),
        value numeric(18, 4) not null default 0 check (value >= 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        pipeline_id uuid not null references pipeline (id),
        stage_id uuid not null,
        person_id uuid references person (id) on delete set null,
        organization_id uuid references organization (id) on delete set null,
        business_contact_id uuid references business_contact (id) on delete set null,
        owner_id uuid references app_user (id) on delete set null,
        expected_close_date date,
        status text not null default 'open' check (status in ('open', 'won', 'lost')),
        lost_reason_id uuid references lost_reason (id),
        lost_note text check (length(lost_note) <= 2000),
        closed_at timestamptz,
        rank text collate "C" not null check (rank ~ '^[A-Za-z][0-9A-Za-z]*$'),
        stage_entered_at timestamptz not null default now(),
        custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object'),
        ${AUDIT},
        deleted_at timestamptz,
        deleted_by uuid references app_user (id) on delete set null,
        foreign key (pipeline_id, stage_id) references pipeline_stage (pipeline_id, id),
        check (case when status = 'lost' then lost_reason_id is not null
                    else lost_reason_id is null and lost_note is null end)
      );`);
    // The board: each stage's open cards in rank order, one index range per column; unique, so two
    // cards never share a place; value, currency and owner included, so the column sums of a
    // vacuumed table are read from the index alone.
    await this.execute(
      `create unique index deal_board_idx on deal (tenant_id, pipeline_id, stage_id, rank)
        include (value, currency, owner_id) where status = 'open' and deleted_at is null;`,
    );
    await this.execute(
      'create index deal_updated_idx on deal (tenant_id, updated_at desc, id) where deleted_at is null;',
    );
    await this.execute('create index deal_owner_idx on deal (tenant_id, owner_id) where deleted_at is null;');
    await this.execute('create index deal_person_idx on deal (tenant_id, person_id) where person_id is not null;');
    await this.execute(
      'create index deal_organization_idx on deal (tenant_id, organization_id) where organization_id is not null;',
    );
    await this.execute(
      'create index deal_business_contact_idx on deal (tenant_id, business_contact_id) where business_contact_id is not null;',
    );
    await this.execute('create index deal_stage_idx on deal (stage_id);');
    await this.execute('create index deal_lost_reason_idx on deal (lost_reason_id) where lost_reason_id is not null;');
    await this.execute(
      'create index deal_trash_idx on deal (tenant_id, deleted_at desc) where deleted_at is not null;',
    );
    // Every stage a deal entered, for the timeline and reports on time in stage.
    await this.execute(`
      create table deal_stage_change (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        deal_id uuid not null references deal (id) on delete cascade,
        pipeline_id uuid not null references pipeline (id),
        from_stage_id uuid references pipeline_stage (id),
        to_stage_id uuid not null references pipeline_stage (id),
        changed_at timestamptz not null default now(),
        changed_by uuid references app_user (id) on delete set null
      );`);
    await this.execute(
      'create index deal_stage_change_deal_idx on deal_stage_change (tenant_id, deal_id, changed_at, id);',
    );
    // The board's column sums without reading every deal: the open deals' count and value per
    // stage, owner and currency, kept by statement triggers in the writing transaction. Both sides
    // of a change are written in one statement in key order, so concurrent moves never deadlock.
    await this.execute(`
      create table deal_stage_total (
        tenant_id uuid not null references tenant (id) on delete cascade,
        pipeline_id uuid not null,
        stage_id uuid not null,
        owner_id uuid,
        currency text not null,
        deals integer not null,
        value numeric(22, 4) not null,
        unique nulls not distinct (tenant_id, pipeline_id, stage_id, owner_id, currency)
      );`);
    await this.execute(`
      create function crm_deal_stage_totals() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          -- Only ever decrements: when a tenant is deleted its totals may be gone already.
          update deal_stage_total t set deals = t.deals - o.deals, value = t.value - o.value
            from (select tenant_id, pipeline_id, stage_id, owner_id, currency, count(*)::int as deals, sum(value) as value
                    from old_deals where status = 'open' and deleted_at is null
                   group by 1, 2, 3, 4, 5) o
           where (t.tenant_id, t.pipeline_id, t.stage_id, t.currency) = (o.tenant_id, o.pipeline_id, o.stage_id, o.currency)
             and t.owner_id is not distinct from o.owner_id;
          return null;
        end if;
        if tg_op = 'INSERT' then
          insert into deal_stage_total as t (tenant_id, pipeline_id, stage_id, owner_id, currency, deals, value)
          select tenant_id, pipeline_id, stage_id, owner_id, currency, count(*)::int, sum(value)
            from new_deals where status = 'open' and deleted_at is null
           group by tenant_id, pipeline_id, stage_id, owner_id, currency
           order by tenant_id, pipeline_id, stage_id, owner_id, currency
          on conflict (tenant_id, pipeline_id, stage_id, owner_id, currency)
          do update set deals = t.deals + excluded.deals, value = t.value + excluded.value;
          return null;
        end if;
        insert into deal_stage_total as t (tenant_id, pipeline_id, stage_id, owner_id, currency, deals, value)
        select tenant_id, pipeline_id, stage_id, owner_id, currency, sum(deals)::int, sum(value)
          from (select tenant_id, pipeline_id, stage_id, owner_id, currency, 1 as deals, value
                  from new_deals where status = 'open' and deleted_at is null
                union all
                select tenant_id, pipeline_id, stage_id, owner_id, currency, -1, -value
                  from old_deals where status = 'open' and deleted_at is null) change
         -- A tenant being deleted sets its deals' owners null on the way: nothing to count there.
         where exists (select 1 from tenant x where x.id = change.tenant_id)
         group by tenant_id, pipeline_id, stage_id, owner_id, currency
        having sum(deals) <> 0 or sum(value) <> 0
         order by tenant_id, pipeline_id, stage_id, owner_id, currency
        on conflict (tenant_id, pipeline_id, stage_id, owner_id, currency)
        do update set deals = t.deals + excluded.deals, value = t.value + excluded.value;
        return null;
      end $$;`);
    await this.execute(`
      create trigger deal_stage_totals_insert after insert on deal referencing new table as new_deals
        for each statement execute function crm_deal_stage_totals();`);
    await this.execute(`
      create trigger deal_stage_totals_update after update on deal
        referencing old table as old_deals new table as new_deals
        for each statement execute function crm_deal_stage_totals();`);
    await this.execute(`
      create trigger deal_stage_totals_delete after delete on deal referencing old table as old_deals
        for each statement execute function crm_deal_stage_totals();`);
    // Deals are not everyone's: search documents carry their owner, search filters by visibility.
    await this.execute('alter table search_document add column owner_id uuid;');
    await this.execute(
      "alter table tenant add column default_currency text not null default 'EUR' check (default_currency ~ '^[A-Z]{3}$');",
    );
    // Saved filters (V5): a user's own (owner_id) or the whole company's (owner_id null).
    await this.execute(`
      create table saved_filter (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        owner_id uuid references app_user (id) on delete cascade,
        entity_type text not null check (entity_type in ('person', 'organization', 'business_contact', 'deal', 'lead', 'task')),
        name text not null check (length(name) between 1 and 120),
        filter jsonb not null check (jsonb_typeof(filter) = 'object'),
        ${AUDIT}
      );`);
    await this.execute(
      `create unique index saved_filter_name_uq on saved_filter
         (tenant_id, entity_type, coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));`,
    );
    await this.execute('create index saved_filter_owner_idx on saved_filter (tenant_id, entity_type, owner_id);');
    for (const table of TENANT_TABLES) {
      await this.execute(`grant select, insert, update, delete on ${table} to crm_app;`);
      await this.execute(`alter table ${table} enable row level security;`);
      await this.execute(policy(table));
    }
    await seedPipelinesOfExistingTenants((sql, params) => this.execute(sql, params));
  }

  override async down(): Promise<void> {
    await this.execute('drop table if exists deal_stage_total;');
    await this.execute('drop function if exists crm_deal_stage_totals() cascade;');
    await this.execute('alter table tenant drop column if exists default_currency;');
    await this.execute('alter table search_document drop column if exists owner_id;');
    for (const table of [...TENANT_TABLES].reverse()) await this.execute(`drop table if exists ${table};`);
  }
}
