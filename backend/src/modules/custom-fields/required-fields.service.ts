// Built-in fields an organisation makes required (none by default), checked on every write.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { type FieldError, validationFailed } from '../../http/errors.ts';
import { currentTenantId, db, jsonb } from '../../records/sql.ts';
import { REQUIRABLE_FIELDS, type RequiredFields } from './custom-fields.schemas.ts';

export { REQUIRABLE_FIELDS, type RequiredFields };

export async function requiredFields(em: EntityManager): Promise<RequiredFields> {
  const row = await db(em)
    .selectFrom('tenant')
    .select('required_fields')
    .where('id', '=', currentTenantId)
    .executeTakeFirst();
  return row?.required_fields ?? {};
}

export async function setRequiredFields(em: EntityManager, fields: RequiredFields): Promise<RequiredFields> {
  await db(em)
    .updateTable('tenant')
    .set({ required_fields: jsonb(fields), updated_at: sql<Date>`now()` })
    .where('id', '=', currentTenantId)
    .execute();
  return requiredFields(em);
}

const isEmpty = (value: unknown) =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

/** 400 naming each required built-in field the record lacks after the write. */
export async function checkRequiredFields(
  em: EntityManager,
  type: keyof typeof REQUIRABLE_FIELDS,
  values: Record<string, unknown>,
): Promise<void> {
  const required = (await requiredFields(em))[type] ?? [];
  const errors: FieldError[] = required
    .filter((field) => isEmpty(values[field]))
    .map((field) => ({ in: 'body', pointer: `#/${field}`, detail: 'your organisation requires this field' }));
  if (errors.length > 0) throw validationFailed(errors);
}
