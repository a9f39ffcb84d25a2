// Normalization, Kölner Phonetik and scoring for the duplicate check and global search. Pure and
// deterministic, so the values written to search_document equal what a draft is compared with.

// ---------------------------------------------------------------------------------------------
// Folding
// ---------------------------------------------------------------------------------------------

/** Letters that Unicode does not decompose into a base letter plus a mark. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ł: 'l',
  đ: 'd',
  ð: 'd',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  þ: 'th',
  ı: 'i',
  ŀ: 'l',
  ħ: 'h',
  ŧ: 't',
  ĸ: 'k',
  ŋ: 'n',
};

const GERMAN_UMLAUTS = /[äöüß]/g;
const GERMAN_FOLDING: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };
const COMBINING_MARKS = /\p{M}+/gu;
const SPECIAL_LETTER_PATTERN = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'g');
const NON_ALPHANUMERIC_RUNS = /[^\p{L}\p{N}]+/gu;
const NON_ASCII = /[\u0080-\uffff]/;
const ASCII_NON_ALPHANUMERIC_RUNS = /[^a-z0-9]+/g;

/** Lower-case, umlauts folded (ä→ae, ö→oe, ü→ue, ß→ss), other diacritics stripped (é→e, ł→l), punctuation to spaces, whitespace collapsed, trimmed. Used for trigram similarity and prefix search. */
export function foldText(text: string): string {
  let folded = text.toLowerCase();
  if (NON_ASCII.test(folded)) {
    // NFC first, so a decomposed "u + ¨" folds to "ue" like a precomposed "ü".
    folded = folded
      .normalize('NFC')
      .replace(GERMAN_UMLAUTS, (letter) => GERMAN_FOLDING[letter] ?? letter)
      .normalize('NFD')
      .replace(COMBINING_MARKS, '')
      .replace(SPECIAL_LETTER_PATTERN, (letter) => SPECIAL_LETTERS[letter] ?? letter)
      .replace(NON_ALPHANUMERIC_RUNS, ' ');
  } else {
    folded = folded.replace(ASCII_NON_ALPHANUMERIC_RUNS, ' ');
  }
  return folded.trim();
}

// ---------------------------------------------------------------------------------------------
// Word sequences that are not part of a name: legal forms, titles, salutations
// ---------------------------------------------------------------------------------------------

/** Sequences of folded words, indexed by their first word, longest first. */
type SequenceTable = ReadonlyMap<string, readonly (readonly string[])[]>;

function sequenceTable(sequences: readonly string[]): SequenceTable {
  const table = new Map<string, string[][]>();
  for (const sequence of sequences) {
    const words = sequence.split(' ');
    const first = words[0] as string;
    const entries = table.get(first) ?? [];
    entries.push(words);
    table.set(first, entries);
  }
  for (const entries of table.values()) entries.sort((a, b) => b.length - a.length);
  return table;
}

/** Length of the longest sequence of the table starting at tokens[start], 0 when none does. */
function sequenceAt(table: SequenceTable, tokens: readonly string[], start: number): number {
  const candidates = table.get(tokens[start] as string);
  if (!candidates) return 0;
  for (const sequence of candidates) {
    if (start + sequence.length > tokens.length) continue;
    let matches = true;
    for (let offset = 1; offset < sequence.length; offset++) {
      if (tokens[start + offset] !== sequence[offset]) {
        matches = false;
        break;
      }
    }
    if (matches) return sequence.length;
  }
  return 0;
}

// Legal forms as folded words ("e.V." folds to "e v", "& Co." to "co"). Single letters only ever
// count inside a sequence, so "Haus E" keeps its "e". Foreign forms are limited to those that are
// not ordinary words ("Spa", "AS" and "AB" stay). With them the words that join names, as "&"
// does, which folds away: "Köhler und Walther" is "Köhler & Walther".
const LEGAL_FORMS = sequenceTable([
  'gmbh',
  'ggmbh',
  'mbh',
  'gesmbh',
  'ges mbh',
  'ges m b h',
  'g m b h',
  'm b h',
  'ag',
  'gag',
  'a g',
  'kg',
  'k g',
  'kgaa',
  'ohg',
  'o h g',
  'ug',
  'ug haftungsbeschraenkt',
  'haftungsbeschraenkt',
  'se',
  'eg',
  'e g',
  'ev',
  'e v',
  'ek',
  'e k',
  'e kfm',
  'e kfr',
  'gbr',
  'partg',
  'partgmbb',
  'mbb',
  'co',
  'cie',
  'und co',
  'u co',
  'und',
  'and',
  'ltd',
  'limited',
  'inc',
  'llc',
  'corp',
  'plc',
  'sarl',
  's a r l',
  's a',
  's a s',
  'bv',
  'b v',
  'nv',
  'n v',
  'srl',
  's r l',
  's p a',
]);

