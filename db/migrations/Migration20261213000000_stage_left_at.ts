import { Migration } from '@mikro-orm/migrations';

// Pipeline velocity (R1) needs how long each stay in a stage lasted. A stay ends when the deal's
// next stage change begins; until now every widget read derived that with a window over all the
// tenant's stage changes. Each change now keeps when its stay ended (left_at), set by a trigger as
// the deal's next change is written, whichever code writes it (card move, edit, stage archive).
export class Migration20261213000000_stage_left_at extends Migration {
  override up(): void {
    this.addSql('alter table deal_stage_change add column left_at timestamptz null;');
    this.addSql(`
      update deal_stage_change c
         set left_at = n.next_at
        from (select id, lead(changed_at) over (partition by deal_id order by changed_at, id) as next_at
                from deal_stage_change) n
       where n.id = c.id and n.next_at is not null;`);
    this.addSql(`
      create function crm_deal_stage_left() returns trigger language plpgsql as $$
      begin
        update deal_stage_change
           set left_at = new.changed_at
         where tenant_id = new.tenant_id and deal_id = new.deal_id and left_at is null and id <> new.id;
        return new;
      end $$;`);
    this.addSql(
      'create trigger deal_stage_change_left before insert on deal_stage_change for each row execute function crm_deal_stage_left();',
    );
    // The deal's open stay, found by the trigger on every stage change.
    this.addSql(
      'create index deal_stage_change_open_idx on deal_stage_change (tenant_id, deal_id) where left_at is null;',
    );
    // Finished stays of a pipeline by when they ended: the velocity widget's period.
    this.addSql(
      `create index deal_stage_change_left_idx on deal_stage_change (tenant_id, pipeline_id, left_at)
        include (to_stage_id, deal_id, changed_at) where left_at is not null;`,
    );
  }

  override down(): void {
    this.addSql('drop index deal_stage_change_left_idx;');
    this.addSql('drop index deal_stage_change_open_idx;');
    this.addSql('drop trigger deal_stage_change_left on deal_stage_change;');
    this.addSql('drop function crm_deal_stage_left();');
    this.addSql('alter table deal_stage_change drop column left_at;');
  }
}
