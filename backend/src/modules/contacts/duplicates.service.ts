// Duplicate check (C6): candidates from the search documents by same email, phone or VAT id,
// same sound (Kölner Phonetik) or similar spelling (trigrams), scored in one place.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Text } from '../../http/language.ts';
import { problem, thingName } from '../../http/problems.ts';
import { compileOnly, currentTenantId, type Database, statementShapes } from '../../records/sql.ts';
import type { AddressValue, Organization, Person } from './contact.entity.ts';
import type { CreateOrganization, CreatePerson, DuplicateCandidate } from './contacts.schemas.ts';
import {
  LIKELY_DUPLICATE,
  type MatchReason,
  normalizeCompanyName,
  normalizePersonName,
  phoneticCodes,
  scoreMatch,
} from './matching.ts';

export interface DuplicateDraft {
  type: 'person' | 'organization';
  /** Normalized name, as in the search document. */
  normalized: string;
  /** Phonetic codes of the whole name. */
  phonetic: string[];
  /** Codes that must sound alike for a name match: the last name's, or the company name's. */
  keyPhonetic: string[];
  emails: string[];
  phones: string[];
  postalCodes: string[];
  vatId: string | null;
}

const postalCodes = (addresses: readonly AddressValue[]) => [
  ...new Set(addresses.flatMap((address) => (address.postalCode ? [address.postalCode] : []))),
];

export function personDraft(
  person: Pick<Person, 'firstName' | 'lastName' | 'emails' | 'phones' | 'addresses'>,
): DuplicateDraft {
  return {
    type: 'person',
    normalized: normalizePersonName(person.firstName, person.lastName),
    phonetic: phoneticCodes(`${person.firstName ?? ''} ${person.lastName}`, 'person'),
    keyPhonetic: phoneticCodes(person.lastName, 'person'),
    emails: person.emails.map((email) => email.address),
    phones: person.phones.map((phone) => phone.e164),
    postalCodes: postalCodes(person.addresses),
    vatId: null,
  };
}

export function organizationDraft(
  organization: Pick<Organization, 'name' | 'emails' | 'phones' | 'addresses' | 'vatId'>,
): DuplicateDraft {
  const phonetic = phoneticCodes(organization.name, 'organization');
  return {
    type: 'organization',
    normalized: normalizeCompanyName(organization.name),
    phonetic,
    keyPhonetic: phonetic,
    emails: organization.emails.map((email) => email.address),
    phones: organization.phones.map((phone) => phone.e164),
    postalCodes: postalCodes(organization.addresses),
    vatId: organization.vatId ?? null,
  };
}

const MIN_SCORE = 0.35;
const MAX_CANDIDATES = 10;

/**
 * Candidates for a draft: each from one index led by the tenant (similar spelling, same sound,
 * same address, number or VAT id, a business contact's address); only they are scored. The
 * matches read the tenant's view of the search documents: through the table, row-level
 * security would keep %, @> out of the index condition (search-document.entity.ts).
 */
export function duplicateCandidatesQuery(
  kysely: Kysely<Database>,
  draft: DuplicateDraft,
  excludeIds: readonly string[],
) {
  return duplicateStatement(kysely, duplicateValues(draft, excludeIds), draft.type);
}

/** The values the duplicate statement runs with. */
interface DuplicateValues {
  [name: string]: unknown;
  normalized: string;
  keyPhonetic: readonly string[];
  emails: readonly string[];
  /** The emails a person's business contacts may share (none for an organization). */
  workEmails: readonly string[];
  phones: readonly string[];
  postalCodes: readonly string[];
  vatId: string | null;
  excludeIds: readonly string[];
}

const DUPLICATE_VALUES = [
  'normalized',
  'keyPhonetic',
  'emails',
  'workEmails',
  'phones',
  'postalCodes',
  'vatId',
  'excludeIds',
] as const;

