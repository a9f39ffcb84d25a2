import { z } from 'zod';
import { pageOf } from '../../http/pagination.ts';

export const ROLES = ['admin', 'sales_manager', 'sales_rep', 'inside_sales'] as const;
export type Role = (typeof ROLES)[number];

export const RoleSchema = z.enum(ROLES).meta({ id: 'Role', description: 'CRM role' });
export const LanguageSchema = z.enum(['de', 'en']).meta({ id: 'Language' });
export const IdParamsSchema = z.object({ id: z.uuid() });

export const MeSchema = z
  .object({
    user: z.object({
      id: z.uuid(),
      displayName: z.string(),
      email: z.string(),
      jobTitle: z.string().nullable(),
      language: LanguageSchema,
    }),
    tenant: z.object({ id: z.uuid(), name: z.string() }),
    roles: z.array(RoleSchema),
    teams: z.array(
      z.object({ id: z.uuid(), name: z.string(), membership: z.enum(['manager', 'member', 'manager_and_member']) }),
    ),
    language: LanguageSchema,
  })
  .meta({ id: 'Me' });

export const UserViewSchema = z
  .object({
    id: z.uuid(),
    entraObjectId: z.uuid(),
    displayName: z.string(),
    email: z.string(),
    jobTitle: z.string().nullable(),
    language: LanguageSchema,
    roles: z.array(RoleSchema),
    active: z.boolean(),
    lastSeenAt: z.iso.datetime().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'User' });

export const UsersPageSchema = pageOf(UserViewSchema, 'UsersPage');

export const UserListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  q: z.string().trim().min(1).max(100).optional().meta({ description: 'Part of the name or email' }),
});

/** `GET /api/v1/users`: the organisation's active users, for pickers (an owner filter, an assignee). */
export const UserPickQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(100, 'at most 100 characters')
    .optional()
    .meta({ description: 'Part of the name or email; empty or absent: the first by name' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const UserRefSchema = z
  .object({ id: z.uuid(), displayName: z.string(), email: z.string() })
  .meta({ id: 'UserRef' });
export type UserRef = z.output<typeof UserRefSchema>;

export const UserRefListSchema = z.object({ items: z.array(UserRefSchema) }).meta({ id: 'UserRefList' });
export type UserRefList = z.output<typeof UserRefListSchema>;

export const UpdateUserSchema = z
  .object({
    roles: z.array(RoleSchema).min(1, 'a user needs at least one role').optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((body) => body.roles !== undefined || body.active !== undefined, 'send roles, active, or both')
  .meta({ id: 'UpdateUser' });

export const TeamViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    managerId: z.uuid().nullable(),
    memberIds: z.array(z.uuid()),
    version: z.number().int(),
  })
  .meta({ id: 'Team' });

const TeamName = z.string().trim().min(1, 'a team needs a name').max(120);

export const CreateTeamSchema = z
  .object({
    name: TeamName,
    managerId: z.uuid().nullable().optional(),
    memberIds: z.array(z.uuid()).max(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateTeam' });

export const UpdateTeamSchema = z
  .object({ name: TeamName.optional(), managerId: z.uuid().nullable().optional() })
  .strict()
  .refine((body) => body.name !== undefined || body.managerId !== undefined, 'send name, managerId, or both')
  .meta({ id: 'UpdateTeam' });

export const SetTeamMembersSchema = z
  .object({ memberIds: z.array(z.uuid()).max(500) })
  .strict()
  .meta({ id: 'SetTeamMembers' });

export const TeamListSchema = z.object({ items: z.array(TeamViewSchema) }).meta({ id: 'TeamList' });

export const ConsentUrlSchema = z.object({ url: z.url() }).meta({ id: 'ConsentUrl' });

export const SetupResultSchema = z
  .object({ tenant: z.object({ id: z.uuid(), name: z.string() }), created: z.boolean() })
  .meta({ id: 'SetupResult' });