// "SchmittGmbH": a legal form glued to a word, recognizable only by its capitals.
const GLUED_LEGAL_FORM = /(?<=\p{L})(\p{Ll})(gGmbH|GmbH|mbH|KGaA|OHG|AG|KG|UG)(?=$|[^\p{L}\p{N}])/gu;

const unglueLegalForms = (name: string) => name.replace(GLUED_LEGAL_FORM, '$1 $2');

// Titles and salutations anywhere in a person's name.
const PERSON_PREFIXES = sequenceTable([
  'herr',
  'herrn',
  'hr',
  'frau',
  'fr',
  'mr',
  'mrs',
  'ms',
  'dr',
  'dres',
  'prof',
  'dipl',
  'mag',
  'maga',
  'ing',
  'dkfm',
  'univ',
  'priv',
  'doz',
  'mba',
  'msc',
  'bsc',
  'phd',
  'llm',
  'm sc',
  'b sc',
  'ph d',
  'll m',
]);

// Titles that open a qualifier ("Dr. med.", "Dipl.-Ing.", "Dr. h.c."); the qualifiers count as
// title words only right after one, so "Phil Collins" keeps his name.
const TITLE_OPENERS = new Set(['dr', 'dres', 'prof', 'dipl', 'mag', 'maga', 'ing', 'univ', 'priv', 'doz']);
const TITLE_QUALIFIERS = sequenceTable([
  'med',
  'dent',
  'vet',
  'phil',
  'jur',
  'iur',
  'rer',
  'nat',
  'pol',
  'oec',
  'soc',
  'techn',
  'theol',
  'pharm',
  'agr',
  'habil',
  'mult',
  'sc',
  'h c',
  'e h',
  'kfm',
  'kff',
  'kffr',
  'kauffr',
  'oek',
  'inf',
  'phys',
  'chem',
  'math',
  'psych',
  'paed',
  'biol',
  'vw',
  'bw',
  'betriebsw',
  'volksw',
  'wirt',
  'wirtsch',
  'arch',
  'des',
  'fh',
]);

/** Indices of the tokens that belong to the name proper. */
function keptTokens(tokens: readonly string[], kind: 'person' | 'organization'): number[] {
  const kept: number[] = [];
  let afterTitle = false;
  for (let index = 0; index < tokens.length; ) {
    if (kind === 'organization') {
      const skip = sequenceAt(LEGAL_FORMS, tokens, index);
      if (skip > 0) {
        index += skip;
        continue;
      }
    } else {
      const prefix = sequenceAt(PERSON_PREFIXES, tokens, index);
      if (prefix > 0) {
        afterTitle = TITLE_OPENERS.has(tokens[index] as string);
        index += prefix;
        continue;
      }
      const qualifier = afterTitle ? sequenceAt(TITLE_QUALIFIERS, tokens, index) : 0;
      if (qualifier > 0) {
        index += qualifier;
        continue;
      }
      afterTitle = false;
    }
    kept.push(index);
    index++;
  }
  return kept;
}

function withoutNonNameWords(folded: string, kind: 'person' | 'organization'): string {
  if (folded === '') return folded;
  const tokens = folded.split(' ');
  const kept = keptTokens(tokens, kind);
  if (kept.length === tokens.length) return folded;
  // A name made only of such words ("AG") still has to match itself.
  if (kept.length === 0) return folded;
  return kept.map((index) => tokens[index]).join(' ');
}

/** foldText, then legal-form words removed (see above; also when glued like "Schmitt-GmbH"), so "Bäckerei Schmitt GmbH" → "baeckerei schmitt". */
export function normalizeCompanyName(name: string): string {
  return withoutNonNameWords(foldText(unglueLegalForms(name)), 'organization');
}

/** foldText of "first last" for persons, with academic titles (Dr., Prof., Dipl.-Ing. …) and salutations (Herr, Frau) removed. */
export function normalizePersonName(firstName: string | null | undefined, lastName: string | null | undefined): string {
  return withoutNonNameWords(foldText(`${firstName ?? ''} ${lastName ?? ''}`), 'person');
}

