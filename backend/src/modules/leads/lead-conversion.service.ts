// Converting a lead (D5): its person and company become (or are linked to) a person, an
// organization and their business contact, optionally a deal, through the organisation's field
// mapping, with the contacts' duplicate check; all in the request's one transaction, so a refusal
// anywhere leaves nothing half made. The lead keeps what it became and is read-only from then on.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError, type FieldIssue, toPointer, validationFailed } from '../../http/errors.ts';
import { textIn } from '../../http/language.ts';
import type { Principal } from '../../http/principal.ts';
import { named, noSuch, problem, type Thing, thingName } from '../../http/problems.ts';
import { recordHistory } from '../../records/history.ts';
import { db } from '../../records/sql.ts';
import {
  CreateBusinessContactSchema,
  CreateOrganizationSchema,
  CreatePersonSchema,
  type DuplicateCandidate,
} from '../contacts/contacts.schemas.ts';
import { createBusinessContact, createOrganization, createPerson } from '../contacts/contacts.service.ts';
import { checkDuplicates } from '../contacts/duplicates.service.ts';
import { LIKELY_DUPLICATE } from '../contacts/matching.ts';
import { createDeal } from '../deals/deals.service.ts';
import { formatAmount } from '../deals/money.ts';
import { NOW } from '../pipeline-records/pipeline-records.service.ts';
import {
  type FieldCatalog,
  fieldCatalog,
  getFieldMapping,
  leadField,
  mappingProblems,
  type Target,
  targetField,
} from './lead-field-mapping.service.ts';
import type { ConvertLead, LeadView } from './leads.schemas.ts';
import { afterWrite, type LeadRow, leadSnapshot, loadLead } from './leads.service.ts';

export interface Conversion {
  lead: LeadView;
  convertedTo: {
    personId: string | null;
    organizationId: string | null;
    businessContactId: string | null;
    dealId: string | null;
  };
  created: { person: boolean; organization: boolean; businessContact: boolean; deal: boolean };
}

type Filled = Record<Target, { fields: Record<string, unknown>; customFields: Record<string, unknown> }>;

/** A lead field's value as the mapping reads it: null when empty. */
function leadValue(lead: LeadRow, from: string): unknown {
  if (from.startsWith('customFields.')) return lead.custom_fields[from.slice('customFields.'.length)] ?? null;
  const columns: Record<string, unknown> = {
    title: lead.title,
    firstName: lead.first_name,
    lastName: lead.last_name,
    email: lead.email,
    phone: lead.phone,
    position: lead.position,
    companyName: lead.company_name,
    website: lead.website,
    industry: lead.industry,
    street: lead.street,
    postalCode: lead.postal_code,
    city: lead.city,
    country: lead.country,
    source: lead.source,
    value: formatAmount(lead.value, lead.currency),
    currency: lead.currency,
  };
  const value = columns[from];
  return value === '' || value === undefined ? null : value;
}

/** What the mapping puts into each target from this lead. */
async function fill(em: EntityManager, catalog: FieldCatalog, lead: LeadRow): Promise<Filled> {
  const mapping = await getFieldMapping(em, catalog);
  const problems = mappingProblems(catalog, mapping.mappings);
  if (problems.length > 0) {
    const listed = (language: 'en' | 'de') =>
      problems.map((item) => `${item.pointer.slice(2)}: ${textIn(item.detail, language)}`).join('; ');
    throw problem('lead_field_mapping_outdated', { problems: { en: listed('en'), de: listed('de') } });
  }
  const filled: Filled = {
    person: { fields: {}, customFields: {} },
    organization: { fields: {}, customFields: {} },
    businessContact: { fields: {}, customFields: {} },
    deal: { fields: {}, customFields: {} },
  };
  for (const entry of mapping.mappings) {
    const source = leadField(catalog, entry.from);
    const target = targetField(catalog, entry.to);
    const value = leadValue(lead, entry.from);
    if (!source || !target || value === null) continue;
    const typed = target.kind === 'number' && typeof value === 'string' ? Number(value) : value;
    const into = target.custom ? filled[target.target].customFields : filled[target.target].fields;
    into[target.name] = target.kind === 'text' && typeof typed !== 'string' ? String(typed) : typed;
  }
  return filled;
}

