// Named types of the API's schemas, for front ends: each schema the OpenAPI document names
// (`.meta({ id })`) is a type of that name, as the API answers it (`z.output`); a request body is
// also `<name>Input` (and a name ending in Input is only that), as a client sends it (`z.input`:
// what has a default may be left out).
import type { z } from 'zod';
import type {
  ActivitiesPageSchema,
  ActivitySchema,
  ActivityTypeSchema,
  CreateActivitySchema,
  CreateActivityTypeSchema,
  LogCallSchema,
  RecordRefSchema,
  UpdateActivitySchema,
  UpdateActivityTypeSchema,
} from '../modules/activities/activities.schemas.ts';
import type { FollowUpTaskSchema, LoggedCallSchema } from '../modules/activities/calls.schemas.ts';
import type {
  BoardOwnersSchema,
  BoardSchema,
  BoardStageSchema,
  CardSchema,
  MoveSchema as MoveCardSchema,
  StagePageSchema,
  SumSchema,
} from '../modules/board/board.schemas.ts';
import type { CommentSchema, CommentsPageSchema, WriteCommentSchema } from '../modules/comments/comments.schemas.ts';
import type {
  AddressSchema,
  BusinessContactsPageSchema,
  BusinessContactViewSchema,
  CreateBusinessContactSchema,
  CreateOrganizationSchema,
  CreatePersonSchema,
  DuplicateCheckResultSchema,
  DuplicateCheckSchema,
  EmailSchema,
  EmailViewSchema,
  LookupResultSchema,
  MergeSchema,
  OrganizationsPageSchema,
  OrganizationViewSchema,
  PersonsPageSchema,
  PersonViewSchema,
  PhoneSchema,
  UpdateBusinessContactSchema,
  UpdateOrganizationSchema,
  UpdatePersonSchema,
} from '../modules/contacts/contacts.schemas.ts';
import type {
  CreateCustomFieldSchema,
  CustomFieldSchema,
  UpdateCustomFieldSchema,
} from '../modules/custom-fields/custom-fields.schemas.ts';
import type {
  CreateDashboardSchema,
  DashboardListSchema,
  DashboardSchema,
  UpdateDashboardSchema,
} from '../modules/dashboards/dashboards.schemas.ts';
import type {
  CreateDealSchema,
  DealSchema,
  DealsPageSchema,
  StageChangeSchema,
  UpdateDealSchema,
} from '../modules/deals/deals.schemas.ts';
import type {
  DocumentDetailSchema,
  DocumentSchema,
  DocumentsPageSchema,
  DocumentVersionSchema,
  LinkedRecordSchema,
  TrashedDocumentSchema,
  UploadFormSchema,
} from '../modules/documents/documents.schemas.ts';
import type {
  CreateTeamSchema,
  LanguageSchema,
  MeSchema,
  SetTeamMembersSchema,
  TeamViewSchema,
  UpdateTeamSchema,
  UpdateUserSchema,
  UsersPageSchema,
  UserViewSchema,
} from '../modules/identity/identity.schemas.ts';
import type {
  ConversionSchema,
  ConvertedToSchema,
  ConvertLeadSchema,
  CreateLeadSchema,
  FieldMappingEntrySchema,
  FieldMappingSchema,
  LeadSchema,
  LeadsPageSchema,
  UpdateFieldMappingSchema,
  UpdateLeadSchema,
} from '../modules/leads/leads.schemas.ts';
import type {
  CreateLostReasonSchema,
  LostReasonSchema,
  UpdateLostReasonSchema,
} from '../modules/lost-reasons/lost-reasons.schemas.ts';
import type {
  DraftLinksInputSchema,
  DraftLinksSchema,
  FiledMailSchema,
  FileMailSchema,
  MailAddressSchema,
  MailFilingSchema,
  MailSummarySchema,
  MailViewSchema,
  RecordReferenceSchema,
  UnfiledMailSchema,
  UnfileMailSchema,
} from '../modules/mail/mail.schemas.ts';
import type {
  CreateNoteSchema,
  NoteBodySchema,
  NoteSchema,
  NotesPageSchema,
  UpdateNoteSchema,
} from '../modules/notes/notes.schemas.ts';
import type {
  AdminNotificationsPageSchema,
  MyNotificationsPageSchema,
} from '../modules/notifications/notifications.schemas.ts';
import type {
  AddStageSchema,
  ArchiveStageSchema,
  CreatePipelineSchema,
  PipelineSchema,
  RenamePipelineSchema,
  StageOrderSchema,
  StageSchema,
  UpdateStageSchema,
} from '../modules/pipelines/pipelines.schemas.ts';
import type {
  CreateSelectionSchema,
  SelectionCountSchema,
  SelectionSchema,
  SelectionsPageSchema,
  UpdateSelectionSchema,
} from '../modules/prospects/prospects.schemas.ts';
import type {
  AddRecordPersonSchema,
  RecordPeopleSchema,
  RecordPersonSchema,
} from '../modules/record-people/record-people.schemas.ts';
import type {
  HistoryItemSchema,
  HistoryPageSchema,
  OverviewSchema,
  TrashItemSchema,
  TrashPageSchema,
} from '../modules/records/records.schemas.ts';
import type {
  CreateRelationSchema,
  CreateRelationTypeSchema,
  RelatedRecordSchema,
  RelationListSchema,
  RelationSchema,
  RelationTypeListSchema,
  RelationTypeSchema,
  UpdateRelationTypeSchema,
} from '../modules/relations/relations.schemas.ts';
import type {
  CreateSavedFilterSchema,
  SavedFilterSchema,
  UpdateSavedFilterSchema,
} from '../modules/saved-filters/saved-filters.schemas.ts';
import type { SearchResultSchema } from '../modules/search/search.schemas.ts';
import type {
  AutomationSchema,
  CreateTaskTemplateSchema,
  TaskTemplateListSchema,
  TaskTemplateSchema,
  UpdateAutomationSchema,
  UpdateTaskTemplateSchema,
} from '../modules/stage-templates/stage-templates.schemas.ts';
import type { CreateTagSchema, TagSchema, TagViewSchema, UpdateTagSchema } from '../modules/tags/tags.schemas.ts';
import type {
  AbsencesPageSchema,
  AbsenceViewSchema,
  AddDependencySchema,
  CreateAbsenceSchema,
  CreateTaskSchema,
  DeclineSchema,
  DelegateSchema,
  MoveSchema as MoveTaskSchema,
  ReturnResultSchema,
  ReturnSchema,
  SetDependenciesSchema,
  TaskLinkSchema,
  TasksPageSchema,
  TaskViewSchema,
  TrashedTaskSchema,
  TrashedTasksPageSchema,
  UpdateAbsenceSchema,
  UpdateTaskSchema,
} from '../modules/tasks/tasks.schemas.ts';
import type { TimelineSchema } from '../modules/timeline/timeline.schemas.ts';

