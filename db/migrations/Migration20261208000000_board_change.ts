import { Migration } from '@mikro-orm/migrations';

// Live boards (D4): every write to a pipeline's deals or leads appends a row for that pipeline, in
// the writing transaction (statement triggers, one row per pipeline and statement). A board's
// event stream polls its pipeline's newest rows, which works with several backend processes on one
// database and on the embedded PGlite alike. Old rows are deleted by a periodic job.
export class Migration20261208000000_board_change extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
      create table board_change (
        id bigserial primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        pipeline_id uuid not null,
        changed_at timestamptz not null default now()
      );`);
    await this.execute('create index board_change_pipeline_idx on board_change (tenant_id, pipeline_id, id);');
    await this.execute('grant select, insert, delete on board_change to crm_app;');
    await this.execute('alter table board_change enable row level security;');
    await this.execute(
      'create policy tenant_isolation on board_change to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());',
    );
    await this.execute(`
      create function crm_board_change() returns trigger language plpgsql as $$
      begin
        -- A tenant being deleted takes its rows with it: nothing to announce there.
        if tg_op = 'INSERT' then
          insert into board_change (tenant_id, pipeline_id)
          select distinct c.tenant_id, c.pipeline_id from new_rows c
           where c.pipeline_id is not null and exists (select 1 from tenant x where x.id = c.tenant_id);
        elsif tg_op = 'DELETE' then
          insert into board_change (tenant_id, pipeline_id)
          select distinct c.tenant_id, c.pipeline_id from old_rows c
           where c.pipeline_id is not null and exists (select 1 from tenant x where x.id = c.tenant_id);
        else
          insert into board_change (tenant_id, pipeline_id)
          select distinct c.tenant_id, c.pipeline_id
            from (select tenant_id, pipeline_id from new_rows union all select tenant_id, pipeline_id from old_rows) c
           where c.pipeline_id is not null and exists (select 1 from tenant x where x.id = c.tenant_id);
        end if;
        return null;
      end $$;`);
    for (const table of ['deal', 'lead']) {
      await this.execute(`
        create trigger ${table}_board_change_insert after insert on ${table} referencing new table as new_rows
          for each statement execute function crm_board_change();`);
      await this.execute(`
        create trigger ${table}_board_change_update after update on ${table}
          referencing old table as old_rows new table as new_rows
          for each statement execute function crm_board_change();`);
      await this.execute(`
        create trigger ${table}_board_change_delete after delete on ${table} referencing old table as old_rows
          for each statement execute function crm_board_change();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['deal', 'lead']) {
      for (const op of ['insert', 'update', 'delete']) {
        await this.execute(`drop trigger if exists ${table}_board_change_${op} on ${table};`);
      }
    }
    await this.execute('drop function if exists crm_board_change();');
    await this.execute('drop table if exists board_change;');
  }
}
