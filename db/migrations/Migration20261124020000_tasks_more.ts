import { Migration } from '@mikro-orm/migrations';

/** The priority order of tasks (urgent first); the tasks module sorts by the very same expression. */
const TASK_PRIORITY_ORDER = "(case priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end)";

// What the tasks module needs beyond the shared schema: all-day tasks, a reminder offset that
// follows the due date, the reason of a declined delegation, when an absence was handed over,
// and the indexes of visibility, personal order, priority order and the dashboard counts.
export class Migration20261124020000_tasks_more extends Migration {
  override up(): void {
    this.addSql('alter table task add column all_day boolean not null default false;');
    this.addSql('alter table task add column remind_before text check (length(remind_before) <= 40);');
    this.addSql('alter table task add column delegation_reason text check (length(delegation_reason) <= 2000);');
    this.addSql(
      'alter table task add constraint task_substitution_absence_fk foreign key (substitution_absence_id) references absence (id) on delete set null;',
    );
    this.addSql('alter table absence add column handed_over_at timestamptz;');

    // Visibility: a task is someone's as assignee, owner, creator, delegator or absent assignee.
    this.addSql('create index task_created_by_idx on task (tenant_id, created_by);');
    this.addSql(
      'create index task_substituted_for_idx on task (tenant_id, substituted_for) where substituted_for is not null;',
    );
    this.addSql(
      'create index task_substitution_absence_idx on task (substitution_absence_id) where substitution_absence_id is not null;',
    );
    // Every task of an assignee by status and priority (dashboard counts, any status), and their order.
    this.addSql(
      'create index task_assignee_status_idx on task (tenant_id, assignee_id, status, priority) where deleted_at is null;',
    );
    this.addSql(
      'create index task_assignee_rank_idx on task (tenant_id, assignee_id, rank, id) where deleted_at is null;',
    );
    this.addSql(
      'create index task_team_rank_idx on task (tenant_id, team_id, rank, id) where deleted_at is null and team_id is not null;',
    );
    this.addSql(
      `create index task_priority_idx on task (tenant_id, ${TASK_PRIORITY_ORDER}, due_at, id) where deleted_at is null;`,
    );
    this.addSql(
      'create index task_follow_up_idx on task (tenant_id, follow_up_on, id) where deleted_at is null and follow_up_on is not null;',
    );
    this.addSql(
      `create index absence_handover_idx on absence (tenant_id, starts_at)
        where handed_over_at is null and returned_at is null and deleted_at is null;`,
    );
    this.addSql('create index absence_substitute_idx on absence (tenant_id, substitute_id) where deleted_at is null;');
  }

  override down(): void {
    this.addSql('drop index if exists absence_substitute_idx;');
    this.addSql('drop index if exists absence_handover_idx;');
    this.addSql('drop index if exists task_follow_up_idx;');
    this.addSql('drop index if exists task_priority_idx;');
    this.addSql('drop index if exists task_team_rank_idx;');
    this.addSql('drop index if exists task_assignee_rank_idx;');
    this.addSql('drop index if exists task_assignee_status_idx;');
    this.addSql('drop index if exists task_substitution_absence_idx;');
    this.addSql('drop index if exists task_substituted_for_idx;');
    this.addSql('drop index if exists task_created_by_idx;');
    this.addSql('alter table absence drop column handed_over_at;');
    this.addSql('alter table task drop constraint task_substitution_absence_fk;');
    this.addSql('alter table task drop column delegation_reason;');
    this.addSql('alter table task drop column remind_before;');
    this.addSql('alter table task drop column all_day;');
  }
}
