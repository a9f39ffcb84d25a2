// Every entity the ORM knows. A module adds its schemas here.
import { CommentSchema } from './modules/comments/comment.entity.ts';
import { BusinessContactSchema, OrganizationSchema, PersonSchema } from './modules/contacts/contact.entity.ts';
import { TeamMemberSchema, TeamSchema } from './modules/identity/team.entity.ts';
import { TenantSchema } from './modules/identity/tenant.entity.ts';
import { UserSchema } from './modules/identity/user.entity.ts';
import { NoteSchema } from './modules/notes/note.entity.ts';
import { RelationSchema, RelationTypeSchema } from './modules/relations/relation.entity.ts';
import { RecordTagSchema, TagSchema } from './modules/tags/tag.entity.ts';
import { AbsenceSchema, TaskSchema } from './modules/tasks/task.entity.ts';
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