// ---------------------------------------------------------------------------------------------
// Kölner Phonetik
// ---------------------------------------------------------------------------------------------
//
// Own implementation: neither npm library is correct against the published examples (Postel 1969,
// the German Wikipedia article and Apache Commons Codec's test corpus). cologne-phonetic 1.1.1
// codes a final C as 4 ("Lac" → 54, should be 58), "CX" as 8 (should be 48) and drops letters
// such as "Ł"; talisman 1.1.4 drops the leading 0 of words starting with H ("Hoffmann" → 366,
// should be 0366; "Hamburg" → 6174, should be 06174).
//
// H has no code and is dropped before equal neighbours are merged (as in the article's
// "Müller-Lüdenscheidt" → 60550750206880022 → 6050750206802 → 65752682), but it still counts
// as a neighbour for C ("CH" → 4).

const PHONETIC_UMLAUTS: Readonly<Record<string, string>> = { ä: 'a', ö: 'o', ü: 'u', ß: 'ss' };
const NOT_A_TO_Z = /[^a-z]+/g;

/** Lower-case a–z letters of a word, umlauts and diacritics reduced to their base letter. */
function phoneticLetters(word: string): string {
  let letters = word.toLowerCase();
  if (NON_ASCII.test(letters)) {
    letters = letters
      .normalize('NFC')
      .replace(GERMAN_UMLAUTS, (letter) => PHONETIC_UMLAUTS[letter] ?? letter)
      .normalize('NFD')
      .replace(COMBINING_MARKS, '')
      .replace(SPECIAL_LETTER_PATTERN, (letter) => SPECIAL_LETTERS[letter] ?? letter);
  }
  return letters.replace(NOT_A_TO_Z, '');
}

/** Kölner Phonetik code of one word (on the unfolded word: the algorithm handles ä/ö/ü/ß itself; make sure "Müller" and "Mueller" get the same code, and "Meier","Mayer","Maier","Meyer" the same, "Schmidt","Schmitt","Schmid" the same). */
export function colognePhonetic(word: string): string {
  const letters = phoneticLetters(word);
  let code = '';
  let last = '';
  const emit = (digit: string) => {
    if (digit === last) return;
    last = digit;
    // Zeros only mark vowels between consonants; only a leading one stays.
    if (digit === '0' && code !== '') return;
    code += digit;
  };
  for (let index = 0; index < letters.length; index++) {
    const letter = letters.charAt(index);
    const previous = letters.charAt(index - 1);
    const next = letters.charAt(index + 1);
    switch (letter) {
      case 'a':
      case 'e':
      case 'i':
      case 'j':
      case 'o':
      case 'u':
      case 'y':
        emit('0');
        break;
      case 'h':
        break;
      case 'b':
        emit('1');
        break;
      case 'p':
        emit(next === 'h' ? '3' : '1');
        break;
      case 'd':
      case 't':
        emit(next === 'c' || next === 's' || next === 'z' ? '8' : '2');
        break;
      case 'f':
      case 'v':
      case 'w':
        emit('3');
        break;
      case 'g':
      case 'k':
      case 'q':
        emit('4');
        break;
      case 'c':
        if (index === 0) emit(next !== '' && 'ahkloqrux'.includes(next) ? '4' : '8');
        else if (previous === 's' || previous === 'z') emit('8');
        else emit(next !== '' && 'ahkoqux'.includes(next) ? '4' : '8');
        break;
      case 'x':
        if (previous === 'c' || previous === 'k' || previous === 'q') emit('8');
        else {
          emit('4');
          emit('8');
        }
        break;
      case 'l':
        emit('5');
        break;
      case 'm':
      case 'n':
        emit('6');
        break;
      case 'r':
        emit('7');
        break;
      case 's':
      case 'z':
        emit('8');
        break;
    }
  }
  return code;
}

const WORD_SEPARATORS = /[^\p{L}\p{N}\p{M}]+/u;

