// Custom fields (V1, V2): definitions per entity type, and the validation of every value written.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { type FieldError, validationFailed } from '../../http/errors.ts';
import { checkVersion } from '../../http/etag.ts';
import { named, noSuch, problem } from '../../http/problems.ts';
import { newId } from '../../ids.ts';
import { currentTenantId, db, jsonb } from '../../records/sql.ts';
import type { CreateCustomField, CustomFieldView, UpdateCustomField } from './custom-fields.schemas.ts';

const fields = (em: EntityManager) =>
  db(em)
    .selectFrom('custom_field')
    .select(['id', 'entity_type', 'key', 'label_de', 'label_en', 'type', 'options', 'required', 'position', 'version']);

type Row = Awaited<ReturnType<ReturnType<typeof fields>['executeTakeFirstOrThrow']>>;

const toView = (row: Row): CustomFieldView => ({
  id: row.id,
  entityType: row.entity_type as CustomFieldView['entityType'],
  key: row.key,
  labels: { de: row.label_de, en: row.label_en },
  type: row.type as CustomFieldView['type'],
  options: row.options,
  required: row.required,
  position: row.position,
  version: row.version,
});

export async function listCustomFields(em: EntityManager, entityType?: string): Promise<CustomFieldView[]> {
  const rows = await fields(em)
    .$if(entityType !== undefined && entityType !== '', (q) =>
      q.where('entity_type', '=', entityType as Row['entity_type']),
    )
    .orderBy('entity_type')
    .orderBy('position')
    .orderBy('key')
    .execute();
  return rows.map(toView);
}

export async function getCustomField(em: EntityManager, id: string): Promise<CustomFieldView> {
  const row = await fields(em).where('id', '=', id).executeTakeFirst();
  if (!row) throw problem('not_found', { noSuch: noSuch('custom_field'), id });
  return toView(row);
}

export async function createCustomField(em: EntityManager, input: CreateCustomField): Promise<CustomFieldView> {
  const clash = await db(em)
    .selectFrom('custom_field')
    .select('id')
    .where('entity_type', '=', input.entityType)
    .where('key', '=', input.key)
    .executeTakeFirst();
  if (clash) {
    throw problem(
      'duplicate_custom_field',
      { key: input.key, entityType: input.entityType },
      { at: { pointer: '#/key' } },
    );
  }
  const id = newId();
  await db(em)
    .insertInto('custom_field')
    .values({
      id,
      tenant_id: currentTenantId,
      entity_type: input.entityType,
      key: input.key,
      label_de: input.labels.de,
      label_en: input.labels.en,
      type: input.type,
      options: jsonb(input.options ?? []),
      required: input.required,
      position: input.position,
    })
    .execute();
  return getCustomField(em, id);
}

export async function updateCustomField(
  em: EntityManager,
  id: string,
  change: UpdateCustomField,
  expectedVersion: number | undefined,
): Promise<CustomFieldView> {
  const field = await getCustomField(em, id);
  checkVersion(field, expectedVersion, named('custom_field', field.key));
  if (change.options && field.type !== 'select') {
    throw validationFailed([{ in: 'body', pointer: '#/options', detail: 'only select fields have options' }]);
  }
  await db(em)
    .updateTable('custom_field')
    .set((eb) => ({
      label_de: change.labels?.de ?? field.labels.de,
      label_en: change.labels?.en ?? field.labels.en,
      options: jsonb(change.options ?? field.options),
      required: change.required ?? field.required,
      position: change.position ?? field.position,
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', id)
    .execute();
  return getCustomField(em, id);
}

export async function deleteCustomField(em: EntityManager, id: string): Promise<void> {
  await getCustomField(em, id);
  await db(em).deleteFrom('custom_field').where('id', '=', id).execute();
}

function checkValue(field: CustomFieldView, value: unknown): string | undefined {
  switch (field.type) {
    case 'text':
      if (typeof value !== 'string') return 'must be text';
      return value.length > 1000 ? 'at most 1000 characters' : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'must be a date like 2026-11-23';
    case 'select':
      return field.options.some((option) => option.value === value)
        ? undefined
        : `must be one of ${field.options.map((option) => option.value).join(', ')}`;
  }
}

/**
 * The custom field values a record has after a write: `incoming` keys are set (null removes),
 * every value checked against its definition, required ones present. Throws 400 naming each
 * bad key with its pointer. Values of fields whose definition was deleted are dropped.
 */
export async function applyCustomFields(
  em: EntityManager,
  entityType: string,
  current: Record<string, unknown>,
  incoming: Record<string, unknown> | undefined,
): Promise<Record<string, unknown>> {
  const fields = await listCustomFields(em, entityType);
  const byKey = new Map(fields.map((field) => [field.key, field]));
  const errors: FieldError[] = [];
  const next: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(current)) if (byKey.has(key)) next[key] = value;
  for (const [key, value] of Object.entries(incoming ?? {})) {
    const field = byKey.get(key);
    const pointer = `#/customFields/${key}`;
    if (!field) {
      errors.push({ in: 'body', pointer, detail: `there is no custom field "${key}" for ${entityType}` });
    } else if (value === null) {
      delete next[key];
    } else {
      const problem = checkValue(field, value);
      if (problem) errors.push({ in: 'body', pointer, detail: problem });
      else next[key] = value;
    }
  }
  for (const field of fields) {
    if (field.required && (next[field.key] === undefined || next[field.key] === '')) {
      errors.push({ in: 'body', pointer: `#/customFields/${field.key}`, detail: `${field.labels.en} is required` });
    }
  }
  if (errors.length > 0) throw validationFailed(errors);
  return next;
}
