// Every entity the ORM knows. A module adds its schemas here.

import { ActivitySchema, ActivityTypeSchema } from './modules/activities/activity.entity.ts';
import { BusinessContactSchema, OrganizationSchema, PersonSchema } from './modules/contacts/contact.entity.ts';
import { CustomFieldSchema } from './modules/custom-fields/custom-field.entity.ts';
import { BlobSchema, DocumentSchema, DocumentVersionSchema } from './modules/documents/document.entity.ts';
import { TeamMemberSchema, TeamSchema } from './modules/identity/team.entity.ts';
import { TenantSchema } from './modules/identity/tenant.entity.ts';
import { UserSchema } from './modules/identity/user.entity.ts';
import { LeadFieldMappingSchema, LeadSchema } from './modules/leads/lead.entity.ts';
import { MailSchema, PendingMailLinkSchema } from './modules/mail/mail.entity.ts';
import { NotificationSchema } from './modules/notifications/notification.entity.ts';
import { ProspectSelectionSchema } from './modules/prospects/prospect-selection.entity.ts';
import { RecordPersonSchema } from './modules/record-people/record-person.entity.ts';
import {
  DealSchema,
  DealStageChangeSchema,
  DealStageTaskSchema,
  DealStageTotalSchema,
} from './modules/sales/deal.entity.ts';
import {
  LostReasonSchema,
  PipelineSchema,
  PipelineStageSchema,
  StageTaskTemplateSchema,
} from './modules/sales/pipeline.entity.ts';
import { SavedFilterSchema } from './modules/sales/saved-filter.entity.ts';
import { AbsenceSchema, TaskSchema } from './modules/tasks/task.entity.ts';
import { TaskDependencySchema } from './modules/tasks/task-dependency.entity.ts';
import { HistoryEntrySchema } from './records/history.entity.ts';
import { RecordLinkSchema, RecordReferenceCounterSchema, RecordReferenceSchema } from './records/record-link.entity.ts';
import { SearchDocumentSchema } from './records/search-document.entity.ts';

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
  TaskDependencySchema,
  ActivityTypeSchema,
  ActivitySchema,
  CustomFieldSchema,
  PipelineSchema,
  PipelineStageSchema,
  LostReasonSchema,
  StageTaskTemplateSchema,
  DealSchema,
  DealStageChangeSchema,
  DealStageTaskSchema,
  DealStageTotalSchema,
  SavedFilterSchema,
  LeadSchema,
  LeadFieldMappingSchema,
  MailSchema,
  PendingMailLinkSchema,
  BlobSchema,
  DocumentSchema,
  DocumentVersionSchema,
  NotificationSchema,
  ProspectSelectionSchema,
  RecordLinkSchema,
  RecordReferenceSchema,
  RecordReferenceCounterSchema,
  SearchDocumentSchema,
  RecordPersonSchema,
];