// activities.schemas.ts
export type ActivitiesPage = z.output<typeof ActivitiesPageSchema>;
export type Activity = z.output<typeof ActivitySchema>;
export type ActivityType = z.output<typeof ActivityTypeSchema>;
export type CreateActivityInput = z.input<typeof CreateActivitySchema>;
export type CreateActivityType = z.output<typeof CreateActivityTypeSchema>;
export type CreateActivityTypeInput = z.input<typeof CreateActivityTypeSchema>;
export type LogCallInput = z.input<typeof LogCallSchema>;
export type RecordLink = z.output<typeof RecordRefSchema>;
export type UpdateActivityInput = z.input<typeof UpdateActivitySchema>;
export type UpdateActivityType = z.output<typeof UpdateActivityTypeSchema>;
export type UpdateActivityTypeInput = z.input<typeof UpdateActivityTypeSchema>;

// comments.schemas.ts
export type Comment = z.output<typeof CommentSchema>;
export type CommentsPage = z.output<typeof CommentsPageSchema>;
export type WriteComment = z.output<typeof WriteCommentSchema>;
export type WriteCommentInput = z.input<typeof WriteCommentSchema>;

// contacts.schemas.ts
export type Address = z.output<typeof AddressSchema>;
export type BusinessContact = z.output<typeof BusinessContactViewSchema>;
export type BusinessContactsPage = z.output<typeof BusinessContactsPageSchema>;
export type CreateBusinessContactInput = z.input<typeof CreateBusinessContactSchema>;
export type CreateOrganizationInput = z.input<typeof CreateOrganizationSchema>;
export type CreatePersonInput = z.input<typeof CreatePersonSchema>;
export type DuplicateCheckResult = z.output<typeof DuplicateCheckResultSchema>;
export type DuplicateCheck = z.output<typeof DuplicateCheckSchema>;
export type DuplicateCheckInput = z.input<typeof DuplicateCheckSchema>;
export type EmailInput = z.input<typeof EmailSchema>;
export type EmailAddress = z.output<typeof EmailViewSchema>;
export type LookupResult = z.output<typeof LookupResultSchema>;
export type Merge = z.output<typeof MergeSchema>;
export type MergeInput = z.input<typeof MergeSchema>;
export type Organization = z.output<typeof OrganizationViewSchema>;
export type OrganizationsPage = z.output<typeof OrganizationsPageSchema>;
export type Person = z.output<typeof PersonViewSchema>;
export type PersonsPage = z.output<typeof PersonsPageSchema>;
export type Phone = z.output<typeof PhoneSchema>;
export type UpdateBusinessContactInput = z.input<typeof UpdateBusinessContactSchema>;
export type UpdateOrganizationInput = z.input<typeof UpdateOrganizationSchema>;
export type UpdatePersonInput = z.input<typeof UpdatePersonSchema>;