/** The distinct phonetic codes of every word of a name (hyphenated parts separately: "Müller-Lüdenscheidt" → codes of "Müller" and "Lüdenscheidt"), legal forms and titles excluded, empty codes dropped, sorted. */
export function phoneticCodes(text: string, kind: 'person' | 'organization'): string[] {
  const source = kind === 'organization' ? unglueLegalForms(text) : text;
  const words = source.split(WORD_SEPARATORS).filter((word) => word !== '');
  // Legal forms and titles are recognized on the folded words; every raw word folds to one token.
  const tokens = words.map((word) => foldText(word));
  const codes = new Set<string>();
  for (const index of keptTokens(tokens, kind)) {
    const code = colognePhonetic(words[index] as string);
    if (code !== '') codes.add(code);
  }
  return [...codes].sort();
}

// ---------------------------------------------------------------------------------------------
// Email, VAT id, postal code
// ---------------------------------------------------------------------------------------------

const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)*\.[\p{L}\p{N}-]{2,}$/u;
const MAX_EMAIL_LENGTH = 254;

/** Normalizes an email: trimmed, lower-cased; returns null when not a plausible address (one @, a dot in the domain, no spaces). */
export function normalizeEmail(address: string): string | null {
  const email = address.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || !PLAUSIBLE_EMAIL.test(email)) return null;
  return email;
}

// The number after the country prefix, by prefix (formats as checked by the EU's VIES, plus
// Switzerland's UID and the United Kingdom). Only the format is checked, no check digits.
const VAT_NUMBER_FORMATS: Readonly<Record<string, RegExp>> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CH: /^E\d{9}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^(?=.*[A-Z])[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[0-9A-HJ-NP-Z]{2}\d{9}$/,
  GB: /^(?:\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2})$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(?:\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(?:\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^[1-9]\d{1,9}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  XI: /^(?:\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2})$/,
};

/** The ISO country of a VAT prefix where the two differ (Greece uses EL, Northern Ireland XI). */
const VAT_PREFIX_COUNTRY: Readonly<Record<string, string>> = { EL: 'GR', XI: 'GB' };
/** ISO country codes people type instead of the VAT prefix. */
const VAT_COUNTRY_PREFIX: Readonly<Record<string, string>> = { GR: 'EL' };

const VAT_SEPARATORS = /[\s.\-/_]+/g;
const SWISS_VAT_SUFFIX = /(?:MWST|TVA|IVA)$/;

/** A VAT id normalized (upper-case, no spaces/dots/dashes) and validated by its country's format (EU VAT formats incl. DE9 digits, AT U+8, CH CHE-123.456.789 MWST/TVA/IVA forms normalized to CHE123456789, plus GB); returns { value, country } or null when invalid. */
export function normalizeVatId(input: string): { value: string; country: string } | null {
  let compact = input.toUpperCase().replace(VAT_SEPARATORS, '');
  if (compact.length < 4) return null;
  let prefix = compact.slice(0, 2);
  prefix = VAT_COUNTRY_PREFIX[prefix] ?? prefix;
  let number = compact.slice(2);
  if (prefix === 'CH') number = number.replace(SWISS_VAT_SUFFIX, '');
  // Belgian numbers were nine digits before 2007 and are still written so.
  if (prefix === 'BE' && /^\d{9}$/.test(number)) number = `0${number}`;
  const format = VAT_NUMBER_FORMATS[prefix];
  if (!format?.test(number)) return null;
  compact = prefix + number;
  return { value: compact, country: VAT_PREFIX_COUNTRY[prefix] ?? prefix };
}

const POSTAL_CODE_FORMATS: Readonly<Record<string, RegExp>> = {
  DE: /^\d{5}$/,
  AT: /^[1-9]\d{3}$/,
  CH: /^[1-9]\d{3}$/,
  LI: /^94\d{2}$/,
  LU: /^\d{4}$/,
  BE: /^[1-9]\d{3}$/,
  DK: /^\d{4}$/,
  NL: /^[1-9]\d{3} ?[A-Z]{2}$/i,
  FR: /^\d{5}$/,
  IT: /^\d{5}$/,
  ES: /^(?:0[1-9]|[1-4]\d|5[0-2])\d{3}$/,
  GB: /^(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|GIR ?0AA)$/i,
  PL: /^\d{2}-\d{3}$/,
};
const ANY_POSTAL_CODE = /^(?=.*[\p{L}\p{N}])[\p{L}\p{N} -]{2,10}$/u;

/** Postal code check for a country (DE 5 digits, AT/CH/LI/LU/BE/DK 4 digits, NL "1234 AB", FR/IT/ES 5 digits, GB outward+inward, PL "12-345"; unknown countries: any 2–10 characters of letters, digits, space, dash). */
export function isValidPostalCode(country: string, postalCode: string): boolean {
  const format = POSTAL_CODE_FORMATS[country.trim().toUpperCase()] ?? ANY_POSTAL_CODE;
  return format.test(postalCode.trim());
}