/** Refusals of the contacts and deals services, re-pointed into the conversion's body and named. */
function conversionFailed(error: AppError, pointer: string, what: Thing): AppError {
  const errors: FieldIssue[] = (error.errors ?? [{ in: 'body', pointer: '#', detail: error.titles }]).map((item) => ({
    in: 'body',
    pointer: `${pointer}${item.pointer.slice(1)}`,
    detail: item.detail,
  }));
  return problem(
    'conversion_failed',
    { what: named(what), reason: error.details },
    { status: error.status === 403 ? 403 : 422, errors, extensions: { reason: error.code } },
  );
}

async function step<T>(pointer: string, what: Thing, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && [400, 403, 404, 409, 422].includes(error.status)) {
      throw conversionFailed(error, pointer, what);
    }
    throw error;
  }
}

/** Validates what the mapping made for a target with the target's own schema. */
function parsed<S extends z.ZodType>(schema: S, input: unknown, pointer: string, what: Thing): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw conversionFailed(
    validationFailed(
      result.error.issues.map((issue) => ({ in: 'body', pointer: toPointer(issue.path), detail: issue.message })),
    ),
    pointer,
    what,
  );
}

function addressOf(fields: Record<string, unknown>): Record<string, unknown>[] {
  const parts = ['street', 'postalCode', 'city', 'country'].filter((key) => fields[key] !== undefined);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'country')) return [];
  return [
    {
      kind: 'visiting',
      street: fields.street,
      postalCode: fields.postalCode,
      city: fields.city,
      ...(fields.country ? { country: fields.country } : {}),
    },
  ];
}

const contactInput = (filled: Filled[Target], ownerId: string | null) => ({
  emails: filled.fields.email ? [{ address: filled.fields.email }] : [],
  phones: filled.fields.phone ? [{ number: filled.fields.phone }] : [],
  addresses: addressOf(filled.fields),
  customFields: filled.customFields,
  ...(ownerId ? { ownerId } : {}),
});

/** The lead's owner receives the deal it becomes, whoever converts it; other owners follow the usual rules. */
function receivingFor(principal: Principal, ownerId: string | null): Principal {
  if (!ownerId) return principal;
  return {
    ...principal,
    async visibility(kind) {
      const visibility = await principal.visibility(kind);
      if (kind !== 'deal' || visibility.scope === 'all') return visibility;
      return { scope: 'owners', ownerIds: [...new Set([...visibility.ownerIds, ownerId])] };
    },
  };
}

/** Records (type and id) as a table of their own, one row each; undefined for none. */
function recordsTable(em: EntityManager, records: readonly (readonly [string, string])[]) {
  const rows = records.map(([type, id]) =>
    db(em).selectNoFrom((eb) => [
      eb.cast<string>(eb.val(type), 'text').as('type'),
      eb.cast<string>(eb.val(id), 'uuid').as('id'),
    ]),
  );
  const [first, ...rest] = rows;
  return first && rest.reduce((table, row) => table.unionAll(row), first);
}

async function requireExisting(em: EntityManager, table: 'person' | 'organization', id: string): Promise<void> {
  const row = await db(em)
    .selectFrom(table)
    .select('id')
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) {
    throw problem(
      'unknown_link',
      { thing: thingName(table), noSuch: noSuch(table), id },
      { at: { pointer: `#/${table}/existingId` } },
    );
  }
}

