import { describe, expect, it } from '@jest/globals';
import {
  colognePhonetic,
  foldText,
  isValidPostalCode,
  LIKELY_DUPLICATE,
  type MatchSignals,
  normalizeCompanyName,
  normalizeEmail,
  normalizePersonName,
  normalizeVatId,
  phoneticCodes,
  scoreMatch,
} from '../matching.ts';

// pg_trgm as PostgreSQL computes it: every run of alphanumerics is a word, lower-cased and padded
// with two spaces before and one after; similarity = shared trigrams / all distinct trigrams.
function trigrams(text: string): Set<string> {
  const set = new Set<string>();
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (word === '') continue;
    const padded = Array.from(`  ${word} `);
    for (let index = 0; index + 3 <= padded.length; index++) set.add(padded.slice(index, index + 3).join(''));
  }
  return set;
}

function similarity(a: string, b: string): number {
  const left = trigrams(a);
  const right = trigrams(b);
  const shared = [...left].filter((trigram) => right.has(trigram)).length;
  const union = left.size + right.size - shared;
  return union === 0 ? 0 : shared / union;
}

/** The signals the duplicate check computes for two names and nothing else in common. */
function nameSignals(kind: 'person' | 'organization', a: string, b: string): MatchSignals {
  const normalize = kind === 'person' ? (name: string) => normalizePersonName(null, name) : normalizeCompanyName;
  const mine = new Set(phoneticCodes(a, kind));
  const theirs = new Set(phoneticCodes(b, kind));
  const shared = [...mine].filter((code) => theirs.has(code)).length;
  const shorter = Math.min(mine.size, theirs.size);
  return {
    sameEmail: false,
    samePhone: false,
    sameVatId: false,
    samePostalCode: false,
    phoneticOverlap: shorter === 0 ? 0 : shared / shorter,
    trigramSimilarity: similarity(normalize(a), normalize(b)),
  };
}

const NOTHING_IN_COMMON: MatchSignals = {
  sameEmail: false,
  samePhone: false,
  sameVatId: false,
  samePostalCode: false,
  phoneticOverlap: 0,
  trigramSimilarity: 0,
};

describe('pg_trgm re-implementation used by these tests', () => {
  it('extracts the trigrams PostgreSQL documents for "word"', () => {
    expect([...trigrams('word')].sort()).toEqual(['  w', ' wo', 'ord', 'rd ', 'wor']);
  });

  it('scores partly shared words as shared / union', () => {
    expect(similarity('word', 'two words')).toBeCloseTo(4 / 11, 6);
    expect(similarity('Word', 'word')).toBe(1);
  });
});

describe('colognePhonetic', () => {
  it('gives Meier, Mayer, Maier, Meyer, Mair, Mejer the same code', () => {
    const codes = ['Meier', 'Mayer', 'Maier', 'Meyer', 'Mair', 'Mejer'].map(colognePhonetic);
    expect(new Set(codes)).toEqual(new Set(['67']));
  });

  it('gives Schmidt, Schmitt, Schmid the same code', () => {
    expect(['Schmidt', 'Schmitt', 'Schmid'].map(colognePhonetic)).toEqual(['862', '862', '862']);
  });

  it('gives Müller and Mueller the same code, upper or lower case', () => {
    expect(colognePhonetic('Müller')).toBe('657');
    expect(colognePhonetic('Mueller')).toBe('657');
    expect(colognePhonetic('MÜLLER')).toBe('657');
  });

  it('treats ß like ss and a decomposed umlaut like a composed one', () => {
    expect(colognePhonetic('Strauß')).toBe(colognePhonetic('Strauss'));
    expect(colognePhonetic('Mu\u0308ller')).toBe(colognePhonetic('Müller'));
  });

  it.each([
    ['Müller-Lüdenscheidt', '65752682'],
    ['Wikipedia', '3412'],
    ['Breschnew', '17863'],
    ['bergisch-gladbach', '174845214'],
    ['mönchengladbach', '664645214'],
    ['Xanthippe', '48621'],
    ['christstollen', '478256'],
    ['Zacharias', '8478'],
    ['Arbeitsamt', '071862'],
    ['Eberhardt', '01772'],
    ['deutsch', '28'],
    ['pharma', '376'],
    ['Aychlmajr', '04567'],
  ])('codes %s as %s, as published', (word, code) => {
    expect(colognePhonetic(word)).toBe(code);
  });

  it('keeps the leading zero of words starting with H (Hoffmann, Hamburg)', () => {
    expect(colognePhonetic('Hoffmann')).toBe('0366');
    expect(colognePhonetic('Hamburg')).toBe('06174');
    expect(colognePhonetic('heithabu')).toBe('021');
  });

  it('codes a final C as 8 and CX as 48', () => {
    expect(colognePhonetic('Lac')).toBe('58');
    expect(colognePhonetic('cx')).toBe('48');
  });

  it('codes foreign letters by their base letter', () => {
    expect(colognePhonetic('Łukasz')).toBe(colognePhonetic('Lukasz'));
    expect(colognePhonetic('René')).toBe(colognePhonetic('Rene'));
  });

  it('gives an empty code to words without letters', () => {
    expect(colognePhonetic('')).toBe('');
    expect(colognePhonetic('123')).toBe('');
    expect(colognePhonetic('h')).toBe('');
  });
});

