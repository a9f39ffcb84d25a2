import { Migration } from '@mikro-orm/migrations';

const AUDIT = `
  version integer not null default 1,
  created_at timestamptz not null default now(),
  created_by uuid references app_user (id) on delete set null,
  updated_at timestamptz not null default now(),
  updated_by uuid references app_user (id) on delete set null`;

const TENANT_TABLES = ['stage_task_template', 'deal_stage_task', 'lead', 'lead_field_mapping', 'prospect_selection'];

const policy = (table: string) =>
  `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`;

// Stage task templates (D3), leads with their conversion (D5) and prospect selections (D7).
export class Migration20261124060000_leads extends Migration {
  override async up(): Promise<void> {
    // Whether a deal moves on by itself once a stage's required tasks are done: the pipeline says
    // so for all its stages, a stage may say otherwise (null: as the pipeline).
    await this.execute('alter table pipeline add column auto_advance boolean not null default false;');
    await this.execute('alter table pipeline_stage add column auto_advance boolean;');

    // What entering a stage asks of someone: each template becomes a task once per deal.
    await this.execute(`
      create table stage_task_template (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        pipeline_id uuid not null references pipeline (id) on delete cascade,
        stage_id uuid not null,
        title text not null check (length(title) between 1 and 300),
        description text check (length(description) <= 4000),
        due_in_days integer check (due_in_days between 0 and 3650),
        due_in text check (due_in ~ '^P[0-9WDTHMS]{1,30}$'),
        assignee_rule text not null check (assignee_rule in ('deal_owner', 'user', 'team')),
        user_id uuid references app_user (id) on delete set null,
        team_id uuid references team (id) on delete set null,
        priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
        required boolean not null default false,
        position integer not null default 0,
        ${AUDIT},
        foreign key (pipeline_id, stage_id) references pipeline_stage (pipeline_id, id) on delete cascade,
        check (due_in_days is null or due_in is null)
      );`);
    await this.execute(
      'create index stage_task_template_stage_idx on stage_task_template (tenant_id, stage_id, position, id);',
    );
    await this.execute('create index stage_task_template_pipeline_idx on stage_task_template (pipeline_id, stage_id);');
    await this.execute(
      'create index stage_task_template_user_idx on stage_task_template (user_id) where user_id is not null;',
    );
    await this.execute(
      'create index stage_task_template_team_idx on stage_task_template (team_id) where team_id is not null;',
    );
    // The task a template made for a deal: the primary key makes it once, however often the deal
    // comes back to the stage; the row stays when the task is purged, so it is not made again.
    await this.execute(`
      create table deal_stage_task (
        tenant_id uuid not null references tenant (id) on delete cascade,
        deal_id uuid not null references deal (id) on delete cascade,
        template_id uuid not null references stage_task_template (id) on delete cascade,
        stage_id uuid not null references pipeline_stage (id),
        task_id uuid references task (id) on delete set null,
        created_at timestamptz not null default now(),
        primary key (deal_id, template_id)
      );`);
    await this.execute('create index deal_stage_task_task_idx on deal_stage_task (task_id) where task_id is not null;');
    await this.execute('create index deal_stage_task_template_idx on deal_stage_task (template_id);');
    await this.execute('create index deal_stage_task_stage_idx on deal_stage_task (stage_id);');
    // The timeline reads a tenant's stage changes by time.
    await this.execute('create index deal_stage_change_time_idx on deal_stage_change (tenant_id, changed_at, id);');

    // Leads (D5): a person and a company not yet in the contacts, in a lead pipeline's stage.
    await this.execute(`
      create table lead (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        title text not null check (length(title) between 1 and 200),
        pipeline_id uuid not null references pipeline (id),
        stage_id uuid not null,
        status text not null default 'open' check (status in ('open', 'converted', 'lost')),
        salutation text check (length(salutation) <= 60),
        first_name text check (length(first_name) <= 100),
        last_name text check (length(last_name) <= 100),
        email text check (length(email) <= 254),
        phone text check (length(phone) <= 40),
        phone_e164 text check (length(phone_e164) <= 20),
        position text check (length(position) <= 120),
        company_name text check (length(company_name) <= 200),
        website text check (length(website) <= 300),
        industry text check (length(industry) <= 100),
        street text check (length(street) <= 200),
        postal_code text check (length(postal_code) <= 12),
        city text check (length(city) <= 100),
        country text check (country ~ '^[A-Z]{2}$'),
        source text check (length(source) <= 100),
        owner_id uuid references app_user (id) on delete set null,
        value numeric(18, 4) not null default 0 check (value >= 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        lost_reason_id uuid references lost_reason (id),
        lost_note text check (length(lost_note) <= 2000),
        closed_at timestamptz,
        converted_at timestamptz,
        converted_by uuid references app_user (id) on delete set null,
        converted_person_id uuid references person (id) on delete set null,
        converted_organization_id uuid references organization (id) on delete set null,
        converted_business_contact_id uuid references business_contact (id) on delete set null,
        converted_deal_id uuid references deal (id) on delete set null,
        rank text collate "C" not null check (rank ~ '^[A-Za-z][0-9A-Za-z]*$'),
        stage_entered_at timestamptz not null default now(),
        custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object'),
        ${AUDIT},
        deleted_at timestamptz,
        deleted_by uuid references app_user (id) on delete set null,
        foreign key (pipeline_id, stage_id) references pipeline_stage (pipeline_id, id),
        check (case when status = 'lost' then lost_reason_id is not null
                    else lost_reason_id is null and lost_note is null end),
        check ((status = 'converted') = (converted_at is not null))
      );`);
    // The lead board: each stage's open cards in rank order, sums from the index alone.
    await this.execute(
      `create unique index lead_board_idx on lead (tenant_id, pipeline_id, stage_id, rank)
        include (value, currency, owner_id) where status = 'open' and deleted_at is null;`,
    );
    await this.execute(
      'create index lead_updated_idx on lead (tenant_id, updated_at desc, id) where deleted_at is null;',
    );
    await this.execute('create index lead_owner_idx on lead (tenant_id, owner_id) where deleted_at is null;');
    await this.execute('create index lead_stage_idx on lead (stage_id);');
    await this.execute('create index lead_lost_reason_idx on lead (lost_reason_id) where lost_reason_id is not null;');
    await this.execute(
      'create index lead_trash_idx on lead (tenant_id, deleted_at desc) where deleted_at is not null;',
    );
    for (const column of [
      'converted_person_id',
      'converted_organization_id',
      'converted_business_contact_id',
      'converted_deal_id',
    ]) {
      await this.execute(`create index lead_${column}_idx on lead (${column}) where ${column} is not null;`);
    }
    // One mapping per organisation: lead field -> target entity field (none stored: the default).
    await this.execute(`
      create table lead_field_mapping (
        tenant_id uuid primary key references tenant (id) on delete cascade,
        mappings jsonb not null check (jsonb_typeof(mappings) = 'array'),
        ${AUDIT}
      );`);

    // Prospect selections (D7): saved selections of organizations by the shared filter tree.
    await this.execute(`
      create table prospect_selection (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        name text not null check (length(name) between 1 and 120),
        description text check (length(description) <= 2000),
        filter jsonb check (jsonb_typeof(filter) = 'object'),
        -- No foreign key: a saved filter deleted since answers a clear problem when the selection runs.
        saved_filter_id uuid,
        ${AUDIT}
      );`);
    await this.execute(
      'create unique index prospect_selection_name_uq on prospect_selection (tenant_id, lower(name));',
    );

    for (const table of TENANT_TABLES) {
      await this.execute(`grant select, insert, update, delete on ${table} to crm_app;`);
      await this.execute(`alter table ${table} enable row level security;`);
      await this.execute(policy(table));
    }
  }

  override async down(): Promise<void> {
    await this.execute('drop index if exists deal_stage_change_time_idx;');
    for (const table of [...TENANT_TABLES].reverse()) await this.execute(`drop table if exists ${table};`);
    await this.execute('alter table pipeline_stage drop column if exists auto_advance;');
    await this.execute('alter table pipeline drop column if exists auto_advance;');
  }
}
