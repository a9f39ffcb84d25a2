// Every entity the ORM knows. A module adds its schemas here.
import { CommentSchema } from './modules/comments/comment.entity.ts';
import { BusinessContactSchema, OrganizationSchema, PersonSchema } from './modules/contacts/contact.entity.ts';
import { TeamMemberSchema, TeamSchema } from './modules/identity/team.entity.ts';
import { TenantSchema } from './modules/identity/tenant.entity.ts';
import { UserSchema } from './modules/identity/user.entity.ts';
import { noteAudit } from './modules/notes/note.audit.ts';
import { NoteSchema } from './modules/notes/note.entity.ts';
import { relationAudit } from './modules/relations/relation.audit.ts';
import { RelationSchema, RelationTypeSchema } from './modules/relations/relation.entity.ts';
import { recordTagAudit } from './modules/tags/tag.audit.ts';
import { RecordTagSchema, TagSchema } from './modules/tags/tag.entity.ts';
import { AbsenceSchema, TaskSchema } from './modules/tasks/task.entity.ts';
import type { AnyAuditPolicy } from './records/audit.ts';
import { HistoryEntrySchema } from './records/history.entity.ts';

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
];

/** Entities whose writes the audit subscriber stamps and tells in history (records/audit.ts). */
export const auditPolicies: AnyAuditPolicy[] = [noteAudit, recordTagAudit, relationAudit];
