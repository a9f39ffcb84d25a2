// A user's own settings (V6 list columns, favourite lists): one JSON value per user and key.
import { defineEntity, p } from '@mikro-orm/core';
import { tenantColumn, tenantIsolation, versionedColumns } from '../../entity-columns.ts';
import { newId } from '../../ids.ts';
import { User } from '../identity/user.entity.ts';

export const UserSettingSchema = defineEntity({
  name: 'UserSetting',
  tableName: 'user_setting',
  policies: tenantIsolation(),
  uniques: [{ name: 'user_setting_key_uq', properties: ['tenant', 'userId', 'key'] }],
  checks: [
    { name: 'user_setting_key_check', expression: '(length(key) >= 1) AND (length(key) <= 80)' },
    { name: 'user_setting_value_check', expression: "jsonb_typeof(value) = 'object'::text" },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    tenant: () => tenantColumn(),
    userId: () => p.manyToOne(User).fieldName('user_id').mapToPk().deleteRule('cascade'),
    key: p.text(),
    value: p.json<Record<string, unknown>>(),
    ...versionedColumns(),
  },
});
export class UserSetting extends UserSettingSchema.class {}
UserSettingSchema.setClass(UserSetting);