const duplicateValues = (draft: DuplicateDraft, excludeIds: readonly string[]): DuplicateValues => ({
  normalized: draft.normalized,
  keyPhonetic: draft.keyPhonetic.length > 0 ? draft.keyPhonetic : ['-'],
  emails: draft.emails,
  workEmails: draft.type === 'person' ? draft.emails : [],
  phones: draft.phones,
  postalCodes: draft.postalCodes,
  vatId: draft.vatId,
  excludeIds,
});

function duplicateStatement(kysely: Kysely<Database>, values: DuplicateValues, type: DuplicateDraft['type']) {
  const texts = (list: readonly string[]) => sql<string[]>`${list}::text[]`;
  const draft = { ...values, type };
  const emails = texts(draft.emails);
  const phones = texts(draft.phones);
  return (
    kysely
      .with('work_owners', (w) =>
        w
          .selectFrom('business_contact')
          .select('person_id')
          .where('tenant_id', '=', currentTenantId)
          .where('deleted_at', 'is', null)
          .where('email', '=', sql<string>`any(${texts(draft.workEmails)})`),
      )
      .with('candidates', (w) =>
        w
          .selectFrom('search_document_in_tenant')
          .select('record_id')
          .where('record_type', '=', draft.type)
          .where(({ ref }) => sql<SqlBool>`${ref('normalized')} % ${draft.normalized}`)
          .union(
            w
              .selectFrom('search_document_in_tenant')
              .select('record_id')
              .where('record_type', '=', draft.type)
              .where('phonetic', '@>', texts(draft.keyPhonetic)),
          )
          .union(
            w
              .selectFrom('search_key')
              .select('record_id')
              .where('tenant_id', '=', currentTenantId)
              .where('kind', '=', 'email')
              .where('value', '=', sql<string>`any(${emails})`)
              .where('record_type', '=', draft.type),
          )
          .union(
            w
              .selectFrom('search_key')
              .select('record_id')
              .where('tenant_id', '=', currentTenantId)
              .where('kind', '=', 'phone')
              .where('value', '=', sql<string>`any(${phones})`)
              .where('record_type', '=', draft.type),
          )
          .union(
            w
              .selectFrom('search_document_in_tenant')
              .select('record_id')
              .where('vat_id', '=', draft.vatId)
              .where('record_type', '=', draft.type),
          )
          .union(w.selectFrom('work_owners').select('person_id as record_id')),
      )
      .selectFrom('candidates as c')
      .innerJoin('search_document as d', (join) =>
        join.on('d.record_type', '=', draft.type).onRef('d.record_id', '=', 'c.record_id'),
      )
      .select(({ ref, eb, selectFrom }) => {
        const workOwner = eb(ref('d.record_id'), 'in', selectFrom('work_owners').select('person_id'));
        const sameEmail = eb.or([eb(ref('d.emails'), '&&', emails), workOwner]);
        return [
          'd.record_id',
          'd.title',
          'd.phonetic',
          sql<number>`similarity(${ref('d.normalized')}, ${draft.normalized})`.as('similarity'),
          sameEmail.$castTo<boolean>().as('same_email'),
          eb(ref('d.phones'), '&&', phones).$castTo<boolean>().as('same_phone'),
          sql<boolean>`coalesce(${ref('d.vat_id')} = ${draft.vatId}, false)`.as('same_vat'),
          eb(ref('d.postal_codes'), '&&', texts(draft.postalCodes)).$castTo<boolean>().as('same_postal'),
        ];
      })
      .where('d.tenant_id', '=', currentTenantId)
      .where(({ ref }) => sql<SqlBool>`not (${ref('d.record_id')} = any(${draft.excludeIds}::uuid[]))`)
      // Hard evidence first: a shared email, phone or VAT id must never be cut off by namesakes.
      .orderBy(
        ({ ref, eb, selectFrom }) =>
          eb.or([
            eb(ref('d.emails'), '&&', emails),
            eb(ref('d.phones'), '&&', phones),
            sql<SqlBool>`coalesce(${ref('d.vat_id')} = ${draft.vatId}, false)`,
            eb(ref('d.record_id'), 'in', selectFrom('work_owners').select('person_id')),
          ]),
        'desc',
      )
      .orderBy(({ ref }) => sql`similarity(${ref('d.normalized')}, ${draft.normalized})`, 'desc')
      .limit(200)
  );
}

