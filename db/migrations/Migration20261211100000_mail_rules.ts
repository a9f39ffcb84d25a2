import { Migration } from '@mikro-orm/migrations';

// Mail rules (#16): which open deals of its persons a mail filed automatically goes to (a tenant capture
// rule, named in the audit of each filing), and the bcc of a mail sent from the CRM.
export class Migration20261211100000_mail_rules extends Migration {
  override async up(): Promise<void> {
    await this.execute(
      "alter table capture_rules add column link_open_deals text not null default 'single' check (link_open_deals in ('none', 'single', 'all'));",
    );
    await this.execute(
      "alter table mail_capture_audit add column deal_rule text null check (deal_rule in ('single', 'all'));",
    );
    await this.execute(
      "alter table mail_capture_audit add column deals jsonb not null default '[]'::jsonb check (jsonb_typeof(deals) = 'array');",
    );
    await this.execute(
      "alter table mail add column bcc_recipients jsonb not null default '[]'::jsonb check (jsonb_typeof(bcc_recipients) = 'array');",
    );
  }

  override async down(): Promise<void> {
    await this.execute('alter table mail drop column if exists bcc_recipients;');
    await this.execute('alter table mail_capture_audit drop column if exists deals;');
    await this.execute('alter table mail_capture_audit drop column if exists deal_rule;');
    await this.execute('alter table capture_rules drop column if exists link_open_deals;');
  }
}