export async function convertLead(
  em: EntityManager,
  principal: Principal,
  id: string,
  input: ConvertLead,
): Promise<Conversion> {
  // Locked first: a second conversion of the same lead waits, then finds it converted.
  const lead = await loadLead(em, principal, id, { lock: true });
  if (lead.status === 'converted') {
    const became = (language: 'en' | 'de') =>
      (
        [
          ['person', lead.converted_person_id],
          ['organization', lead.converted_organization_id],
          ['deal', lead.converted_deal_id],
        ] as const
      )
        .filter(([, converted]) => converted)
        .map(([thing, converted]) => `${thingName(thing)[language]} ${converted}`)
        .join(', ');
    throw problem(
      'lead_already_converted',
      { title: lead.title, became: { en: became('en'), de: became('de') } },
      {
        extensions: {
          convertedTo: {
            personId: lead.converted_person_id,
            organizationId: lead.converted_organization_id,
            businessContactId: lead.converted_business_contact_id,
            dealId: lead.converted_deal_id,
          },
        },
      },
    );
  }
  if (lead.status === 'lost') {
    throw problem('lead_lost', { title: lead.title });
  }
  const catalog = await fieldCatalog(em);
  const filled = await fill(em, catalog, lead);
  const wantPerson =
    input.person === undefined ? (filled.person.fields.lastName ? { create: true as const } : null) : input.person;
  const wantOrganization =
    input.organization === undefined
      ? filled.organization.fields.name
        ? { create: true as const }
        : null
      : input.organization;
  if (!wantPerson && !wantOrganization) {
    throw problem('nothing_to_convert', {}, { at: { pointer: '#/person' } });
  }
  const ownerId = lead.owner_id;
  const personInput =
    wantPerson && 'create' in wantPerson
      ? parsed(
          CreatePersonSchema,
          {
            firstName: filled.person.fields.firstName,
            lastName: filled.person.fields.lastName,
            ...contactInput(filled.person, ownerId),
          },
          '#/person',
          'person',
        )
      : null;
  const organizationInput =
    wantOrganization && 'create' in wantOrganization
      ? parsed(
          CreateOrganizationSchema,
          {
            name: filled.organization.fields.name,
            website: filled.organization.fields.website,
            industry: filled.organization.fields.industry,
            ...contactInput(filled.organization, ownerId),
          },
          '#/organization',
          'organization',
        )
      : null;
  if (wantPerson && 'existingId' in wantPerson) await requireExisting(em, 'person', wantPerson.existingId);
  if (wantOrganization && 'existingId' in wantOrganization) {
    await requireExisting(em, 'organization', wantOrganization.existingId);
  }

  // The duplicate check of both before anything is made, so one answer names every candidate.
  if (input.confirm !== 'duplicate') {
    const candidates: DuplicateCandidate[] = [];
    if (personInput) candidates.push(...(await checkDuplicates(em, { type: 'person', record: personInput })));
    if (organizationInput) {
      candidates.push(...(await checkDuplicates(em, { type: 'organization', record: organizationInput })));
    }
    const likely = candidates.filter((candidate) => candidate.score >= LIKELY_DUPLICATE);
    if (likely.length > 0) {
      const best = likely[0] as DuplicateCandidate;
      throw problem(
        'lead_likely_duplicate',
        {
          title: best.title,
          thing: thingName(best.type),
          link: `{ "${best.type}": { "existingId": "${best.id}" } }`,
        },
        { extensions: { candidates: likely } },
      );
    }
  }

  const personId = personInput
    ? (await step('#/person', 'person', () => createPerson(em, principal, personInput, { confirmed: true }))).id
    : wantPerson && 'existingId' in wantPerson
      ? wantPerson.existingId
      : null;
  const organizationId = organizationInput
    ? (
        await step('#/organization', 'organization', () =>
          createOrganization(em, principal, organizationInput, { confirmed: true }),
        )
      ).id
    : wantOrganization && 'existingId' in wantOrganization
      ? wantOrganization.existingId
      : null;

  let businessContactId: string | null = null;
  let businessContactCreated = false;
  if (personId && organizationId) {
    const existing = await db(em)
      .selectFrom('business_contact')
      .select('id')
      .where('person_id', '=', personId)
      .where('organization_id', '=', organizationId)
      .where('deleted_at', 'is', null)
      .orderBy('is_primary', 'desc')
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();

    if (existing) {
      businessContactId = existing.id;
    } else {
      const contact = parsed(
        CreateBusinessContactSchema,
        {
          personId,
          organizationId,
          email: filled.businessContact.fields.email,
          phone: filled.businessContact.fields.phone,
          position: filled.businessContact.fields.position,
          department: filled.businessContact.fields.department,
        },
        '#/businessContact',
        'business_contact',
      );
      businessContactId = (
        await step('#/businessContact', 'business_contact', () => createBusinessContact(em, principal, contact))
      ).id;
      businessContactCreated = true;
    }
  }

  let dealId: string | null = null;
  if (input.deal) {
    const wanted = input.deal;
    const dealOwner = wanted.ownerId === undefined ? (ownerId ?? principal.userId ?? null) : wanted.ownerId;
    const asOwner = wanted.ownerId === undefined ? receivingFor(principal, ownerId) : principal;
    const deal = await step('#/deal', 'deal', () =>
      createDeal(em, asOwner, {
        title: wanted.title ?? (filled.deal.fields.title as string | undefined) ?? lead.title,
        ...((wanted.value ?? filled.deal.fields.value)
          ? { value: (wanted.value ?? filled.deal.fields.value) as string }
          : {}),
        ...((wanted.currency ?? filled.deal.fields.currency)
          ? { currency: (wanted.currency ?? filled.deal.fields.currency) as string }
          : {}),
        ...(wanted.pipelineId ? { pipelineId: wanted.pipelineId } : {}),
        ...(wanted.stageId ? { stageId: wanted.stageId } : {}),
        personId,
        organizationId,
        businessContactId,
        ownerId: dealOwner,
        ...(wanted.expectedCloseDate !== undefined ? { expectedCloseDate: wanted.expectedCloseDate } : {}),
        customFields: filled.deal.customFields,
      }),
    );
    dealId = deal.id;
  }

  // What was said about the lead (tasks, notes, activities, mails) is about what it became, too.
  const targets = [
    ['person', personId],
    ['organization', organizationId],
    ['deal', dealId],
  ].filter((pair): pair is [string, string] => pair[1] !== null);
  const linked = recordsTable(em, targets);
  if (linked) {
    await db(em)
      .insertInto('record_link')
      .columns(['tenant_id', 'item_type', 'item_id', 'record_type', 'record_id', 'created_at'])
      .expression(
        db(em)
          .selectFrom('record_link as l')
          .crossJoin(linked.as('t'))
          .select(['l.tenant_id', 'l.item_type', 'l.item_id', 't.type', 't.id', 'l.created_at'])
          .where('l.record_type', '=', 'lead')
          .where('l.record_id', '=', id),
      )
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
  // The lead's tags go with it onto what it created.
  const created = targets.filter(
    ([type]) => (type === 'person' && personInput) || (type === 'organization' && organizationInput) || type === 'deal',
  );
  const tagged = recordsTable(em, created);
  if (tagged) {
    await db(em)
      .insertInto('record_tag')
      .columns(['tenant_id', 'tag_id', 'record_type', 'record_id', 'tagged_by'])
      .expression(
        db(em)
          .selectFrom('record_tag as rt')
          .crossJoin(tagged.as('t'))
          .select((eb) => [
            'rt.tenant_id',
            'rt.tag_id',
            't.type',
            't.id',
            eb.cast<string | null>(eb.val(principal.userId ?? null), 'uuid').as('tagged_by'),
          ])
          .where('rt.record_type', '=', 'lead')
          .where('rt.record_id', '=', id),
      )
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }

  // The lead ends in its pipeline's won stage (if it has one), converted, read-only.
  await db(em)
    .updateTable('lead')
    .set((eb) => {
      const wonStage = eb
        .selectFrom('pipeline_stage as s')
        .whereRef('s.pipeline_id', '=', 'lead.pipeline_id')
        .where('s.outcome', '=', 'won')
        .where('s.archived_at', 'is', null);
      return {
        status: 'converted',
        stage_id: eb.fn.coalesce(
          wonStage.select('s.id').orderBy('s.position').limit(1).$asScalar(),
          eb.ref('stage_id'),
        ),
        stage_entered_at: eb
          .case()
          .when(eb.exists(wonStage.select('s.id').whereRef('s.id', '<>', 'lead.stage_id')))
          .then(NOW)
          .else(eb.ref('stage_entered_at'))
          .end(),
        converted_at: NOW,
        converted_by: principal.userId ?? null,
        closed_at: NOW,
        converted_person_id: personId,
        converted_organization_id: organizationId,
        converted_business_contact_id: businessContactId,
        converted_deal_id: dealId,
        version: eb('version', '+', 1),
        updated_at: NOW,
        updated_by: principal.userId ?? null,
      };
    })
    .where('id', '=', id)
    .execute();

  const { row, view } = await afterWrite(em, id);
  recordHistory(em, principal, {
    type: 'lead',
    id,
    action: 'update',
    before: leadSnapshot(lead),
    after: leadSnapshot(row),
  });
  await em.flush();
  return {
    lead: view,
    convertedTo: { personId, organizationId, businessContactId, dealId },
    created: {
      person: personInput !== null,
      organization: organizationInput !== null,
      businessContact: businessContactCreated,
      deal: dealId !== null,
    },
  };
}
