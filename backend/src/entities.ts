// Every entity the ORM knows. A module adds its schemas here.

import { ActivitySchema, ActivityTypeSchema } from './modules/activities/activity.entity.ts';
import { BoardChangeSchema } from './modules/board/board-change.entity.ts';
import { BotConversationSchema, BotDeliverySchema } from './modules/bot/bot-conversation.entity.ts';
import { CommentSchema } from './modules/comments/comment.entity.ts';
import { BusinessContactSchema, OrganizationSchema, PersonSchema } from './modules/contacts/contact.entity.ts';
import { CustomFieldSchema } from './modules/custom-fields/custom-field.entity.ts';
import { dashboardAudit } from './modules/dashboards/dashboard.audit.ts';
import { DashboardSchema } from './modules/dashboards/dashboard.entity.ts';
import { dealAudit } from './modules/deals/deal.audit.ts';
import {
  DealSchema,
  DealStageChangeSchema,
  DealStageTaskSchema,
  DealStageTotalSchema,
} from './modules/deals/deal.entity.ts';
import { BlobSchema, DocumentSchema, DocumentVersionSchema } from './modules/documents/document.entity.ts';
import { ActivitySeriesSchema, EventLinkSchema } from './modules/graph-sync/calendar/event-link.entity.ts';
import {
  ContactLinkSchema,
  GraphRequestBudgetSchema,
  GraphSubscriptionSchema,
  MailboxConnectionSchema,
  SyncCursorSchema,
} from './modules/graph-sync/graph-sync.entity.ts';
import { TeamMemberSchema, TeamSchema } from './modules/identity/team.entity.ts';
import { TenantSchema } from './modules/identity/tenant.entity.ts';
import { UserSchema } from './modules/identity/user.entity.ts';
import { leadAudit } from './modules/leads/lead.audit.ts';
import { LeadFieldMappingSchema, LeadSchema } from './modules/leads/lead.entity.ts';
import { LostReasonSchema } from './modules/lost-reasons/lost-reason.entity.ts';
import { MailSchema, PendingMailLinkSchema } from './modules/mail/mail.entity.ts';
import { CaptureRulesSchema } from './modules/mail-capture/capture-rules.entity.ts';
import { MailCaptureAuditSchema } from './modules/mail-capture/mail-capture-audit.entity.ts';
import { SharedMailboxSchema } from './modules/mail-capture/shared-mailbox.entity.ts';
import { MailFilingRequestSchema } from './modules/mail-filing/mail-filing.entity.ts';
import { mailTemplateAudit } from './modules/mail-send/mail-template.audit.ts';
import { MailTemplateSchema } from './modules/mail-send/mail-template.entity.ts';
import { noteAudit } from './modules/notes/note.audit.ts';
import { NoteSchema } from './modules/notes/note.entity.ts';
import { NotificationSchema } from './modules/notifications/notification.entity.ts';
import { PipelineSchema, PipelineStageSchema } from './modules/pipelines/pipeline.entity.ts';
import { ProspectSelectionSchema } from './modules/prospects/prospect-selection.entity.ts';
import { RecordPersonSchema } from './modules/record-people/record-person.entity.ts';
import { relationAudit } from './modules/relations/relation.audit.ts';
import { RelationSchema, RelationTypeSchema } from './modules/relations/relation.entity.ts';
import { savedFilterAudit } from './modules/saved-filters/saved-filter.audit.ts';
import { SavedFilterSchema } from './modules/saved-filters/saved-filter.entity.ts';
import { UserSettingSchema } from './modules/settings/user-setting.entity.ts';
import { StageTaskTemplateSchema } from './modules/stage-templates/stage-task-template.entity.ts';
import { recordTagAudit } from './modules/tags/tag.audit.ts';
import { RecordTagSchema, TagSchema } from './modules/tags/tag.entity.ts';
import { AbsenceSchema, TaskSchema } from './modules/tasks/task.entity.ts';
import { TaskDependencySchema } from './modules/tasks/task-dependency.entity.ts';
import type { AnyAuditPolicy } from './records/audit.ts';
import { HistoryEntrySchema } from './records/history.entity.ts';
import { RecordLinkSchema, RecordReferenceCounterSchema, RecordReferenceSchema } from './records/record-link.entity.ts';
import { SearchDocumentInTenantSchema, SearchDocumentSchema } from './records/search-document.entity.ts';
import { SearchKeySchema } from './records/search-key.entity.ts';

export const entities = [
  TenantSchema,
  UserSchema,
  TeamSchema,
  TeamMemberSchema,
  PersonSchema,
  OrganizationSchema,
  BusinessContactSchema,
  HistoryEntrySchema,
  TaskSchema,
  AbsenceSchema,
  RelationTypeSchema,
  RelationSchema,
  TagSchema,
  RecordTagSchema,
  NoteSchema,
  CommentSchema,
  TaskDependencySchema,
  ActivityTypeSchema,
  ActivitySchema,
  ActivitySeriesSchema,
  EventLinkSchema,
  CustomFieldSchema,
  PipelineSchema,
  PipelineStageSchema,
  LostReasonSchema,
  StageTaskTemplateSchema,
  DealSchema,
  DealStageChangeSchema,
  DealStageTaskSchema,
  DealStageTotalSchema,
  BoardChangeSchema,
  SavedFilterSchema,
  MailTemplateSchema,
  DashboardSchema,
  UserSettingSchema,
  LeadSchema,
  LeadFieldMappingSchema,
  MailSchema,
  PendingMailLinkSchema,
  CaptureRulesSchema,
  MailCaptureAuditSchema,
  MailFilingRequestSchema,
  SharedMailboxSchema,
  BlobSchema,
  DocumentSchema,
  DocumentVersionSchema,
  NotificationSchema,
  ProspectSelectionSchema,
  RecordLinkSchema,
  RecordReferenceSchema,
  RecordReferenceCounterSchema,
  SearchDocumentSchema,
  SearchDocumentInTenantSchema,
  SearchKeySchema,
  RecordPersonSchema,
  BotConversationSchema,
  BotDeliverySchema,
  MailboxConnectionSchema,
  SyncCursorSchema,
  GraphSubscriptionSchema,
  GraphRequestBudgetSchema,
  ContactLinkSchema,
];

/** Entities whose writes the audit subscriber stamps and tells in history (records/audit.ts). */
export const auditPolicies: AnyAuditPolicy[] = [
  noteAudit,
  recordTagAudit,
  relationAudit,
  savedFilterAudit,
  dashboardAudit,
  mailTemplateAudit,
  dealAudit,
  leadAudit,
];