describe('phoneticCodes', () => {
  it('codes hyphenated parts separately, distinct and sorted', () => {
    expect(phoneticCodes('Hans Müller-Lüdenscheidt Müller', 'person')).toEqual(
      [colognePhonetic('Hans'), colognePhonetic('Müller'), colognePhonetic('Lüdenscheidt')].sort(),
    );
  });

  it('leaves out legal forms of companies, also glued to the name', () => {
    expect(phoneticCodes('Bäckerei Schmitt GmbH & Co. KG', 'organization')).toEqual(['147', '862']);
    expect(phoneticCodes('Schmitt-GmbH', 'organization')).toEqual(['862']);
    expect(phoneticCodes('SchmittGmbH', 'organization')).toEqual(['862']);
    expect(phoneticCodes('Sportverein e.V.', 'organization')).toEqual([colognePhonetic('Sportverein')]);
    expect(phoneticCodes('Muster UG (haftungsbeschränkt)', 'organization')).toEqual([colognePhonetic('Muster')]);
  });

  it('leaves out titles and salutations of persons', () => {
    expect(phoneticCodes('Herr Prof. Dr. med. Jörg Meier', 'person')).toEqual(['074', '67']);
    expect(phoneticCodes('Frau Dipl.-Ing. Anna Schmidt', 'person')).toEqual(['06', '862']);
  });

  it('drops words without a code', () => {
    expect(phoneticCodes('4711 Parfümerie', 'organization')).toEqual([colognePhonetic('Parfümerie')]);
    expect(phoneticCodes('', 'person')).toEqual([]);
  });
});

describe('foldText', () => {
  it('folds umlauts and ß the German way', () => {
    expect(foldText('Größe Äpfel Übermaß')).toBe('groesse aepfel uebermass');
    expect(foldText('Mu\u0308ller')).toBe('mueller');
  });

  it('strips other diacritics', () => {
    expect(foldText('Café Noël Łódź Søren Ångström Çelik')).toBe('cafe noel lodz soren angstroem celik');
  });

  it('turns punctuation into single spaces and trims', () => {
    expect(foldText('  Müller-Lüdenscheidt,  Meier & Co.\t(Köln)  ')).toBe('mueller luedenscheidt meier co koeln');
    expect(foldText('...')).toBe('');
  });
});

describe('normalizeCompanyName', () => {
  it('removes the legal form', () => {
    expect(normalizeCompanyName('Bäckerei Schmitt GmbH')).toBe('baeckerei schmitt');
  });

  it.each([
    ['Müller GmbH & Co. KG', 'mueller'],
    ['Müller AG', 'mueller'],
    ['Müller e.V.', 'mueller'],
    ['Müller KG', 'mueller'],
    ['Müller OHG', 'mueller'],
    ['Müller UG (haftungsbeschränkt)', 'mueller'],
    ['Müller Verwaltungs mbH', 'mueller verwaltungs'],
    ['Müller Ltd.', 'mueller'],
    ['Müller Inc.', 'mueller'],
    ['Müller SE', 'mueller'],
    ['Müller KGaA', 'mueller'],
    ['Müller eG', 'mueller'],
    ['Lebenshilfe gGmbH', 'lebenshilfe'],
    ['Müller & Co', 'mueller'],
    ['Schmitt-GmbH', 'schmitt'],
    ['SchmittGmbH', 'schmitt'],
    ['Müller Ges.m.b.H.', 'mueller'],
    ['Köhler & Walther Steuerberater', 'koehler walther steuerberater'],
    ['Köhler und Walther Steuerberater', 'koehler walther steuerberater'],
  ])('normalizes "%s" to "%s"', (name, normalized) => {
    expect(normalizeCompanyName(name)).toBe(normalized);
  });

  it('hears "Köhler und Walther" as "Köhler & Walther"', () => {
    expect(phoneticCodes('Köhler und Walther', 'organization')).toEqual(
      phoneticCodes('Köhler & Walther', 'organization'),
    );
  });

  it('keeps single letters that are not part of a legal form', () => {
    expect(normalizeCompanyName('Haus E')).toBe('haus e');
  });

  it('keeps a name that is nothing but a legal form, so it still matches itself', () => {
    expect(normalizeCompanyName('AG')).toBe('ag');
  });
});

