// Every migration, in order. Listed explicitly so that the same list runs from TypeScript
// sources under Node, jest and a bundled build alike, without a directory scan.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000000_initial } from './Migration20261123000000_initial.ts';
import { Migration20261123010000_identity } from './Migration20261123010000_identity.ts';
import { Migration20261123020000_contacts } from './Migration20261123020000_contacts.ts';
import { Migration20261123030000_tags_custom_fields } from './Migration20261123030000_tags_custom_fields.ts';
import { Migration20261123040000_list_order } from './Migration20261123040000_list_order.ts';
import { Migration20261123050000_relations } from './Migration20261123050000_relations.ts';
import { Migration20261123060000_record_people } from './Migration20261123060000_record_people.ts';
import { Migration20261123070000_required_fields } from './Migration20261123070000_required_fields.ts';
import { Migration20261124000000_tasks } from './Migration20261124000000_tasks.ts';
import { Migration20261124010000_activities_notes } from './Migration20261124010000_activities_notes.ts';
import { Migration20261124020000_tasks_more } from './Migration20261124020000_tasks_more.ts';
import { Migration20261124030000_jobs } from './Migration20261124030000_jobs.ts';
import { Migration20261124040000_sales } from './Migration20261124040000_sales.ts';
import { Migration20261124050000_mail_documents } from './Migration20261124050000_mail_documents.ts';
import { Migration20261124060000_leads } from './Migration20261124060000_leads.ts';
import { Migration20261205000000_task_ranks } from './Migration20261205000000_task_ranks.ts';
import { Migration20261205100000_bot } from './Migration20261205100000_bot.ts';
import { Migration20261206000001_deal_stage_total_key } from './Migration20261206000001_deal_stage_total_key.ts';
import { Migration20261206100000_search_keys } from './Migration20261206100000_search_keys.ts';
import { Migration20261206200000_user_settings } from './Migration20261206200000_user_settings.ts';
import { Migration20261207000000_deal_attention } from './Migration20261207000000_deal_attention.ts';
import { Migration20261207100000_activity_saved_filters } from './Migration20261207100000_activity_saved_filters.ts';
import { Migration20261208000000_board_change } from './Migration20261208000000_board_change.ts';
import { Migration20261208000000_graph_sync } from './Migration20261208000000_graph_sync.ts';
import { Migration20261208000000_search_in_tenant } from './Migration20261208000000_search_in_tenant.ts';
import { Migration20261208100000_calendar_sync } from './Migration20261208100000_calendar_sync.ts';
import { Migration20261209000000_dashboards } from './Migration20261209000000_dashboards.ts';
import { Migration20261209100000_report_indexes } from './Migration20261209100000_report_indexes.ts';
import { Migration20261209200000_mail_capture } from './Migration20261209200000_mail_capture.ts';
import { Migration20261209300000_sync_gaps } from './Migration20261209300000_sync_gaps.ts';
import { Migration20261210000000_mail_send } from './Migration20261210000000_mail_send.ts';
import { Migration20261210100000_widget_indexes } from './Migration20261210100000_widget_indexes.ts';
import { Migration20261211000000_record_stage_key } from './Migration20261211000000_record_stage_key.ts';
import { Migration20261211100000_mail_rules } from './Migration20261211100000_mail_rules.ts';
import { Migration20261213000000_stage_left_at } from './Migration20261213000000_stage_left_at.ts';
import { Migration20261213100000_shared_mailboxes } from './Migration20261213100000_shared_mailboxes.ts';
import { Migration20261213200000_mail_filing_request } from './Migration20261213200000_mail_filing_request.ts';
import { Migration20261214000000_shared_mailbox_sync } from './Migration20261214000000_shared_mailbox_sync.ts';
import { Migration20261215000000_dash_outcome_index } from './Migration20261215000000_dash_outcome_index.ts';
import { Migration20261215000000_mail_filing_by_message } from './Migration20261215000000_mail_filing_by_message.ts';
import { Migration20261215000000_meeting_attachments_meetatt } from './Migration20261215000000_meeting_attachments_meetatt.ts';
import { Migration20261216000000_sync_seen_until } from './Migration20261216000000_sync_seen_until.ts';
import { Migration20261217000000_search_by_tenant } from './Migration20261217000000_search_by_tenant.ts';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
  { name: 'Migration20261123010000_identity', class: Migration20261123010000_identity },
  { name: 'Migration20261123020000_contacts', class: Migration20261123020000_contacts },
  { name: 'Migration20261123030000_tags_custom_fields', class: Migration20261123030000_tags_custom_fields },
  { name: 'Migration20261123040000_list_order', class: Migration20261123040000_list_order },
  { name: 'Migration20261123050000_relations', class: Migration20261123050000_relations },
  { name: 'Migration20261123060000_record_people', class: Migration20261123060000_record_people },
  { name: 'Migration20261123070000_required_fields', class: Migration20261123070000_required_fields },
  { name: 'Migration20261124000000_tasks', class: Migration20261124000000_tasks },
  { name: 'Migration20261124010000_activities_notes', class: Migration20261124010000_activities_notes },
  { name: 'Migration20261124020000_tasks_more', class: Migration20261124020000_tasks_more },
  { name: 'Migration20261124030000_jobs', class: Migration20261124030000_jobs },
  { name: 'Migration20261124040000_sales', class: Migration20261124040000_sales },
  { name: 'Migration20261124050000_mail_documents', class: Migration20261124050000_mail_documents },
  { name: 'Migration20261124060000_leads', class: Migration20261124060000_leads },
  { name: 'Migration20261205000000_task_ranks', class: Migration20261205000000_task_ranks },
  { name: 'Migration20261205100000_bot', class: Migration20261205100000_bot },
  { name: 'Migration20261206000001_deal_stage_total_key', class: Migration20261206000001_deal_stage_total_key },
  { name: 'Migration20261206100000_search_keys', class: Migration20261206100000_search_keys },
  { name: 'Migration20261206200000_user_settings', class: Migration20261206200000_user_settings },
  { name: 'Migration20261207000000_deal_attention', class: Migration20261207000000_deal_attention },
  {
    name: 'Migration20261207100000_activity_saved_filters',
    class: Migration20261207100000_activity_saved_filters,
  },
  { name: 'Migration20261208000000_board_change', class: Migration20261208000000_board_change },
  { name: 'Migration20261208000000_graph_sync', class: Migration20261208000000_graph_sync },
  { name: 'Migration20261208000000_search_in_tenant', class: Migration20261208000000_search_in_tenant },
  { name: 'Migration20261208100000_calendar_sync', class: Migration20261208100000_calendar_sync },
  { name: 'Migration20261209000000_dashboards', class: Migration20261209000000_dashboards },
  { name: 'Migration20261209100000_report_indexes', class: Migration20261209100000_report_indexes },
  { name: 'Migration20261209200000_mail_capture', class: Migration20261209200000_mail_capture },
  { name: 'Migration20261209300000_sync_gaps', class: Migration20261209300000_sync_gaps },
  { name: 'Migration20261210000000_mail_send', class: Migration20261210000000_mail_send },
  { name: 'Migration20261210100000_widget_indexes', class: Migration20261210100000_widget_indexes },
  { name: 'Migration20261211000000_record_stage_key', class: Migration20261211000000_record_stage_key },
  { name: 'Migration20261211100000_mail_rules', class: Migration20261211100000_mail_rules },
  { name: 'Migration20261213000000_stage_left_at', class: Migration20261213000000_stage_left_at },
  {
    name: 'Migration20261213200000_mail_filing_request',
    class: Migration20261213200000_mail_filing_request,
  },
  { name: 'Migration20261213100000_shared_mailboxes', class: Migration20261213100000_shared_mailboxes },
  { name: 'Migration20261214000000_shared_mailbox_sync', class: Migration20261214000000_shared_mailbox_sync },
  { name: 'Migration20261215000000_mail_filing_by_message', class: Migration20261215000000_mail_filing_by_message },
  { name: 'Migration20261215000000_dash_outcome_index', class: Migration20261215000000_dash_outcome_index },
  {
    name: 'Migration20261215000000_meeting_attachments_meetatt',
    class: Migration20261215000000_meeting_attachments_meetatt,
  },
  { name: 'Migration20261216000000_sync_seen_until', class: Migration20261216000000_sync_seen_until },
  { name: 'Migration20261217000000_search_by_tenant', class: Migration20261217000000_search_by_tenant },
];