// ---------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------

export interface MatchSignals {
  sameEmail: boolean;
  samePhone: boolean;
  sameVatId: boolean;
  samePostalCode: boolean;
  /** 0..1: shared codes / codes of the shorter name. */
  phoneticOverlap: number;
  /** 0..1 from pg_trgm on the normalized names. */
  trigramSimilarity: number;
}

export type MatchReason =
  | 'same_email'
  | 'same_phone'
  | 'same_vat_id'
  | 'same_sound'
  | 'similar_spelling'
  | 'same_postal_code';

// Weights. Each signal is independent evidence; they combine as a noisy-or,
// score = 1 − Π(1 − evidence), so evidence only adds and the score stays below 1.
//   VAT id 0.97, email 0.95, phone 0.9: one of them decides on its own (≥ 0.9).
//   Name: 0.55 × phonetic overlap + 0.3 × trigram similarity, so at most 0.85 for the very same
//     name (two people can share one). Sound alone (0.55) or spelling alone (0.3) stays below
//     LIKELY_DUPLICATE; together they pass it from a trigram similarity of about 0.17
//     ("Meier" / "Meyer": 0.55 + 0.3 × 0.33 = 0.65).
//   Same postal code 0.1: only ever adds, never decides.
// Two companies that share only a legal form have no shared code (legal forms have none) and at
// most the trigrams of the legal form: 0.3 × similarity < 0.5.
const VAT_ID_WEIGHT = 0.97;
const EMAIL_WEIGHT = 0.95;
const PHONE_WEIGHT = 0.9;
const SOUND_WEIGHT = 0.55;
const SPELLING_WEIGHT = 0.3;
const POSTAL_CODE_WEIGHT = 0.1;
/** Sounds alike when most of the shorter name's codes are shared (not just a common first name). */
const SAME_SOUND_MIN_OVERLAP = 2 / 3;
/** pg_trgm's own default similarity threshold. */
const SIMILAR_SPELLING_MIN = 0.3;

/** Threshold above which create/update warn (409). */
export const LIKELY_DUPLICATE: number = 0.6;

const unit = (value: number) => (Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0);

/** Score 0..1 and the reasons, strongest first. Email/phone/VAT nearly decide alone (≥ 0.9); sound + spelling together are strong (≈0.7–0.85); postal code only adds; a name that merely shares a legal form must stay below 0.5. */
export function scoreMatch(signals: MatchSignals): { score: number; reasons: MatchReason[] } {
  const sound = SOUND_WEIGHT * unit(signals.phoneticOverlap);
  const spelling = SPELLING_WEIGHT * unit(signals.trigramSimilarity);
  const evidence: { reason: MatchReason; weight: number; shown: boolean }[] = [
    { reason: 'same_vat_id', weight: signals.sameVatId ? VAT_ID_WEIGHT : 0, shown: signals.sameVatId },
    { reason: 'same_email', weight: signals.sameEmail ? EMAIL_WEIGHT : 0, shown: signals.sameEmail },
    { reason: 'same_phone', weight: signals.samePhone ? PHONE_WEIGHT : 0, shown: signals.samePhone },
    { reason: 'same_sound', weight: sound, shown: unit(signals.phoneticOverlap) >= SAME_SOUND_MIN_OVERLAP },
    {
      reason: 'similar_spelling',
      weight: spelling,
      shown: unit(signals.trigramSimilarity) >= SIMILAR_SPELLING_MIN,
    },
    {
      reason: 'same_postal_code',
      weight: signals.samePostalCode ? POSTAL_CODE_WEIGHT : 0,
      shown: signals.samePostalCode,
    },
  ];
  const name = sound + spelling;
  let unexplained = 1 - name;
  for (const { reason, weight } of evidence) {
    if (reason !== 'same_sound' && reason !== 'similar_spelling') unexplained *= 1 - weight;
  }
  // Stable sort: equal weights keep the order above.
  const reasons = evidence
    .filter((item) => item.shown)
    .sort((a, b) => b.weight - a.weight)
    .map((item) => item.reason);
  // Rounded so equal inputs give equal scores whatever the order of the floating-point steps.
  return { score: Math.round((1 - unexplained) * 1e6) / 1e6, reasons };
}
