import { defineEntity, p } from '@mikro-orm/core';
import { versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { Tenant } from './tenant.entity.ts';
import { User } from './user.entity.ts';

export const TeamSchema = defineEntity({
  name: 'Team',
  tableName: 'team',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    name: p.text(),
    manager: () => p.manyToOne(User).fieldName('manager_id').nullable(),
    ...versionedColumns(),
  },
});

export class Team extends TeamSchema.class {}
TeamSchema.setClass(Team);

export const TeamMemberSchema = defineEntity({
  name: 'TeamMember',
  tableName: 'team_member',
  properties: {
    tenant: () => p.manyToOne(Tenant).fieldName('tenant_id'),
    team: () => p.manyToOne(Team).fieldName('team_id').primary(),
    user: () => p.manyToOne(User).fieldName('user_id').primary(),
  },
});

export class TeamMember extends TeamMemberSchema.class {}
TeamMemberSchema.setClass(TeamMember);
