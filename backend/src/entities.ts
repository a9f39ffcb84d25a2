// Every entity the ORM knows. A module adds its schemas here.
import { TeamMemberSchema, TeamSchema } from './modules/identity/team.entity.ts';
import { TenantSchema } from './modules/identity/tenant.entity.ts';
import { UserSchema } from './modules/identity/user.entity.ts';

export const entities = [TenantSchema, UserSchema, TeamSchema, TeamMemberSchema];