/** The duplicate statement, compiled once per record type and prepared: it runs for every draft checked. */
const duplicateRows = statementShapes([...DUPLICATE_VALUES], (values: DuplicateValues, type: DuplicateDraft['type']) =>
  duplicateStatement(compileOnly, values, type),
);

/** Candidates for a draft, best first; only those scoring at least MIN_SCORE. */
export async function findDuplicates(
  em: EntityManager,
  draft: DuplicateDraft,
  excludeIds: readonly string[] = [],
): Promise<DuplicateCandidate[]> {
  const rows = await duplicateRows(em, draft.type, duplicateValues(draft, excludeIds));
  const mine = new Set(draft.phonetic);
  return rows
    .map((row) => {
      const theirs = new Set(row.phonetic);
      const shared = [...mine].filter((code) => theirs.has(code)).length;
      const shorter = Math.min(mine.size, theirs.size);
      const { score, reasons } = scoreMatch({
        sameEmail: row.same_email,
        samePhone: row.same_phone,
        sameVatId: row.same_vat,
        samePostalCode: row.same_postal,
        phoneticOverlap: shorter === 0 ? 0 : shared / shorter,
        trigramSimilarity: Number(row.similarity),
      });
      return { id: row.record_id, type: draft.type, title: row.title, score: round(score), reasons };
    })
    .filter((candidate) => candidate.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title))
    .slice(0, MAX_CANDIDATES);
}

const round = (score: number) => Math.round(score * 1000) / 1000;

/** Refuses a write when likely duplicates exist, unless the caller confirmed (?confirm=duplicate). */
export async function guardAgainstDuplicates(
  em: EntityManager,
  draft: DuplicateDraft,
  options: { confirmed: boolean; excludeIds?: readonly string[] },
): Promise<void> {
  if (options.confirmed) return;
  const likely = (await findDuplicates(em, draft, options.excludeIds)).filter(
    (candidate) => candidate.score >= LIKELY_DUPLICATE,
  );
  if (likely.length === 0) return;
  const best = likely[0] as DuplicateCandidate;
  throw problem(
    'likely_duplicate',
    { title: best.title, thing: thingName(draft.type), reasons: describe(best.reasons) },
    { extensions: { candidates: likely } },
  );
}

const REASON_TEXT: Record<MatchReason, Text> = {
  same_email: { en: 'same email', de: 'gleiche E-Mail-Adresse' },
  same_phone: { en: 'same phone', de: 'gleiche Telefonnummer' },
  same_vat_id: { en: 'same VAT id', de: 'gleiche USt-IdNr.' },
  same_sound: { en: 'sounds alike', de: 'klingt gleich' },
  similar_spelling: { en: 'similar spelling', de: 'ähnliche Schreibweise' },
  same_postal_code: { en: 'same postal code', de: 'gleiche Postleitzahl' },
};

const describe = (reasons: readonly MatchReason[]): Text => ({
  en: reasons.map((reason) => REASON_TEXT[reason].en).join(', '),
  de: reasons.map((reason) => REASON_TEXT[reason].de).join(', '),
});

/** POST /duplicates/check: candidates for a draft that is not saved. */
export async function checkDuplicates(
  em: EntityManager,
  check:
    | { type: 'person'; record: CreatePerson; excludeId?: string | undefined }
    | { type: 'organization'; record: CreateOrganization; excludeId?: string | undefined },
): Promise<DuplicateCandidate[]> {
  const phones = (check.record.phones ?? []).map((phone) => ({ ...phone }));
  const common = {
    emails: check.record.emails ?? [],
    phones,
    addresses: (check.record.addresses ?? []) as AddressValue[],
  };
  const draft =
    check.type === 'person'
      ? personDraft({ ...common, firstName: check.record.firstName ?? null, lastName: check.record.lastName })
      : organizationDraft({ ...common, name: check.record.name, vatId: check.record.vatId ?? null });
  return findDuplicates(em, draft, check.excludeId ? [check.excludeId] : []);
}