// custom-fields.schemas.ts
export type CreateCustomFieldInput = z.input<typeof CreateCustomFieldSchema>;
export type CustomField = z.output<typeof CustomFieldSchema>;
export type UpdateCustomFieldInput = z.input<typeof UpdateCustomFieldSchema>;

// documents.schemas.ts
export type DocumentDetail = z.output<typeof DocumentDetailSchema>;
export type Document = z.output<typeof DocumentSchema>;
export type DocumentVersion = z.output<typeof DocumentVersionSchema>;
export type DocumentsPage = z.output<typeof DocumentsPageSchema>;
export type LinkedRecord = z.output<typeof LinkedRecordSchema>;
export type TrashedDocument = z.output<typeof TrashedDocumentSchema>;
export type DocumentUpload = z.output<typeof UploadFormSchema>;

// identity.schemas.ts
export type CreateTeam = z.output<typeof CreateTeamSchema>;
export type CreateTeamInput = z.input<typeof CreateTeamSchema>;
export type Language = z.output<typeof LanguageSchema>;
export type Me = z.output<typeof MeSchema>;
export type SetTeamMembers = z.output<typeof SetTeamMembersSchema>;
export type SetTeamMembersInput = z.input<typeof SetTeamMembersSchema>;
export type Team = z.output<typeof TeamViewSchema>;
export type UpdateTeam = z.output<typeof UpdateTeamSchema>;
export type UpdateTeamInput = z.input<typeof UpdateTeamSchema>;
export type UpdateUser = z.output<typeof UpdateUserSchema>;
export type UpdateUserInput = z.input<typeof UpdateUserSchema>;
export type User = z.output<typeof UserViewSchema>;
export type UsersPage = z.output<typeof UsersPageSchema>;

// leads.schemas.ts
export type LeadConversion = z.output<typeof ConversionSchema>;
export type ConvertLeadInput = z.input<typeof ConvertLeadSchema>;
export type LeadConvertedTo = z.output<typeof ConvertedToSchema>;
export type CreateLeadInput = z.input<typeof CreateLeadSchema>;
export type LeadFieldMappingEntry = z.output<typeof FieldMappingEntrySchema>;
export type LeadFieldMapping = z.output<typeof FieldMappingSchema>;
export type Lead = z.output<typeof LeadSchema>;
export type LeadsPage = z.output<typeof LeadsPageSchema>;
export type UpdateLeadFieldMapping = z.output<typeof UpdateFieldMappingSchema>;
export type UpdateLeadFieldMappingInput = z.input<typeof UpdateFieldMappingSchema>;
export type UpdateLeadInput = z.input<typeof UpdateLeadSchema>;

// mail.schemas.ts
export type DraftLinksInput = z.input<typeof DraftLinksInputSchema>;
export type DraftLinks = z.output<typeof DraftLinksSchema>;
export type FileMail = z.output<typeof FileMailSchema>;
export type FileMailInput = z.input<typeof FileMailSchema>;
export type MailAddressInput = FileMailInput['from'];
export type MailAttachmentInput = NonNullable<FileMailInput['attachments']>[number];
export type FiledMail = z.output<typeof FiledMailSchema>;
export type MailAddress = z.output<typeof MailAddressSchema>;
export type MailFiling = z.output<typeof MailFilingSchema>;
export type MailSummary = z.output<typeof MailSummarySchema>;
export type Mail = z.output<typeof MailViewSchema>;
export type RecordReference = z.output<typeof RecordReferenceSchema>;
export type UnfileMail = z.output<typeof UnfileMailSchema>;
export type UnfileMailInput = z.input<typeof UnfileMailSchema>;
export type UnfiledMail = z.output<typeof UnfiledMailSchema>;

