import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { User } from './user.entity.ts';

export const TeamSchema = defineEntity({
  name: 'Team',
  tableName: 'team',
  policies: tenantIsolation(),
  indexes: [{ name: 'team_manager_idx', properties: ['tenant', 'manager'] }],
  uniques: [
    {
      name: 'team_tenant_name_uq',
      expression: 'CREATE UNIQUE INDEX team_tenant_name_uq ON public.team USING btree (tenant_id, lower(name))',
    },
  ],
  checks: [{ name: 'team_name_check', expression: '(length(name) >= 1) AND (length(name) <= 120)' }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    name: p.text(),
    manager: () => p.manyToOne(User).fieldName('manager_id').deleteRule('set null').nullable(),
    ...versionedColumns(),
  },
});

export class Team extends TeamSchema.class {}
TeamSchema.setClass(Team);

export const TeamMemberSchema = defineEntity({
  name: 'TeamMember',
  tableName: 'team_member',
  policies: tenantIsolation(),
  indexes: [{ name: 'team_member_user_idx', properties: ['tenant', 'user'] }],
  properties: {
    tenant: () => tenantColumn(),
    team: () => p.manyToOne(Team).fieldName('team_id').primary().updateRule('no action').deleteRule('cascade'),
    user: () => p.manyToOne(User).fieldName('user_id').primary().updateRule('no action').deleteRule('cascade'),
  },
});

export class TeamMember extends TeamMemberSchema.class {}
TeamMemberSchema.setClass(TeamMember);
