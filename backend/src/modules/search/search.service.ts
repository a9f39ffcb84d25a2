// Global search over the search documents: prefix and full text on folded words (ä = ae),
// similar spelling (trigrams) and same sound (Kölner Phonetik), ranked, typed, highlighted.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { Principal } from '../../http/principal.ts';
import { compileOnly, type Database, statementShapes, withTrigramThreshold } from '../../records/sql.ts';
import { foldText, phoneticCodes } from '../contacts/matching.ts';
import { wired } from '../wiring.ts';
import { SEARCHABLE } from './search.schemas.ts';

export interface SearchHit {
  type: string;
  id: string;
  title: string;
  subtitle: string | null;
  score: number;
  /** The title with the matched words in <mark>, HTML-escaped otherwise. */
  highlight: string;
  /** For items on records (notes): the records they are on, with their titles. */
  records?: SearchHitRecord[];
}

export interface SearchHitRecord {
  type: string;
  id: string;
  title: string;
}

/**
 * For a searchable type that lives on records (notes): the records of each found item that the
 * caller may still see. An item left with none (all its records in the trash) is not a hit.
 * Modules contribute them (CrmModule.searchContexts).
 */
export type SearchContext = (em: EntityManager, ids: readonly string[]) => Promise<Map<string, SearchHitRecord[]>>;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function highlight(title: string, words: readonly string[]): string {
  return title
    .split(/(\s+|[-(),·])/)
    .map((part) => {
      const folded = foldText(part);
      const hit = folded !== '' && words.some((word) => folded.startsWith(word));
      return hit ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part);
    })
    .join('');
}

/** Owned record types the caller sees only some of: those of these owners. */
export interface OwnedScope {
  type: string;
  ownerIds: readonly string[];
}

/** Searchable types whose records belong to an owner: some users see only some owners' records. */
const OWNED_TYPES = new Set<string>(['deal', 'lead']);

/** What `principal` may find of the owned types among `types`: every searcher (route, bot) asks this. */
export async function ownedScopes(principal: Principal, types: readonly string[] = SEARCHABLE): Promise<OwnedScope[]> {
  const owned: OwnedScope[] = [];
  for (const type of types.filter((kind) => OWNED_TYPES.has(kind))) {
    const visibility = await principal.visibility(type);
    if (visibility.scope === 'owners') owned.push({ type, ownerIds: visibility.ownerIds });
  }
  return owned;
}

export interface SearchOptions {
  q: string;
  types?: readonly string[] | undefined;
  limit: number;
  owned?: readonly OwnedScope[];
}

/**
 * Word similarity from which a spelling is similar: "Mülker" and "Anna Müller" share half the
 * query's trigrams (pg_trgm's own threshold is 0.6).
 */
export const SEARCH_SPELLING_MIN = 0.5;

/** Letters a query needs before similar spellings are looked for ("Meyer" for "Meier"). */
const SPELLING_MIN_LETTERS = 5;

/** Words of a query, folded (ä = ae), at most eight: what is matched and highlighted. */
const wordsOf = (q: string) => foldText(q).split(' ').filter(Boolean).slice(0, 8);

/**
 * Matches each index yields for ranking: a broad query ("schm" matches a quarter of a tenant's
 * documents at 100,000 persons) ranks this many of each kind, found in no particular order; a
 * narrow one (a whole name, several words) has fewer and ranks them all.
 */
export const SEARCH_CANDIDATES_PER_INDEX = 200;

/** What makes the search statement's shape: which matches it looks for, which filters it applies. */
interface SearchShape {
  [choice: string]: string | boolean;
  /** Similar spellings looked for (long enough a query). */
  spelling: boolean;
  /** Same sound looked for (the query has phonetic codes). */
  sound: boolean;
  /** Only some types asked for. */
  types: boolean;
  /** The owned types the caller sees only some owners' records of, comma-separated. */
  owned: string;
}

/** The values the search statement runs with. */
interface SearchValues {
  [name: string]: unknown;
  prefix: string;
  folded: string;
  codes: readonly string[];
  types: readonly string[];
  limit: number;
  dealOwners: readonly string[];
  leadOwners: readonly string[];
}