describe('normalizePersonName', () => {
  it('joins first and last name, folded', () => {
    expect(normalizePersonName('Jörg', 'Groß')).toBe('joerg gross');
    expect(normalizePersonName(null, 'Meyer')).toBe('meyer');
    expect(normalizePersonName('Anna', undefined)).toBe('anna');
  });

  it('removes academic titles and salutations', () => {
    expect(normalizePersonName('Herr Prof. Dr. med. Hans', 'Müller')).toBe('hans mueller');
    expect(normalizePersonName('Frau Dipl.-Ing. Anna', 'Schmidt')).toBe('anna schmidt');
    expect(normalizePersonName('Dr. h.c. mult. Karl', 'Lagerfeld')).toBe('karl lagerfeld');
    expect(normalizePersonName('Mag. Eva', 'Huber, MBA')).toBe('eva huber');
  });

  it('keeps names that only look like title qualifiers', () => {
    expect(normalizePersonName('Phil', 'Collins')).toBe('phil collins');
    expect(normalizePersonName('Med', 'Ing')).toBe('med');
  });
});

describe('scoreMatch', () => {
  it('flags "Anna Müller" and "Ana Müler" as a likely duplicate', () => {
    const { score, reasons } = scoreMatch(nameSignals('person', 'Anna Müller', 'Ana Müler'));
    expect(score).toBeGreaterThanOrEqual(LIKELY_DUPLICATE);
    expect(reasons).toEqual(['same_sound', 'similar_spelling']);
  });

  it('flags "Bäckerei Schmitt GmbH" and "Schmitt Bäckerei" as alike', () => {
    const { score } = scoreMatch(nameSignals('organization', 'Bäckerei Schmitt GmbH', 'Schmitt Bäckerei'));
    expect(score).toBeGreaterThanOrEqual(LIKELY_DUPLICATE);
    expect(score).toBeLessThanOrEqual(0.85);
  });

  it('flags "Meier AG" and "Meyer AG" as alike', () => {
    const { score } = scoreMatch(nameSignals('organization', 'Meier AG', 'Meyer AG'));
    expect(score).toBeGreaterThanOrEqual(LIKELY_DUPLICATE);
  });

  it('does not find "Müller GmbH" and "Schulz GmbH" alike, even on trigrams of the full names', () => {
    const signals = nameSignals('organization', 'Müller GmbH', 'Schulz GmbH');
    expect(scoreMatch(signals).score).toBeLessThan(0.5);
    const withLegalForm = { ...signals, trigramSimilarity: similarity('mueller gmbh', 'schulz gmbh') };
    expect(withLegalForm.trigramSimilarity).toBeGreaterThan(0);
    expect(scoreMatch(withLegalForm).score).toBeLessThan(0.5);
  });

  it('does not warn about two people who only share a first name, nor say they sound alike', () => {
    const { score, reasons } = scoreMatch(nameSignals('person', 'Anna Müller', 'Anna Schulz'));
    expect(score).toBeLessThan(LIKELY_DUPLICATE);
    expect(reasons).not.toContain('same_sound');
  });

  it('lets the same email, phone or VAT id decide on its own', () => {
    for (const signal of ['sameEmail', 'samePhone', 'sameVatId'] as const) {
      expect(scoreMatch({ ...NOTHING_IN_COMMON, [signal]: true }).score).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('lets a shared postal code only add to other evidence', () => {
    expect(scoreMatch({ ...NOTHING_IN_COMMON, samePostalCode: true }).score).toBeLessThan(0.35);
    const name = { ...NOTHING_IN_COMMON, phoneticOverlap: 1, trigramSimilarity: 0.2 };
    expect(scoreMatch({ ...name, samePostalCode: true }).score).toBeGreaterThan(scoreMatch(name).score);
  });

  it('names the reasons strongest first and stays within 0..1', () => {
    const { score, reasons } = scoreMatch({
      sameEmail: true,
      samePhone: true,
      sameVatId: true,
      samePostalCode: true,
      phoneticOverlap: 1,
      trigramSimilarity: 1,
    });
    expect(score).toBeLessThanOrEqual(1);
    expect(score).toBeGreaterThan(0.99);
    expect(reasons).toEqual([
      'same_vat_id',
      'same_email',
      'same_phone',
      'same_sound',
      'similar_spelling',
      'same_postal_code',
    ]);
  });

  it('scores nothing in common as 0 and ignores out-of-range inputs', () => {
    expect(scoreMatch(NOTHING_IN_COMMON)).toEqual({ score: 0, reasons: [] });
    const wild = scoreMatch({ ...NOTHING_IN_COMMON, phoneticOverlap: Number.NaN, trigramSimilarity: 7 });
    expect(wild.score).toBeCloseTo(0.3, 6);
  });
});

describe('normalizeVatId', () => {
  it.each([
    ['DE 123 456 789', 'DE123456789', 'DE'],
    ['de123456789', 'DE123456789', 'DE'],
    ['ATU12345678', 'ATU12345678', 'AT'],
    ['AT U 1234 5678', 'ATU12345678', 'AT'],
    ['CHE-123.456.789 MWST', 'CHE123456789', 'CH'],
    ['CHE-123.456.789 TVA', 'CHE123456789', 'CH'],
    ['CHE-123.456.789 IVA', 'CHE123456789', 'CH'],
    ['CHE123456789', 'CHE123456789', 'CH'],
    ['NL 1234.56.789.B01', 'NL123456789B01', 'NL'],
    ['FR 12 345678901', 'FR12345678901', 'FR'],
    ['FRAB345678901', 'FRAB345678901', 'FR'],
    ['IT 123 456 789 01', 'IT12345678901', 'IT'],
    ['GB 123 4567 89', 'GB123456789', 'GB'],
    ['GB123456789012', 'GB123456789012', 'GB'],
    ['GBGD123', 'GBGD123', 'GB'],
    ['EL123456789', 'EL123456789', 'GR'],
  ])('accepts %s as %s (%s)', (input, value, country) => {
    expect(normalizeVatId(input)).toEqual({ value, country });
  });

  it.each([
    ['DE12345678', 'DE with 8 digits'],
    ['DE1234567890', 'DE with 10 digits'],
    ['AT12345678', 'AT without the U'],
    ['ATU1234567', 'AT with 7 digits'],
    ['CHE-123.456.78 MWST', 'CH with 8 digits'],
    ['CH123456789', 'CH without the E'],
    ['NL123456789A01', 'NL without the B'],
    ['FRIO345678901', 'FR with I and O in the key'],
    ['FR1234567890', 'FR with 10 characters'],
    ['IT1234567890', 'IT with 10 digits'],
    ['GB12345678', 'GB with 8 digits'],
    ['XX123456789', 'an unknown country'],
    ['123456789', 'no country'],
    ['', 'nothing'],
  ])('rejects %s (%s)', (input) => {
    expect(normalizeVatId(input)).toBeNull();
  });
});

describe('isValidPostalCode', () => {
  it.each([
    ['DE', '10115'],
    ['DE', '01067'],
    ['AT', '1010'],
    ['CH', '8001'],
    ['LI', '9490'],
    ['LU', '1009'],
    ['BE', '1000'],
    ['DK', '2100'],
    ['NL', '1012 AB'],
    ['NL', '1012ab'],
    ['FR', '75001'],
    ['IT', '00184'],
    ['ES', '28001'],
    ['GB', 'SW1A 1AA'],
    ['GB', 'M1 1AE'],
    ['GB', 'EC1A1BB'],
    ['PL', '00-950'],
    ['de', ' 80331 '],
    ['US', '94105-1234'],
    ['JP', '100-0001'],
  ])('accepts %s %s', (country, postalCode) => {
    expect(isValidPostalCode(country, postalCode)).toBe(true);
  });

  it.each([
    ['DE', '1011'],
    ['DE', '101155'],
    ['DE', '1O115'],
    ['AT', '10101'],
    ['CH', '0800'],
    ['NL', '0123 AB'],
    ['NL', '1012'],
    ['FR', '7500'],
    ['ES', '53001'],
    ['GB', '12345'],
    ['PL', '00950'],
    ['US', '1'],
    ['JP', 'this is far too long'],
    ['JP', '#1234'],
    ['JP', '  '],
  ])('rejects %s %s', (country, postalCode) => {
    expect(isValidPostalCode(country, postalCode)).toBe(false);
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Anna.Mueller@Beispiel.DE ')).toBe('anna.mueller@beispiel.de');
    expect(normalizeEmail('info@bäckerei-schmitt.de')).toBe('info@bäckerei-schmitt.de');
  });

  it.each([
    ['no at sign', 'anna.beispiel.de'],
    ['two at signs', 'anna@mueller@beispiel.de'],
    ['no dot in the domain', 'anna@localhost'],
    ['a space inside', 'anna mueller@beispiel.de'],
    ['an empty local part', '@beispiel.de'],
    ['an empty domain label', 'anna@beispiel..de'],
    ['a one-letter top-level domain', 'anna@beispiel.d'],
    ['nothing', ''],
  ])('rejects an address with %s', (_what, address) => {
    expect(normalizeEmail(address)).toBeNull();
  });
});