// notes.schemas.ts
export type CreateNote = z.output<typeof CreateNoteSchema>;
export type CreateNoteInput = z.input<typeof CreateNoteSchema>;
export type NoteBody = z.output<typeof NoteBodySchema>;
export type NoteBodyInput = z.input<typeof NoteBodySchema>;
export type Note = z.output<typeof NoteSchema>;
export type NotesPage = z.output<typeof NotesPageSchema>;
export type UpdateNote = z.output<typeof UpdateNoteSchema>;
export type UpdateNoteInput = z.input<typeof UpdateNoteSchema>;

// notifications.schemas.ts
export type AdminNotificationsPage = z.output<typeof AdminNotificationsPageSchema>;
export type MyNotificationsPage = z.output<typeof MyNotificationsPageSchema>;

// prospects.schemas.ts
export type CreateProspectSelection = z.output<typeof CreateSelectionSchema>;
export type CreateProspectSelectionInput = z.input<typeof CreateSelectionSchema>;
export type ProspectSelectionCount = z.output<typeof SelectionCountSchema>;
export type ProspectSelection = z.output<typeof SelectionSchema>;
export type ProspectSelectionsPage = z.output<typeof SelectionsPageSchema>;
export type UpdateProspectSelection = z.output<typeof UpdateSelectionSchema>;
export type UpdateProspectSelectionInput = z.input<typeof UpdateSelectionSchema>;

// board.schemas.ts
export type Board = z.output<typeof BoardSchema>;
export type BoardOwners = z.output<typeof BoardOwnersSchema>;
export type BoardStage = z.output<typeof BoardStageSchema>;
export type DealCard = z.output<typeof CardSchema>;
export type MoveDeal = z.output<typeof MoveCardSchema>;
export type MoveDealInput = z.input<typeof MoveCardSchema>;
export type BoardStagePage = z.output<typeof StagePageSchema>;
export type StageSum = z.output<typeof SumSchema>;

// dashboards.schemas.ts (Widget, WidgetFilters and WidgetData come with the schemas)
export type CreateDashboardInput = z.input<typeof CreateDashboardSchema>;
export type Dashboard = z.output<typeof DashboardSchema>;
export type DashboardList = z.output<typeof DashboardListSchema>;
export type UpdateDashboardInput = z.input<typeof UpdateDashboardSchema>;

// deals.schemas.ts
export type CreateDealInput = z.input<typeof CreateDealSchema>;
export type Deal = z.output<typeof DealSchema>;
export type DealsPage = z.output<typeof DealsPageSchema>;
export type DealStageChange = z.output<typeof StageChangeSchema>;
export type UpdateDealInput = z.input<typeof UpdateDealSchema>;

// lost-reasons.schemas.ts
export type CreateLostReasonInput = z.input<typeof CreateLostReasonSchema>;
export type LostReason = z.output<typeof LostReasonSchema>;
export type UpdateLostReasonInput = z.input<typeof UpdateLostReasonSchema>;

// pipelines.schemas.ts
export type AddStage = z.output<typeof AddStageSchema>;
export type AddStageInput = z.input<typeof AddStageSchema>;
export type ArchiveStage = z.output<typeof ArchiveStageSchema>;
export type ArchiveStageInput = z.input<typeof ArchiveStageSchema>;
export type CreatePipelineInput = z.input<typeof CreatePipelineSchema>;
export type Pipeline = z.output<typeof PipelineSchema>;
export type RenamePipeline = z.output<typeof RenamePipelineSchema>;
export type RenamePipelineInput = z.input<typeof RenamePipelineSchema>;
export type StageOrder = z.output<typeof StageOrderSchema>;
export type StageOrderInput = z.input<typeof StageOrderSchema>;
export type Stage = z.output<typeof StageSchema>;
export type UpdateStageInput = z.input<typeof UpdateStageSchema>;

// saved-filters.schemas.ts
export type CreateSavedFilterInput = z.input<typeof CreateSavedFilterSchema>;
export type SavedFilter = z.output<typeof SavedFilterSchema>;
export type UpdateSavedFilterInput = z.input<typeof UpdateSavedFilterSchema>;

