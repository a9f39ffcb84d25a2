import { Migration } from '@mikro-orm/migrations';

const TENANT_TABLES = ['bot_conversation', 'bot_delivery'];

// The Teams bot: where each user can be reached (the conversation reference Teams gives at
// installation), and one row per notification the bot began to post, written before the post, so a
// deliverer that died during a post never posts the same notification again.
export class Migration20261205100000_bot extends Migration {
  override up(): void {
    this.addSql(`
      create table bot_conversation (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        user_id uuid not null references app_user (id) on delete cascade,
        conversation_id text not null check (length(conversation_id) <= 500),
        conversation_type text not null check (conversation_type in ('personal', 'groupChat', 'channel')),
        service_url text not null check (length(service_url) <= 500),
        teams_user_id text not null check (length(teams_user_id) <= 200),
        bot_id text not null check (length(bot_id) <= 200),
        locale text,
        time_zone text,
        gone_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(
      'create unique index bot_conversation_user_uq on bot_conversation (tenant_id, user_id, conversation_id);',
    );
    this.addSql('create index bot_conversation_conversation_idx on bot_conversation (tenant_id, conversation_id);');
    this.addSql(`
      create table bot_delivery (
        notification_id uuid primary key references notification (id) on delete cascade,
        tenant_id uuid not null references tenant (id) on delete cascade,
        conversation_id text not null,
        activity_id text,
        created_at timestamptz not null default now(),
        posted_at timestamptz
      );`);
    this.addSql('create index bot_delivery_tenant_idx on bot_delivery (tenant_id);');
    for (const table of TENANT_TABLES) {
      this.addSql(`grant select, insert, update, delete on ${table} to crm_app;`);
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on ${table} to crm_app using (tenant_id = crm_current_tenant()) with check (tenant_id = crm_current_tenant());`,
      );
    }
  }

  override down(): void {
    for (const table of [...TENANT_TABLES].reverse()) this.addSql(`drop table if exists ${table};`);
  }
}
