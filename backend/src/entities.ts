// Every entity the ORM knows. A module adds its schemas here.
import { BotConversationSchema, BotDeliverySchema } from './modules/bot/bot-conversation.entity.ts';
import { BusinessContactSchema, OrganizationSchema, PersonSchema } from './modules/contacts/contact.entity.ts';
import { TeamMemberSchema, TeamSchema } from './modules/identity/team.entity.ts';
import { TenantSchema } from './modules/identity/tenant.entity.ts';
import { UserSchema } from './modules/identity/user.entity.ts';
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
  BotConversationSchema,
  BotDeliverySchema,
];