// stage-templates.schemas.ts
export type PipelineAutomation = z.output<typeof AutomationSchema>;
export type CreateStageTaskTemplate = z.output<typeof CreateTaskTemplateSchema>;
export type CreateStageTaskTemplateInput = z.input<typeof CreateTaskTemplateSchema>;
export type StageTaskTemplateList = z.output<typeof TaskTemplateListSchema>;
export type StageTaskTemplate = z.output<typeof TaskTemplateSchema>;
export type UpdatePipelineAutomation = z.output<typeof UpdateAutomationSchema>;
export type UpdatePipelineAutomationInput = z.input<typeof UpdateAutomationSchema>;
export type UpdateStageTaskTemplate = z.output<typeof UpdateTaskTemplateSchema>;
export type UpdateStageTaskTemplateInput = z.input<typeof UpdateTaskTemplateSchema>;

// tags.schemas.ts
export type CreateTag = z.output<typeof CreateTagSchema>;
export type CreateTagInput = z.input<typeof CreateTagSchema>;
export type Tag = z.output<typeof TagSchema>;
export type TagRef = z.output<typeof TagViewSchema>;
export type UpdateTag = z.output<typeof UpdateTagSchema>;
export type UpdateTagInput = z.input<typeof UpdateTagSchema>;

// tasks.schemas.ts
export type Absence = z.output<typeof AbsenceViewSchema>;
export type AbsencesPage = z.output<typeof AbsencesPageSchema>;
export type AddTaskDependency = z.output<typeof AddDependencySchema>;
export type AddTaskDependencyInput = z.input<typeof AddDependencySchema>;
export type CreateAbsenceInput = z.input<typeof CreateAbsenceSchema>;
export type CreateTaskInput = z.input<typeof CreateTaskSchema>;
export type DeclineDelegation = z.output<typeof DeclineSchema>;
export type DeclineDelegationInput = z.input<typeof DeclineSchema>;
export type DelegateTask = z.output<typeof DelegateSchema>;
export type DelegateTaskInput = z.input<typeof DelegateSchema>;
export type MoveTask = z.output<typeof MoveTaskSchema>;
export type MoveTaskInput = z.input<typeof MoveTaskSchema>;
export type AbsenceReturn = z.output<typeof ReturnResultSchema>;
export type ReturnFromAbsence = z.output<typeof ReturnSchema>;
export type ReturnFromAbsenceInput = z.input<typeof ReturnSchema>;
export type SetTaskDependencies = z.output<typeof SetDependenciesSchema>;
export type SetTaskDependenciesInput = z.input<typeof SetDependenciesSchema>;
export type TaskLink = z.output<typeof TaskLinkSchema>;
export type Task = z.output<typeof TaskViewSchema>;
export type TasksPage = z.output<typeof TasksPageSchema>;
export type TrashedTask = z.output<typeof TrashedTaskSchema>;
export type TrashedTasksPage = z.output<typeof TrashedTasksPageSchema>;
export type UpdateAbsenceInput = z.input<typeof UpdateAbsenceSchema>;
export type UpdateTaskInput = z.input<typeof UpdateTaskSchema>;

// timeline.schemas.ts
export type Timeline = z.output<typeof TimelineSchema>;

// calls.schemas.ts
export type FollowUpTask = z.output<typeof FollowUpTaskSchema>;
export type LoggedCall = z.output<typeof LoggedCallSchema>;

// record-people.schemas.ts
export type AddRecordPersonInput = z.input<typeof AddRecordPersonSchema>;
export type RecordPeople = z.output<typeof RecordPeopleSchema>;
export type RecordPerson = z.output<typeof RecordPersonSchema>;

// records.schemas.ts
export type HistoryItem = z.output<typeof HistoryItemSchema>;
export type HistoryPage = z.output<typeof HistoryPageSchema>;
export type Overview = z.output<typeof OverviewSchema>;
export type TrashItem = z.output<typeof TrashItemSchema>;
export type TrashPage = z.output<typeof TrashPageSchema>;

// relations.schemas.ts
export type CreateRelationInput = z.input<typeof CreateRelationSchema>;
export type CreateRelationTypeInput = z.input<typeof CreateRelationTypeSchema>;
export type RelatedRecord = z.output<typeof RelatedRecordSchema>;
export type Relation = z.output<typeof RelationSchema>;
export type RelationList = z.output<typeof RelationListSchema>;
export type RelationType = z.output<typeof RelationTypeSchema>;
export type RelationTypeList = z.output<typeof RelationTypeListSchema>;
export type UpdateRelationTypeInput = z.input<typeof UpdateRelationTypeSchema>;

// search.schemas.ts
export type SearchResult = z.output<typeof SearchResultSchema>;
