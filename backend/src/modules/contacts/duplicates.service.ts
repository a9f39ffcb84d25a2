// Duplicate check (C6): candidates from the search documents by same email, phone or VAT id,
// same sound (Kölner Phonetik) or similar spelling (trigrams), scored in one place.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Text } from '../../http/language.ts';
import { problem, thingName } from '../../http/problems.ts';
import { pgArray, type SqlStatement } from '../../records/search-index.ts';
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

interface CandidateRow {
  record_id: string;
  title: string;
  phonetic: string[];
  similarity: number;
  same_email: boolean;
  same_phone: boolean;
  same_vat: boolean;
  same_postal: boolean;
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
export function duplicateCandidatesStatement(draft: DuplicateDraft, excludeIds: readonly string[]): SqlStatement {
  const workEmails = pgArray(draft.type === 'person' ? draft.emails : []);
  return {
    sql: `with work_owners as (
       select person_id from business_contact
        where tenant_id = crm_current_tenant() and deleted_at is null and email = any(?::text[])),
     candidates as (
       select record_id from search_document_in_tenant where record_type = ? and normalized % ?
       union
       select record_id from search_document_in_tenant where record_type = ? and phonetic @> ?::text[]
       union
       select record_id from search_key
        where tenant_id = crm_current_tenant() and kind = 'email' and value = any(?::text[]) and record_type = ?
       union
       select record_id from search_key
        where tenant_id = crm_current_tenant() and kind = 'phone' and value = any(?::text[]) and record_type = ?
       union
       select record_id from search_document_in_tenant where vat_id = ? and record_type = ?
       union
       select person_id from work_owners)
     select d.record_id, d.title, d.phonetic, similarity(d.normalized, ?) as similarity,
            (d.emails && ?::text[] or d.record_id in (select person_id from work_owners)) as same_email,
            d.phones && ?::text[] as same_phone,
            coalesce(d.vat_id = ?, false) as same_vat, d.postal_codes && ?::text[] as same_postal
       from candidates c
       join search_document d on d.record_type = ? and d.record_id = c.record_id
      where d.tenant_id = crm_current_tenant() and not (d.record_id = any(?::uuid[]))
      -- Hard evidence first: a shared email, phone or VAT id must never be cut off by namesakes.
      order by (d.emails && ?::text[] or d.phones && ?::text[] or coalesce(d.vat_id = ?, false)
                or d.record_id in (select person_id from work_owners)) desc,
               similarity(d.normalized, ?) desc
      limit 200`,
    params: [
      workEmails,
      draft.type,
      draft.normalized,
      draft.type,
      pgArray(draft.keyPhonetic.length > 0 ? draft.keyPhonetic : ['-']),
      pgArray(draft.emails),
      draft.type,
      pgArray(draft.phones),
      draft.type,
      draft.vatId,
      draft.type,
      draft.normalized,
      pgArray(draft.emails),
      pgArray(draft.phones),
      draft.vatId,
      pgArray(draft.postalCodes),
      draft.type,
      pgArray([...excludeIds]),
      pgArray(draft.emails),
      pgArray(draft.phones),
      draft.vatId,
      draft.normalized,
    ],
  };
}

/** Candidates for a draft, best first; only those scoring at least MIN_SCORE. */
export async function findDuplicates(
  em: EntityManager,
  draft: DuplicateDraft,
  excludeIds: readonly string[] = [],
): Promise<DuplicateCandidate[]> {
  const statement = duplicateCandidatesStatement(draft, excludeIds);
  const rows = await em
    .getConnection()
    .execute<CandidateRow[]>(statement.sql, statement.params, 'all', em.getTransactionContext());
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
