// Duplicate check (C6): candidates from the search documents by same email, phone or VAT id,
// same sound (Kölner Phonetik) or similar spelling (trigrams), scored in one place.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { Text } from '../../http/language.ts';
import { problem, thingName } from '../../http/problems.ts';
import {
  compileOnly,
  currentTenantId,
  type Database,
  statementShapes,
  withTrigramThreshold,
} from '../../records/sql.ts';
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
    emails: organization.emails.map((email) => email.address),
    phones: organization.phones.map((phone) => phone.e164),
    postalCodes: postalCodes(organization.addresses),
    vatId: organization.vatId ?? null,
  };
}

const MIN_SCORE = 0.35;
const MAX_CANDIDATES = 10;

/**
 * Names spelt alike, for the candidates: trigram similarity (pg_trgm's `%`) from this, not from
 * pg_trgm's default of 0.3. At 0.3 a common last name made every namesake a candidate ("Christian
 * Müller" and "Peter Müller" share 0.44 of their trigrams: 9,927 candidates at 100,000 persons),
 * and a spelling match alone weighs at most 0.3: below 0.5 it cannot lift a candidate that does
 * not also sound alike to a likely duplicate (matching.ts), and those sounding alike are found by
 * their sound.
 */
export const DUPLICATE_SPELLING_MIN = 0.5;

/**
 * Matches each name index yields (similar spelling, same sound). A common name yields this many of
 * them, in no particular order: at 100,000 persons, 312 sound like "Christian Müller" and 2,577
 * pass the spelling index for it. They are namesakes that score alike, and which ten of them
 * are shown was a matter of order before too; each further hundred cost about 7 ms at p95. A
 * rarer name has fewer and yields them all.
 */
export const DUPLICATE_NAME_CANDIDATES = 100;

/**
 * Candidates for a draft: each from one index led by the tenant (similar spelling, same sound,
 * same address, number or VAT id, a business contact's address); only they are scored. The
 * matches read the tenant's view of the search documents: through the table, row-level
 * security would keep %, @> out of the index condition (search-document.entity.ts). Run it with
 * pg_trgm's threshold at DUPLICATE_SPELLING_MIN (findDuplicates does).
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
  /** The codes of the whole name: a candidate found by its sound sounds like all of it. */
  phonetic: readonly string[];
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
  'phonetic',
  'emails',
  'workEmails',
  'phones',
  'postalCodes',
  'vatId',
  'excludeIds',
] as const;

const duplicateValues = (draft: DuplicateDraft, excludeIds: readonly string[]): DuplicateValues => ({
  normalized: draft.normalized,
  phonetic: draft.phonetic.length > 0 ? draft.phonetic : ['-'],
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
  // What a candidate is scored by, read with it from the index that found it: reading the
  // documents again by key would be planned for every partition of the table, and the planner
  // then read the tenant's whole partition instead (search-document.entity.ts).
  const scored = [
    'record_id',
    'title',
    'normalized',
    'phonetic',
    'emails',
    'phones',
    'vat_id',
    'postal_codes',
  ] as const;
  const byName = (match: Expression<SqlBool>) =>
    kysely
      .selectFrom((from) =>
        from
          .selectFrom('search_document_in_tenant')
          .select([...scored, sql<number>`row_number() over ()`.as('n')])
          .where('record_type', '=', draft.type)
          .where(match)
          .as('x'),
      )
      .select(scored.map((column) => `x.${column}` as const))
      .where('x.n', '<=', DUPLICATE_NAME_CANDIDATES);
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
      // Hard evidence: the same address, number or VAT id, or a business contact's address.
      .with('keyed', (w) =>
        w
          .selectFrom('search_key')
          .select('record_id')
          .where('tenant_id', '=', currentTenantId)
          .where('kind', '=', 'email')
          .where('value', '=', sql<string>`any(${emails})`)
          .where('record_type', '=', draft.type)
          .union(
            w
              .selectFrom('search_key')
              .select('record_id')
              .where('tenant_id', '=', currentTenantId)
              .where('kind', '=', 'phone')
              .where('value', '=', sql<string>`any(${phones})`)
              .where('record_type', '=', draft.type),
          )
          .union(w.selectFrom('work_owners').select('person_id as record_id')),
      )
      .with('candidates', (w) =>
        byName(sql<SqlBool>`normalized % ${draft.normalized}`)
          .unionAll(byName(sql<SqlBool>`phonetic @> ${texts(draft.phonetic)}`))
          .unionAll(
            w
              .selectFrom('search_document_in_tenant')
              .select([...scored])
              .where('record_type', '=', draft.type)
              .where('vat_id', '=', draft.vatId),
          )
          .unionAll(
            w
              .selectFrom('keyed as k')
              .innerJoin('search_document_in_tenant as d', (join) =>
                join.on('d.record_type', '=', draft.type).onRef('d.record_id', '=', 'k.record_id'),
              )
              .select(scored.map((column) => `d.${column}` as const)),
          ),
      )
      .selectFrom((from) =>
        from
          .selectFrom('candidates as c')
          // A document found through several indexes once.
          .distinctOn('c.record_id')
          .select(({ ref, eb, selectFrom }) => {
            const workOwner = eb(ref('c.record_id'), 'in', selectFrom('work_owners').select('person_id'));
            return [
              'c.record_id',
              'c.title',
              'c.phonetic',
              sql<number>`similarity(${ref('c.normalized')}, ${draft.normalized})`.as('similarity'),
              eb
                .or([eb(ref('c.emails'), '&&', emails), workOwner])
                .$castTo<boolean>()
                .as('same_email'),
              eb(ref('c.phones'), '&&', phones).$castTo<boolean>().as('same_phone'),
              sql<boolean>`coalesce(${ref('c.vat_id')} = ${draft.vatId}, false)`.as('same_vat'),
              eb(ref('c.postal_codes'), '&&', texts(draft.postalCodes)).$castTo<boolean>().as('same_postal'),
            ];
          })
          .where(({ ref }) => sql<SqlBool>`not (${ref('c.record_id')} = any(${draft.excludeIds}::uuid[]))`)
          .orderBy('c.record_id')
          .as('d'),
      )
      .select([
        'd.record_id',
        'd.title',
        'd.phonetic',
        'd.similarity',
        'd.same_email',
        'd.same_phone',
        'd.same_vat',
        'd.same_postal',
      ])
      // Hard evidence first: a shared email, phone or VAT id must never be cut off by namesakes.
      .orderBy(
        ({ eb, or }) => or([eb('d.same_email', '=', true), eb('d.same_phone', '=', true), eb('d.same_vat', '=', true)]),
        'desc',
      )
      .orderBy('d.similarity', 'desc')
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
  const rows = await withTrigramThreshold(em, 'similarity', DUPLICATE_SPELLING_MIN, () =>
    duplicateRows(em, draft.type, duplicateValues(draft, excludeIds)),
  );
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