const SEARCH_VALUES = ['prefix', 'folded', 'codes', 'types', 'limit', 'dealOwners', 'leadOwners'] as const;

/** The values and the shape of a search. */
function searchOf(options: SearchOptions): { values: SearchValues; shape: SearchShape } {
  const folded = foldText(options.q);
  // Every word as a prefix: "muel schm" finds "Müller, Schmidt".
  const prefix = wordsOf(options.q)
    .map((word) => `${word.replace(/[^a-z0-9]/g, '')}:*`)
    .filter((w) => w !== ':*')
    .join(' & ');
  const codes = phoneticCodes(options.q, 'person');
  const owned = options.owned ?? [];
  const ownersOf = (type: string) => owned.find((scope) => scope.type === type)?.ownerIds ?? [];
  return {
    values: {
      prefix: prefix || 'x',
      folded,
      codes,
      types: options.types ?? [],
      limit: options.limit,
      dealOwners: ownersOf('deal'),
      leadOwners: ownersOf('lead'),
    },
    shape: {
      // Similar spelling only for queries long enough to be misspelt words: a few letters share
      // trigrams with most names (12,915 documents for "schm" at 20,000 persons, each rechecked)
      // and pass the threshold only against names hardly longer than themselves, which the prefix finds.
      spelling: folded.replace(/[^a-z0-9]/g, '').length >= SPELLING_MIN_LETTERS,
      sound: codes.length > 0,
      types: Boolean(options.types?.length),
      owned: owned.map((scope) => scope.type).join(','),
    },
  };
}

/**
 * The search statement: candidates come from one tenant-led index each (words as prefixes,
 * similar spelling, same sound), at most SEARCH_CANDIDATES_PER_INDEX of each, read through the tenant's
 * view of the search documents (through the table, row-level security keeps @@, %, @> out of the
 * index condition), and are ranked as read: each index's rows are read from the table anyway,
 * and reading them again by key would be planned for every partition of the table (the tenant's
 * partition is known only when the statement runs), which made the planner read the whole
 * partition instead.
 */
