// Every entity the ORM knows. A module adds its schemas here.
import { TenantSchema } from './modules/identity/tenant.entity.ts';
import { UserSchema } from './modules/identity/user.entity.ts';

export const entities = [TenantSchema, UserSchema];