function searchStatement(kysely: Kysely<Database>, values: SearchValues, shape: SearchShape) {
  const codes = sql<string[]>`${values.codes}::text[]`;
  const prefix = sql`to_tsquery('simple', ${values.prefix})`;
  const owned = shape.owned
    .split(',')
    .filter(Boolean)
    .map((type) => ({ type, ownerIds: type === 'deal' ? values.dealOwners : values.leadOwners }));
  // One index's candidates of the types asked for that the caller may see, scored, the first of
  // them counted by row_number(): its bound stops the scan once reached, as a limit would, but
  // leaves the plan as for all matches (with a limit, the planner reads a common prefix's first
  // matches by scanning the table from its start, through the tenants before this one).
  const candidates = (match: Expression<SqlBool>) =>
    kysely
      .selectFrom((from) =>
        from
          .selectFrom('search_document_in_tenant as c')
          .select(({ ref }) => [
            'c.record_type',
            'c.record_id',
            'c.title',
            'c.subtitle',
            sql<number>`(case when ${ref('c.body')} @@ ${prefix} then 1.0 else 0 end)
            + similarity(${ref('c.normalized')}, ${values.folded})
            + (case when ${ref('c.phonetic')} @> ${codes} and cardinality(${codes}) > 0 then 0.5 else 0 end)
            + ts_rank(${ref('c.body')}, ${prefix})`.as('score'),
            sql<number>`row_number() over ()`.as('n'),
          ])
          .where(match)
          .$if(shape.types, (q) => q.where('c.record_type', '=', sql<string>`any(${values.types}::text[])`))
          .where(({ ref, or, and }) =>
            and(
              owned.map((scope) =>
                or([
                  sql<SqlBool>`${ref('c.record_type')} <> ${scope.type}`,
                  sql<SqlBool>`${ref('c.owner_id')} = any(${scope.ownerIds}::uuid[])`,
                ]),
              ),
            ),
          )
          .as('x'),
      )
      .select(['x.record_type', 'x.record_id', 'x.title', 'x.subtitle', 'x.score'])
      .where('x.n', '<=', SEARCH_CANDIDATES_PER_INDEX);
  const worded = candidates(sql<SqlBool>`c.body @@ ${prefix}`);
  // A document found only by its spelling scores below 1, every one found by its words above 1:
  // when the words find a page of documents, spellings cannot make it onto the page and are not
  // looked for (for a common name, the trigram index lists most of the tenant: 80,000 documents
  // for "Anna Sch" at 100,000 persons). The condition is the statement's own: the planner checks
  // it once, before the spelling leg would run. Spellings are compared by word similarity (`<%`,
  // from SEARCH_SPELLING_MIN): the query against the words of a name that fit it best, so
  // "Schmirt" finds "Hans Schmidt". Against the whole name (`%`), a single word shares too few
  // trigrams to pass, yet the index listed 66,256 documents at 100,000 persons to recheck for
  // "Schmdit" (190 ms; 11 ms by word similarity).
  const spelt = candidates(sql<SqlBool>`${values.folded} <% c.normalized`).where(
    sql<SqlBool>`(select count(*) from worded) < ${values.limit}`,
  );
  const sounding = candidates(sql<SqlBool>`c.phonetic @> ${codes}`);
  return kysely
    .with('worded', () => worded)
    .with('candidates', (w) => {
      const all = w.selectFrom('worded').select(['record_type', 'record_id', 'title', 'subtitle', 'score']);
      const withSpelling = shape.spelling ? all.unionAll(spelt) : all;
      return shape.sound ? withSpelling.unionAll(sounding) : withSpelling;
    })
    .selectFrom((from) =>
      from
        .selectFrom('candidates as m')
        // A document found through several indexes once.
        .distinctOn(['m.record_type', 'm.record_id'])
        .select(['m.record_type', 'm.record_id', 'm.title', 'm.subtitle', 'm.score'])
        .orderBy('m.record_type')
        .orderBy('m.record_id')
        .as('d'),
    )
    .select(['d.record_type', 'd.record_id', 'd.title', 'd.subtitle', 'd.score'])
    .orderBy('d.score', 'desc')
    .orderBy('d.title')
    .limit(values.limit);
}

/** The search statement with its values, on `kysely` (for reading its plan). */
export function searchQuery(kysely: Kysely<Database>, options: SearchOptions) {
  const { values, shape } = searchOf(options);
  return searchStatement(kysely, values, shape);
}

/** The search statement, compiled once per shape and prepared: it runs for every keystroke in the search box. */
const searchRows = statementShapes([...SEARCH_VALUES], (values: SearchValues, shape: SearchShape) =>
  searchStatement(compileOnly, values, shape),
);

export async function search(em: EntityManager, options: SearchOptions): Promise<SearchHit[]> {
  const words = wordsOf(options.q);
  if (words.length === 0) return [];
  const { values, shape } = searchOf(options);
  const rows = shape.spelling
    ? await withTrigramThreshold(em, 'word_similarity', SEARCH_SPELLING_MIN, () => searchRows(em, shape, values))
    : await searchRows(em, shape, values);
  const hits: SearchHit[] = rows.map((row) => ({
    type: row.record_type,
    id: row.record_id,
    title: row.title,
    subtitle: row.subtitle,
    score: Math.round(Number(row.score) * 1000) / 1000,
    highlight: highlight(row.title, words),
  }));
  const found = new Map<string, Map<string, SearchHitRecord[]>>();
  for (const [type, context] of wired().searchContexts) {
    const ids = hits.filter((hit) => hit.type === type).map((hit) => hit.id);
    if (ids.length > 0) found.set(type, await context(em, ids));
  }
  return hits.flatMap((hit) => {
    const records = found.get(hit.type);
    if (!records) return [hit];
    const on = records.get(hit.id) ?? [];
    return on.length > 0 ? [{ ...hit, records: on }] : [];
  });
}
