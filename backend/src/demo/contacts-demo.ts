// Demo and bench data for contacts: German-speaking organizations, persons and business contacts,
// generated deterministically from a seed, with planted duplicates whose originals are known,
// and written set-based (multi-row INSERTs, one transaction per batch) with their search
// documents and 'create' history rows.
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../http/tenancy.ts';
import { newId } from '../ids.ts';
import type { AddressValue, EmailValue, PhoneValue } from '../modules/contacts/contact.entity.ts';
import {
  businessContactDocument,
  businessContactSnapshot,
  organizationDocument,
  organizationSnapshot,
  personDocument,
  personSnapshot,
} from '../modules/contacts/contacts.service.ts';
import { foldText, normalizeCompanyName } from '../modules/contacts/matching.ts';
import { type SearchDocument, searchKeysOf } from '../records/search-index.ts';
import { db } from '../records/sql.ts';

// ---------------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------------

/** 128 bits of a string (cyrb128), to seed sfc32. */
function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

/** A small seeded PRNG (sfc32): the same seed gives the same sequence everywhere. */
class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: string) {
    [this.#a, this.#b, this.#c, this.#d] = hash128(seed);
    for (let i = 0; i < 15; i++) this.next();
  }

  /** 0 ≤ x < 1. */
  next(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  digits(count: number, firstNonZero = true): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(i === 0 && firstNonZero ? this.int(2, 9) : this.int(0, 9));
    return out;
  }
}

/** Picks from a list ordered most common first, with Zipf-like weights. */
class Weighted<T> {
  readonly #items: readonly T[];
  readonly #cumulative: Float64Array;

  constructor(items: readonly T[], exponent = 0.9) {
    this.#items = items;
    this.#cumulative = new Float64Array(items.length);
    let sum = 0;
    for (let i = 0; i < items.length; i++) {
      sum += 1 / (i + 1) ** exponent;
      this.#cumulative[i] = sum;
    }
  }

  pick(random: Random): T {
    const target = random.next() * (this.#cumulative.at(-1) as number);
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return this.#items[lo] as T;
  }
}

/** UUIDv7-shaped ids from the seed: time-ordered like newId(), the same for the same seed and salt. */
class Ids {
  readonly #random: Random;
  #millis = Date.UTC(2025, 0, 1);

  constructor(seed: string) {
    this.#random = new Random(`ids:${seed}`);
  }

  next(): string {
    this.#millis += 1;
    const time = this.#millis.toString(16).padStart(12, '0');
    const hex = (count: number) => {
      let out = '';
      for (let i = 0; i < count; i++) out += Math.floor(this.#random.next() * 16).toString(16);
      return out;
    };
    const variant = (8 + Math.floor(this.#random.next() * 4)).toString(16);
    return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Word lists (most common first where the order matters)
// ---------------------------------------------------------------------------------------------

const FEMALE_FIRST_NAMES = [
  'Anna',
  'Maria',
  'Sabine',
  'Julia',
  'Katharina',
  'Petra',
  'Andrea',
  'Claudia',
  'Susanne',
  'Stefanie',
  'Nicole',
  'Monika',
  'Christina',
  'Laura',
  'Sarah',
  'Lena',
  'Lea',
  'Sophie',
  'Birgit',
  'Ursula',
  'Karin',
  'Heike',
  'Martina',
  'Anja',
  'Jana',
  'Melanie',
  'Sandra',
  'Daniela',
  'Tanja',
  'Kerstin',
  'Jördis',
  'Käthe',
  'Bärbel',
  'Dörte',
  'Grete',
  'Renate',
  'Gabriele',
  'Elisabeth',
  'Johanna',
  'Franziska',
  'Hannah',
  'Emma',
  'Mia',
  'Lisa',
  'Carina',
  'Verena',
  'Theresa',
  'Miriam',
  'Ines',
  'Doris',
  'Brigitte',
  'Ingrid',
  'Gisela',
  'Helga',
  'Marlene',
  'Annika',
  'Svenja',
  'Nadine',
  'Simone',
  'Yvonne',
];

const MALE_FIRST_NAMES = [
  'Thomas',
  'Michael',
  'Andreas',
  'Stefan',
  'Peter',
  'Christian',
  'Markus',
  'Frank',
  'Klaus',
  'Jürgen',
  'Wolfgang',
  'Martin',
  'Uwe',
  'Alexander',
  'Daniel',
  'Tobias',
  'Matthias',
  'Sebastian',
  'Jan',
  'Florian',
  'Lukas',
  'Jonas',
  'Felix',
  'Maximilian',
  'Paul',
  'Leon',
  'Björn',
  'Jörg',
  'Sören',
  'Günther',
  'Jörn',
  'Hans',
  'Dieter',
  'Manfred',
  'Helmut',
  'Bernd',
  'Ralf',
  'Holger',
  'Dirk',
  'Sven',
  'Torsten',
  'Karl',
  'Heinz',
  'Werner',
  'Gerhard',
  'Rüdiger',
  'Volker',
  'Oliver',
  'Patrick',
  'Philipp',
  'Benedikt',
  'Moritz',
  'Niklas',
  'Simon',
  'Fabian',
  'Dominik',
  'Lars',
  'Timo',
  'Kai',
  'Urs',
];

const LAST_NAMES = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Schäfer',
  'Koch',
  'Bauer',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hofmann',
  'Hartmann',
  'Lange',
  'Schmitt',
  'Werner',
  'Schmitz',
  'Krause',
  'Meier',
  'Lehmann',
  'Schmid',
  'Schulze',
  'Maier',
  'Köhler',
  'Herrmann',
  'König',
  'Walter',
  'Mayer',
  'Huber',
  'Kaiser',
  'Fuchs',
  'Peters',
  'Lang',
  'Scholz',
  'Möller',
  'Weiß',
  'Jung',
  'Hahn',
  'Schubert',
  'Vogel',
  'Friedrich',
  'Keller',
  'Günther',
  'Frank',
  'Berger',
  'Winkler',
  'Roth',
  'Beck',
  'Lorenz',
  'Baumann',
  'Franke',
  'Albrecht',
  'Schuster',
  'Simon',
  'Ludwig',
  'Böhm',
  'Winter',
  'Kraus',
  'Martin',
  'Schumacher',
  'Krämer',
  'Vogt',
  'Stein',
  'Jäger',
  'Otto',
  'Sommer',
  'Groß',
  'Seidel',
  'Heinrich',
  'Brandt',
  'Haas',
  'Schreiber',
  'Graf',
  'Schulte',
  'Dietrich',
  'Ziegler',
  'Kuhn',
  'Kühn',
  'Pohl',
  'Engel',
  'Horn',
  'Busch',
  'Bergmann',
  'Thomas',
  'Voigt',
  'Sauer',
  'Arnold',
  'Wolff',
  'Pfeiffer',
  'Gruber',
  'Pichler',
  'Steiner',
  'Moser',
  'Hofer',
  'Leitner',
  'Egger',
  'Brunner',
  'Baumgartner',
  'Gerber',
  'Widmer',
  'Frei',
  'Zürcher',
  'Lüthi',
  'Bühler',
  'Hürlimann',
  'Meyer-Lüdenscheidt',
  'Öztürk',
  'Yılmaz',
  'Nguyen',
  'Kowalski',
  'Nowak',
  'Popović',
  'Rossi',
  'Dąbrowski',
  'Schreiner',
  'Förster',
  'Kößler',
  'Strauß',
  'Rößler',
  'Blümel',
  'Dörfler',
  'Fürst',
  'Gößwein',
  'Hölzl',
  'Jähnig',
  'Kübler',
  'Löffler',
  'Nüßlein',
  'Pröll',
  'Reuß',
  'Süß',
  'Thür',
  'Wächter',
  'Zöllner',
  'Bäcker',
  'Schäffer',
  'Mayr',
  'Hermann',
  'Walther',
  'Schultz',
  'Naumann',
  'Krueger',
  'Fritsch',
  'Wendt',
  'Ebert',
  'Kiefer',
  'Riedel',
  'Thiele',
  'Marx',
];

/** Spellings that sound alike and are all common names in their own right. */
const SPELLING_FAMILIES = [
  ['Meier', 'Mayer', 'Maier', 'Meyer', 'Mayr'],
  ['Schmidt', 'Schmitt', 'Schmid'],
  ['Hoffmann', 'Hofmann'],
  ['Schäfer', 'Schäffer', 'Schaefer'],
  ['Herrmann', 'Hermann'],
  ['Walter', 'Walther'],
  ['Schulz', 'Schultz', 'Schulze'],
  ['Becker', 'Bäcker'],
  ['Krüger', 'Krueger'],
  ['Wolf', 'Wolff'],
  ['Kraus', 'Krause'],
  ['Kuhn', 'Kühn'],
];

const TITLES = ['Dr.', 'Dr.', 'Dr.', 'Dr.', 'Prof. Dr.', 'Dipl.-Ing.', 'Mag.', 'Dr. med.'];

interface City {
  name: string;
  country: 'DE' | 'AT' | 'CH';
  /** Postal codes from, to, step. */
  postal: [number, number, number];
  /** Area code without the national prefix. */
  area: string;
  /** Subscriber number lengths. */
  lengths: [number, number];
}

const CITIES: City[] = [
  { name: 'Berlin', country: 'DE', postal: [10115, 14199, 1], area: '30', lengths: [7, 8] },
  { name: 'Hamburg', country: 'DE', postal: [20095, 22769, 1], area: '40', lengths: [7, 8] },
  { name: 'München', country: 'DE', postal: [80331, 81929, 1], area: '89', lengths: [7, 8] },
  { name: 'Köln', country: 'DE', postal: [50667, 51149, 1], area: '221', lengths: [6, 7] },
  { name: 'Frankfurt am Main', country: 'DE', postal: [60306, 60599, 1], area: '69', lengths: [7, 8] },
  { name: 'Stuttgart', country: 'DE', postal: [70173, 70629, 1], area: '711', lengths: [6, 7] },
  { name: 'Düsseldorf', country: 'DE', postal: [40210, 40629, 1], area: '211', lengths: [6, 7] },
  { name: 'Leipzig', country: 'DE', postal: [4103, 4357, 1], area: '341', lengths: [6, 7] },
  { name: 'Dortmund', country: 'DE', postal: [44135, 44388, 1], area: '231', lengths: [6, 7] },
  { name: 'Essen', country: 'DE', postal: [45127, 45359, 1], area: '201', lengths: [6, 7] },
  { name: 'Bremen', country: 'DE', postal: [28195, 28779, 1], area: '421', lengths: [6, 7] },
  { name: 'Dresden', country: 'DE', postal: [1067, 1328, 1], area: '351', lengths: [6, 7] },
  { name: 'Hannover', country: 'DE', postal: [30159, 30669, 1], area: '511', lengths: [6, 7] },
  { name: 'Nürnberg', country: 'DE', postal: [90402, 90491, 1], area: '911', lengths: [6, 7] },
  { name: 'Augsburg', country: 'DE', postal: [86150, 86199, 1], area: '821', lengths: [6, 7] },
  { name: 'Freiburg im Breisgau', country: 'DE', postal: [79098, 79117, 1], area: '761', lengths: [6, 7] },
  { name: 'Münster', country: 'DE', postal: [48143, 48167, 1], area: '251', lengths: [6, 7] },
  { name: 'Würzburg', country: 'DE', postal: [97070, 97084, 1], area: '931', lengths: [6, 7] },
  { name: 'Regensburg', country: 'DE', postal: [93047, 93059, 1], area: '941', lengths: [6, 7] },
  { name: 'Göttingen', country: 'DE', postal: [37073, 37085, 1], area: '551', lengths: [6, 7] },
  { name: 'Lübeck', country: 'DE', postal: [23552, 23570, 1], area: '451', lengths: [6, 7] },
  { name: 'Kiel', country: 'DE', postal: [24103, 24159, 1], area: '431', lengths: [6, 7] },
  { name: 'Mainz', country: 'DE', postal: [55116, 55131, 1], area: '6131', lengths: [5, 6] },
  { name: 'Heidelberg', country: 'DE', postal: [69115, 69126, 1], area: '6221', lengths: [5, 6] },
  { name: 'Bielefeld', country: 'DE', postal: [33602, 33739, 1], area: '521', lengths: [6, 7] },
  { name: 'Bonn', country: 'DE', postal: [53111, 53229, 1], area: '228', lengths: [6, 7] },
  { name: 'Erfurt', country: 'DE', postal: [99084, 99099, 1], area: '361', lengths: [6, 7] },
  { name: 'Rostock', country: 'DE', postal: [18055, 18147, 1], area: '381', lengths: [6, 7] },
  { name: 'Saarbrücken', country: 'DE', postal: [66111, 66133, 1], area: '681', lengths: [6, 7] },
  { name: 'Osnabrück', country: 'DE', postal: [49074, 49090, 1], area: '541', lengths: [6, 7] },
  { name: 'Karlsruhe', country: 'DE', postal: [76131, 76229, 1], area: '721', lengths: [6, 7] },
  { name: 'Mannheim', country: 'DE', postal: [68159, 68309, 1], area: '621', lengths: [6, 7] },
  { name: 'Aachen', country: 'DE', postal: [52062, 52080, 1], area: '241', lengths: [6, 7] },
  { name: 'Kassel', country: 'DE', postal: [34117, 34134, 1], area: '561', lengths: [6, 7] },
  { name: 'Potsdam', country: 'DE', postal: [14467, 14482, 1], area: '331', lengths: [6, 7] },
  { name: 'Konstanz', country: 'DE', postal: [78462, 78467, 1], area: '7531', lengths: [5, 6] },
  { name: 'Wien', country: 'AT', postal: [1010, 1230, 10], area: '1', lengths: [7, 7] },
  { name: 'Graz', country: 'AT', postal: [8010, 8055, 1], area: '316', lengths: [6, 6] },
  { name: 'Linz', country: 'AT', postal: [4020, 4040, 10], area: '732', lengths: [6, 6] },
  { name: 'Salzburg', country: 'AT', postal: [5020, 5026, 1], area: '662', lengths: [6, 6] },
  { name: 'Innsbruck', country: 'AT', postal: [6020, 6080, 10], area: '512', lengths: [6, 6] },
  { name: 'Klagenfurt am Wörthersee', country: 'AT', postal: [9020, 9020, 1], area: '463', lengths: [6, 6] },
  { name: 'Dornbirn', country: 'AT', postal: [6850, 6850, 1], area: '5572', lengths: [5, 5] },
  { name: 'Zürich', country: 'CH', postal: [8001, 8057, 1], area: '44', lengths: [7, 7] },
  { name: 'Bern', country: 'CH', postal: [3005, 3027, 1], area: '31', lengths: [7, 7] },
  { name: 'Basel', country: 'CH', postal: [4051, 4059, 1], area: '61', lengths: [7, 7] },
  { name: 'Luzern', country: 'CH', postal: [6003, 6006, 1], area: '41', lengths: [7, 7] },
  { name: 'St. Gallen', country: 'CH', postal: [9000, 9016, 1], area: '71', lengths: [7, 7] },
  { name: 'Winterthur', country: 'CH', postal: [8400, 8411, 1], area: '52', lengths: [7, 7] },
  { name: 'Zug', country: 'CH', postal: [6300, 6300, 1], area: '41', lengths: [7, 7] },
];
/** Most organizations are German, then Austrian, then Swiss. */
const CITY_PICKER = new Weighted(
  [...CITIES.filter((c) => c.country === 'DE'), ...CITIES.filter((c) => c.country !== 'DE')],
  0.5,
);

const STREETS = [
  'Hauptstraße',
  'Bahnhofstraße',
  'Schulstraße',
  'Gartenstraße',
  'Dorfstraße',
  'Bergstraße',
  'Lindenstraße',
  'Kirchstraße',
  'Goethestraße',
  'Schillerstraße',
  'Mozartstraße',
  'Ringstraße',
  'Industriestraße',
  'Gewerbestraße',
  'Friedrichstraße',
  'Marktplatz',
  'Rosenweg',
  'Birkenweg',
  'Mühlenweg',
  'Am Markt',
  'Wiesenstraße',
  'Waldstraße',
  'Feldstraße',
  'Kastanienallee',
  'Lessingstraße',
  'Beethovenstraße',
  'Poststraße',
  'Uferstraße',
  'Im Gewerbepark',
  'Siemensstraße',
  'Daimlerstraße',
  'Max-Planck-Straße',
];

const TRADES: { prefix: string; industry: string; forms: readonly string[] }[] = [
  { prefix: 'Bäckerei', industry: 'Lebensmittelhandwerk', forms: ['', '', 'GmbH', 'e.K.'] },
  { prefix: 'Metzgerei', industry: 'Lebensmittelhandwerk', forms: ['', '', 'GmbH', 'e.K.'] },
  { prefix: 'Konditorei', industry: 'Lebensmittelhandwerk', forms: ['', 'GmbH'] },
  { prefix: 'Autohaus', industry: 'Automobilhandel', forms: ['GmbH', 'AG', 'GmbH & Co. KG', ''] },
  { prefix: 'Kfz-Werkstatt', industry: 'Kfz-Handwerk', forms: ['', 'GmbH'] },
  { prefix: 'Steuerberatung', industry: 'Steuerberatung', forms: ['', '', 'GmbH'] },
  { prefix: 'Steuerkanzlei', industry: 'Steuerberatung', forms: ['', 'PartG mbB'] },
  { prefix: 'Elektro', industry: 'Elektrohandwerk', forms: ['GmbH', '', 'e.K.'] },
  { prefix: 'Sanitär', industry: 'Sanitär- und Heizungstechnik', forms: ['GmbH', ''] },
  { prefix: 'Malerbetrieb', industry: 'Handwerk', forms: ['', 'GmbH'] },
  { prefix: 'Schreinerei', industry: 'Handwerk', forms: ['', 'GmbH'] },
  { prefix: 'Tischlerei', industry: 'Handwerk', forms: ['', 'GmbH'] },
  { prefix: 'Dachdeckerei', industry: 'Bauwesen', forms: ['', 'GmbH'] },
  { prefix: 'Gärtnerei', industry: 'Gartenbau', forms: ['', 'GbR'] },
  { prefix: 'Optik', industry: 'Einzelhandel', forms: ['', 'GmbH'] },
  { prefix: 'Druckerei', industry: 'Druck und Medien', forms: ['GmbH', 'KG'] },
  { prefix: 'Getränke', industry: 'Großhandel', forms: ['GmbH', 'KG'] },
  { prefix: 'Spedition', industry: 'Logistik', forms: ['GmbH', 'GmbH & Co. KG', 'KG'] },
  { prefix: 'Ingenieurbüro', industry: 'Ingenieurdienstleistungen', forms: ['', 'GmbH'] },
  { prefix: 'Architekturbüro', industry: 'Architektur', forms: [''] },
  { prefix: 'Zahnarztpraxis', industry: 'Gesundheitswesen', forms: [''] },
  { prefix: 'Physiotherapie', industry: 'Gesundheitswesen', forms: [''] },
  { prefix: 'Hotel', industry: 'Hotellerie', forms: ['', 'GmbH'] },
  { prefix: 'Gasthof', industry: 'Gastronomie', forms: [''] },
  { prefix: 'Weingut', industry: 'Landwirtschaft', forms: ['', 'GbR'] },
  { prefix: 'Reisebüro', industry: 'Tourismus', forms: ['', 'GmbH'] },
  { prefix: 'Fahrschule', industry: 'Bildung', forms: [''] },
  { prefix: 'Immobilien', industry: 'Immobilien', forms: ['GmbH', ''] },
];

const SPECIALTIES: { suffix: string; industry: string }[] = [
  { suffix: 'Maschinenbau', industry: 'Maschinenbau' },
  { suffix: 'Fördertechnik', industry: 'Maschinenbau' },
  { suffix: 'Verpackungen', industry: 'Verpackungsindustrie' },
  { suffix: 'Logistik', industry: 'Logistik' },
  { suffix: 'Haustechnik', industry: 'Sanitär- und Heizungstechnik' },
  { suffix: 'Bau', industry: 'Bauwesen' },
  { suffix: 'Metallbau', industry: 'Metallverarbeitung' },
  { suffix: 'Elektrotechnik', industry: 'Elektrotechnik' },
  { suffix: 'Kunststofftechnik', industry: 'Kunststoffverarbeitung' },
  { suffix: 'Feinmechanik', industry: 'Maschinenbau' },
  { suffix: 'IT-Service', industry: 'IT-Dienstleistungen' },
  { suffix: 'Consulting', industry: 'Unternehmensberatung' },
  { suffix: 'Immobilien', industry: 'Immobilien' },
  { suffix: 'Holzbau', industry: 'Bauwesen' },
  { suffix: 'Landtechnik', industry: 'Landmaschinen' },
];

const REGIONS: Record<City['country'], readonly string[]> = {
  DE: [
    'Rheinische',
    'Bayerische',
    'Norddeutsche',
    'Schwäbische',
    'Fränkische',
    'Sächsische',
    'Westfälische',
    'Hanseatische',
    'Allgäuer',
    'Pfälzer',
    'Badische',
  ],
  AT: ['Tiroler', 'Wiener', 'Steirische', 'Kärntner', 'Salzburger'],
  CH: ['Zürcher', 'Berner', 'Basler', 'Ostschweizer', 'Innerschweizer'],
};
const REGION_NOUNS: { noun: string; industry: string }[] = [
  { noun: 'Logistik', industry: 'Logistik' },
  { noun: 'Kältetechnik', industry: 'Anlagenbau' },
  { noun: 'Metallwerke', industry: 'Metallverarbeitung' },
  { noun: 'Feinwerktechnik', industry: 'Maschinenbau' },
  { noun: 'Holzindustrie', industry: 'Holzverarbeitung' },
  { noun: 'Kaffeerösterei', industry: 'Lebensmittelindustrie' },
  { noun: 'Treuhand', industry: 'Steuerberatung' },
  { noun: 'Versicherungsmakler', industry: 'Versicherung' },
  { noun: 'Energieversorgung', industry: 'Energie' },
  { noun: 'Baustoffe', industry: 'Großhandel' },
  { noun: 'Medientechnik', industry: 'Medien' },
  { noun: 'Personaldienste', industry: 'Personaldienstleistungen' },
];
const BRAND_STARTS = [
  'Nord',
  'Süd',
  'Alpen',
  'Rhein',
  'Donau',
  'Elb',
  'Isar',
  'Main',
  'Bodensee',
  'Harz',
  'Nova',
  'Prima',
  'Euro',
  'Inter',
  'Medi',
  'Agro',
  'Bio',
  'Sonnen',
  'Berg',
  'Wald',
  'Blau',
  'Grün',
  'Weiß',
];
const BRAND_ENDS: { end: string; industry: string }[] = [
  { end: 'tec', industry: 'Elektrotechnik' },
  { end: 'soft', industry: 'Software' },
  { end: 'log', industry: 'Logistik' },
  { end: 'med', industry: 'Medizintechnik' },
  { end: 'solar', industry: 'Energie' },
  { end: 'systems', industry: 'IT-Dienstleistungen' },
  { end: 'consult', industry: 'Unternehmensberatung' },
  { end: 'data', industry: 'IT-Dienstleistungen' },
  { end: 'print', industry: 'Druck und Medien' },
  { end: 'plan', industry: 'Ingenieurdienstleistungen' },
  { end: 'werk', industry: 'Metallverarbeitung' },
  { end: 'licht', industry: 'Elektrotechnik' },
];
const COMPANY_FORMS = ['GmbH', 'GmbH', 'GmbH', 'AG', 'KG', 'GmbH & Co. KG', 'UG (haftungsbeschränkt)', 'OHG'];

const POSITIONS: { position: string; department: string | null }[] = [
  { position: 'Geschäftsführer', department: 'Geschäftsführung' },
  { position: 'Geschäftsführerin', department: 'Geschäftsführung' },
  { position: 'Inhaber', department: null },
  { position: 'Einkaufsleiter', department: 'Einkauf' },
  { position: 'Einkäuferin', department: 'Einkauf' },
  { position: 'Vertriebsleiterin', department: 'Vertrieb' },
  { position: 'Key Account Manager', department: 'Vertrieb' },
  { position: 'Sachbearbeiterin', department: 'Buchhaltung' },
  { position: 'Leiter Buchhaltung', department: 'Finanzen' },
  { position: 'Prokurist', department: 'Finanzen' },
  { position: 'Assistenz der Geschäftsführung', department: 'Geschäftsführung' },
  { position: 'IT-Leiter', department: 'IT' },
  { position: 'Projektleiterin', department: 'Technik' },
  { position: 'Werkstattmeister', department: 'Werkstatt' },
  { position: 'Filialleiterin', department: null },
  { position: 'Personalreferentin', department: 'Personal' },
  { position: 'Marketingleiter', department: 'Marketing' },
  { position: 'Technischer Leiter', department: 'Technik' },
];

const PRIVATE_MAIL: Record<City['country'], readonly string[]> = {
  DE: ['gmx.de', 'web.de', 't-online.de', 'gmail.com', 'posteo.de', 'outlook.de'],
  AT: ['gmx.at', 'aon.at', 'gmail.com', 'chello.at'],
  CH: ['bluewin.ch', 'gmx.ch', 'gmail.com', 'sunrise.ch'],
};
const MOBILE_PREFIXES: Record<City['country'], readonly [string, number][]> = {
  DE: [
    ['151', 8],
    ['152', 8],
    ['157', 8],
    ['160', 7],
    ['170', 7],
    ['171', 7],
    ['172', 7],
    ['175', 7],
    ['176', 8],
    ['177', 7],
    ['179', 7],
  ],
  AT: [
    ['664', 7],
    ['676', 7],
    ['650', 7],
    ['699', 8],
  ],
  CH: [
    ['79', 7],
    ['78', 7],
    ['76', 7],
    ['77', 7],
  ],
};
const COUNTRY_CODES: Record<City['country'], string> = { DE: '49', AT: '43', CH: '41' };
const TLD: Record<City['country'], string> = { DE: 'de', AT: 'at', CH: 'ch' };

// ---------------------------------------------------------------------------------------------
// The data set
// ---------------------------------------------------------------------------------------------

export interface GeneratedOrganization {
  id: string;
  name: string;
  emails: EmailValue[];
  phones: PhoneValue[];
  addresses: AddressValue[];
  vatId: string | null;
  industry: string | null;
  employeeCount: number | null;
  revenue: string | null;
  website: string | null;
  ownerId: string | null;
}

export interface GeneratedPerson {
  id: string;
  title: string | null;
  firstName: string | null;
  lastName: string;
  emails: EmailValue[];
  phones: PhoneValue[];
  addresses: AddressValue[];
  birthday: string | null;
  language: 'de' | 'en' | null;
  ownerId: string | null;
}

export interface GeneratedBusinessContact {
  id: string;
  personId: string;
  organizationId: string;
  email: string | null;
  phone: string | null;
  phoneE164: string | null;
  position: string | null;
  department: string | null;
  employeeNumber: string | null;
  isPrimary: boolean;
}

/** Ground truth: `id` was planted as a copy of `originalId`, changed as `variation` says. */
export interface PlantedDuplicate {
  type: 'person' | 'organization';
  id: string;
  originalId: string;
  variation: string;
}

export interface ContactsData {
  organizations: GeneratedOrganization[];
  persons: GeneratedPerson[];
  businessContacts: GeneratedBusinessContact[];
  duplicates: PlantedDuplicate[];
}

export interface GenerateOptions {
  /** The same seed (and salt) gives the same data, ids included. */
  seed: string | number;
  /** Mixed into the ids only: pass the tenant id so that tenants loaded from one seed get their own ids. */
  idSalt?: string;
  organizations: number;
  /** Persons in all, planted duplicates included. */
  persons: number;
  /** Share of the organizations and of the persons that are planted copies of others; default 0.02. */
  duplicateRate?: number;
  /** Owners, given out in turn; none: records without owner. */
  ownerIds?: readonly string[];
}

const fold = (text: string) => foldText(text).replaceAll(' ', '-');
/** A word for an email's local part: umlauts folded, other marks stripped, only a-z0-9. */
const mailWord = (text: string) => foldText(text).replace(/[^a-z0-9]/g, '');

function withoutLegalForm(name: string, form: string): string {
  return form === '' ? name : name.slice(0, -form.length - 1);
}

class Generator {
  readonly random: Random;
  readonly ids: Ids;
  readonly usedPhones = new Set<string>();
  readonly usedEmails = new Set<string>();
  readonly usedDomains = new Set<string>();
  readonly usedVatIds = new Set<string>();
  readonly usedOrgNames = new Set<string>();
  readonly lastNames = new Weighted(LAST_NAMES, 0.75);
  readonly femaleNames = new Weighted(FEMALE_FIRST_NAMES, 0.7);
  readonly maleNames = new Weighted(MALE_FIRST_NAMES, 0.7);
  readonly owners: readonly string[];
  #ownerTurn = 0;

  constructor(options: GenerateOptions) {
    this.random = new Random(String(options.seed));
    this.ids = new Ids(`${options.seed}:${options.idSalt ?? ''}`);
    this.owners = options.ownerIds ?? [];
  }

  owner(): string | null {
    if (this.owners.length === 0) return null;
    return this.owners[this.#ownerTurn++ % this.owners.length] as string;
  }

  postalCode(city: City): string {
    const [from, to, step] = city.postal;
    const code = from + step * this.random.int(0, Math.floor((to - from) / step));
    return String(code).padStart(city.country === 'DE' ? 5 : 4, '0');
  }

  street(city: City): string {
    let street = this.random.pick(STREETS);
    if (city.country === 'CH') street = street.replaceAll('ß', 'ss');
    const letter = this.random.chance(0.08) ? this.random.pick(['a', 'b', 'c']) : '';
    return `${street} ${this.random.int(1, 180)}${letter}`;
  }

  /** A phone as people type it, with its E.164 form; never one given out before (null when `subscriber` was). */
  phone(country: City['country'], area: string, length: number, kind: PhoneValue['kind']): PhoneValue;
  phone(
    country: City['country'],
    area: string,
    length: number,
    kind: PhoneValue['kind'],
    subscriber: string,
  ): PhoneValue | null;
  phone(
    country: City['country'],
    area: string,
    length: number,
    kind: PhoneValue['kind'],
    subscriber?: string,
  ): PhoneValue | null {
    for (;;) {
      const number = subscriber ?? this.random.digits(length);
      const e164 = `+${COUNTRY_CODES[country]}${area}${number}`;
      if (this.usedPhones.has(e164)) {
        if (subscriber !== undefined) return null;
        continue;
      }
      this.usedPhones.add(e164);
      return { number: this.formatPhone(country, area, number), e164, kind };
    }
  }

  formatPhone(country: City['country'], area: string, number: string, style = this.random.int(0, 4)): string {
    if (country === 'CH') {
      const groups = `${number.slice(0, 3)} ${number.slice(3, 5)} ${number.slice(5)}`;
      // Numbers without a country code count as German: Swiss and Austrian ones carry theirs.
      return style < 3 ? `+41 ${area} ${groups}` : `0041 ${area} ${groups}`;
    }
    if (country === 'AT') return style < 3 ? `+43 ${area} ${number}` : `+43 (0)${area} ${number}`;
    switch (style) {
      case 0:
        return `0${area} ${number}`;
      case 1:
        return `+49 ${area} ${number}`;
      case 2:
        return `0${area}/${number}`;
      case 3:
        return `(0${area}) ${number}`;
      default:
        return `+49 ${area} ${number.slice(0, -2)} ${number.slice(-2)}`;
    }
  }

  mobile(country: City['country']): PhoneValue {
    const [prefix, length] = this.random.pick(MOBILE_PREFIXES[country]);
    return this.phone(country, prefix, length, 'mobile');
  }

  uniqueEmail(local: string, domain: string): string {
    let email = `${local}@${domain}`;
    for (let n = 2; this.usedEmails.has(email); n++) email = `${local}${n}@${domain}`;
    this.usedEmails.add(email);
    return email;
  }

  vatId(country: City['country']): string {
    for (;;) {
      const id =
        country === 'DE'
          ? `DE${this.random.digits(9)}`
          : country === 'AT'
            ? `ATU${this.random.digits(8)}`
            : `CHE${this.random.digits(9)}`;
      if (this.usedVatIds.has(id)) continue;
      this.usedVatIds.add(id);
      return id;
    }
  }

  firstName(female: boolean): string {
    return (female ? this.femaleNames : this.maleNames).pick(this.random);
  }

  organizationName(city: City): { name: string; form: string; industry: string } {
    for (let attempt = 0; ; attempt++) {
      const kind = this.random.next();
      const surname = this.lastNames.pick(this.random);
      let core: string;
      let form: string;
      let industry: string;
      if (kind < 0.45) {
        const trade = this.random.pick(TRADES);
        core = `${trade.prefix} ${surname}`;
        form = this.random.pick(trade.forms);
        industry = trade.industry;
      } else if (kind < 0.7) {
        const specialty = this.random.pick(SPECIALTIES);
        core = `${surname} ${specialty.suffix}`;
        form = this.random.pick(COMPANY_FORMS);
        industry = specialty.industry;
      } else if (kind < 0.8) {
        const partner = this.lastNames.pick(this.random);
        if (partner === surname) continue;
        const sons = this.random.chance(0.5);
        core = sons ? `${surname} & Söhne` : `${surname} & ${partner}`;
        form = sons ? this.random.pick(['KG', 'OHG', 'GmbH & Co. KG']) : this.random.pick(['PartG mbB', 'GbR', '']);
        industry = sons
          ? this.random.pick(SPECIALTIES).industry
          : this.random.pick(['Rechtsberatung', 'Steuerberatung']);
        if (!sons) core += this.random.chance(0.5) ? ' Rechtsanwälte' : ' Steuerberater';
      } else if (kind < 0.9) {
        const noun = this.random.pick(REGION_NOUNS);
        core = `${this.random.pick(REGIONS[city.country])} ${noun.noun}`;
        form = this.random.pick(COMPANY_FORMS);
        industry = noun.industry;
      } else {
        const end = this.random.pick(BRAND_ENDS);
        const start = this.random.pick(BRAND_STARTS);
        core = `${start}${end.end}`;
        form = this.random.pick(COMPANY_FORMS);
        industry = end.industry;
      }
      if (city.country === 'CH' && form === 'GmbH & Co. KG') form = 'AG';
      if (city.country !== 'DE' && form === 'UG (haftungsbeschränkt)') form = 'GmbH';
      // Same-named companies in other cities exist; here every name is distinct, except for the
      // planted duplicates, so the duplicate check's false alarms come from similar names only.
      const normalized = normalizeCompanyName(core);
      if (this.usedOrgNames.has(normalized) && attempt < 50) continue;
      if (this.usedOrgNames.has(normalized)) core = `${core} ${city.name}`;
      this.usedOrgNames.add(normalizeCompanyName(core));
      return { name: form ? `${core} ${form}` : core, form, industry };
    }
  }

  domain(name: string, country: City['country']): string {
    const base = fold(normalizeCompanyName(name)).slice(0, 40).replace(/-+$/, '');
    let domain = `${base}.${TLD[country]}`;
    for (let n = 2; this.usedDomains.has(domain); n++) domain = `${base}-${n}.${TLD[country]}`;
    this.usedDomains.add(domain);
    return domain;
  }
}

interface OrgFacts {
  org: GeneratedOrganization;
  city: City;
  domain: string;
  /** Main number (subscriber part), for direct dials. */
  base: string;
  form: string;
}

interface PersonFacts {
  person: GeneratedPerson;
  country: City['country'];
}

function organization(gen: Generator): OrgFacts {
  const r = gen.random;
  const city = CITY_PICKER.pick(r);
  const { name, form, industry } = gen.organizationName(city);
  const domain = gen.domain(name, city.country);
  const length = r.int(city.lengths[0], city.lengths[1]);
  // Main numbers end in 0 ("…-0"); direct dials put an extension after the rest.
  let base = r.digits(length - 1);
  let main = gen.phone(city.country, city.area, length, 'work', `${base}0`);
  while (!main) {
    base = r.digits(length - 1);
    main = gen.phone(city.country, city.area, length, 'work', `${base}0`);
  }
  const phones = [main];
  const fax = r.chance(0.3) ? gen.phone(city.country, city.area, length, 'fax', `${base}9`) : null;
  if (fax) phones.push(fax);
  const emails: EmailValue[] = [
    {
      address: gen.uniqueEmail(city.country === 'AT' ? 'office' : r.pick(['info', 'info', 'kontakt']), domain),
      kind: 'work',
    },
  ];
  if (r.chance(0.2))
    emails.push({ address: gen.uniqueEmail(r.pick(['vertrieb', 'buchhaltung', 'service']), domain), kind: 'work' });
  const postalCode = gen.postalCode(city);
  const addresses: AddressValue[] = [
    { kind: 'visiting', street: gen.street(city), postalCode, city: city.name, country: city.country },
  ];
  if (r.chance(0.15)) {
    addresses.push({
      kind: 'billing',
      street: `Postfach ${r.digits(4)}`,
      postalCode,
      city: city.name,
      country: city.country,
    });
  }
  const employees = Math.max(1, Math.round(Math.exp(r.next() * 7)));
  return {
    org: {
      id: gen.ids.next(),
      name,
      emails,
      phones,
      addresses,
      vatId: r.chance(0.7) ? gen.vatId(city.country) : null,
      industry,
      employeeCount: r.chance(0.8) ? employees : null,
      revenue: r.chance(0.5) ? `${employees * r.int(60, 250) * 1000}.00` : null,
      website: r.chance(0.8) ? `https://www.${domain}` : null,
      ownerId: gen.owner(),
    },
    city,
    domain,
    base,
    form,
  };
}

function person(gen: Generator, city: City): PersonFacts {
  const r = gen.random;
  const female = r.chance(0.5);
  const firstName = gen.firstName(female);
  const lastName = r.chance(0.03) ? `${gen.lastNames.pick(r)}-${gen.lastNames.pick(r)}` : gen.lastNames.pick(r);
  const phones: PhoneValue[] = [];
  if (r.chance(0.5)) phones.push(gen.mobile(city.country));
  const emails: EmailValue[] = [];
  if (r.chance(0.3)) {
    const local = `${mailWord(firstName)}.${mailWord(lastName)}`;
    emails.push({ address: gen.uniqueEmail(local, r.pick(PRIVATE_MAIL[city.country])), kind: 'private' });
  }
  const addresses: AddressValue[] = [];
  if (r.chance(0.2)) {
    addresses.push({
      kind: 'home',
      street: gen.street(city),
      postalCode: gen.postalCode(city),
      city: city.name,
      country: city.country,
    });
    if (r.chance(0.5)) phones.push(gen.phone(city.country, city.area, r.int(...city.lengths), 'home'));
  }
  const born = r.chance(0.2)
    ? `${r.int(1950, 2003)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`
    : null;
  const language = r.chance(0.1) ? 'en' : r.chance(0.3) ? 'de' : null;
  return {
    person: {
      id: gen.ids.next(),
      title: r.chance(0.08) ? r.pick(TITLES) : null,
      firstName: r.chance(0.01) ? null : firstName,
      lastName,
      emails,
      phones,
      addresses,
      birthday: born,
      language,
      ownerId: gen.owner(),
    },
    country: city.country,
  };
}

function employ(
  gen: Generator,
  facts: PersonFacts,
  at: OrgFacts,
  isPrimary: boolean,
  number: number,
): GeneratedBusinessContact {
  const r = gen.random;
  const p = facts.person;
  const first = p.firstName ? mailWord(p.firstName) : '';
  const last = mailWord(p.lastName);
  const local = first ? (r.chance(0.85) ? `${first}.${last}` : `${first.charAt(0)}.${last}`) : last;
  const email = r.chance(0.9) ? gen.uniqueEmail(local, at.domain) : null;
  if (email && isPrimary && r.chance(0.6)) p.emails.unshift({ address: email, kind: 'work' });
  const { city } = at;
  let phone: PhoneValue | null = null;
  const withPhone = r.chance(0.7);
  for (let attempt = 0; withPhone && !phone && attempt < 10; attempt++) {
    // A direct dial: in Switzerland a number of the same length near the main one, elsewhere
    // the main number with an extension.
    const subscriber =
      city.country === 'CH' ? `${at.base.slice(0, 3)}${r.digits(4, false)}` : `${at.base}${r.int(10, 899)}`;
    phone = gen.phone(city.country, city.area, 0, 'work', subscriber);
  }
  const role = r.pick(POSITIONS);
  return {
    id: gen.ids.next(),
    personId: p.id,
    organizationId: at.org.id,
    email,
    phone: phone?.number ?? null,
    phoneE164: phone?.e164 ?? null,
    position: r.chance(0.8) ? role.position : null,
    department: r.chance(0.6) ? role.department : null,
    employeeNumber: r.chance(0.1) ? `P-${String(number).padStart(5, '0')}` : null,
    isPrimary,
  };
}

// ---- duplicates -------------------------------------------------------------------------------

const UMLAUT_SPELLING: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' };
const spellOutUmlauts = (text: string) => text.replace(/[äöüßÄÖÜ]/g, (c) => UMLAUT_SPELLING[c] ?? c);
const hasUmlaut = (text: string | null) => text !== null && /[äöüßÄÖÜ]/.test(text);

/** "Anna" → "Ana", "Schneider" → "Scheider": one letter after the first dropped. */
function dropLetter(r: Random, word: string): string {
  if (word.length < 4) return word;
  const doubled = [...word].findIndex((c, i) => i > 0 && c === word[i - 1]);
  const at = doubled > 0 ? doubled : r.int(1, word.length - 2);
  return word.slice(0, at) + word.slice(at + 1);
}

/** "Schmidt" → "Schmdit": two neighbouring letters after the first swapped. */
function swapLetters(r: Random, word: string): string {
  if (word.length < 4) return word;
  for (let attempt = 0; attempt < 5; attempt++) {
    const at = r.int(1, word.length - 2);
    const a = word.charAt(at);
    const b = word.charAt(at + 1);
    if (a !== b && /\p{L}/u.test(a) && /\p{L}/u.test(b)) return word.slice(0, at) + b + a + word.slice(at + 2);
  }
  return word;
}

/** The same number written differently ("+49 171 2345678" ↔ "0171/2345678", "+41 …" ↔ "0041 …"). */
function otherPhoneFormat(phone: PhoneValue): PhoneValue {
  const cc = phone.e164.slice(1, 3);
  const national = phone.e164.slice(3);
  const international = phone.number.startsWith('+');
  let number: string;
  if (cc === '49') {
    number = international
      ? `0${national.slice(0, 3)}/${national.slice(3)}`
      : `+49 ${national.slice(0, 3)} ${national.slice(3, -2)} ${national.slice(-2)}`;
  } else {
    number = international ? `00${cc} ${national}` : `+${cc} ${national}`;
  }
  return { number, e164: phone.e164, kind: phone.kind };
}

function duplicatePerson(
  gen: Generator,
  original: GeneratedPerson,
  workEmail: string | null,
): { person: GeneratedPerson; variation: string } {
  const r = gen.random;
  const first = original.firstName;
  const last = original.lastName;
  const family = SPELLING_FAMILIES.find((names) => names.includes(last));
  const options: string[] = ['dropped letter', 'swapped letters'];
  if (first) options.push('first and last name swapped');
  if (hasUmlaut(first) || hasUmlaut(last)) options.push('umlauts spelled out', 'umlauts spelled out');
  if (family) options.push('spelling variant', 'spelling variant');
  if (original.emails.length > 0 || workEmail) options.push('same email, initial only', 'same email, initial only');
  if (original.phones.length > 0) options.push('same phone, other format', 'same phone, other format');
  let variation = r.pick(options);
  let firstName = first;
  let lastName = last;
  let emails: EmailValue[] = [];
  let phones: PhoneValue[] = [];
  let title = original.title;
  switch (variation) {
    case 'dropped letter':
      if (first && first.length >= 4 && r.chance(0.5)) firstName = dropLetter(r, first);
      else lastName = dropLetter(r, last);
      break;
    case 'swapped letters':
      lastName = swapLetters(r, last);
      break;
    case 'first and last name swapped':
      firstName = last;
      lastName = first as string;
      break;
    case 'umlauts spelled out':
      firstName = first && spellOutUmlauts(first);
      lastName = spellOutUmlauts(last);
      break;
    case 'spelling variant':
      lastName = r.pick((family ?? [last]).filter((name) => name !== last));
      break;
    case 'same email, initial only': {
      firstName = first ? `${first.charAt(0)}.` : null;
      const address = original.emails[0]?.address ?? (workEmail as string);
      emails = [{ address, kind: original.emails[0]?.kind ?? 'work' }];
      title = title ?? (r.chance(0.3) ? 'Dr.' : null);
      // Realistic too: the address is known only from the person's business contact.
      if (original.emails.length === 0) variation = 'same email as her/his business contact, initial only';
      break;
    }
    case 'same phone, other format':
      phones = [otherPhoneFormat(original.phones[0] as PhoneValue)];
      if (hasUmlaut(last)) lastName = spellOutUmlauts(last);
      break;
  }
  return {
    person: {
      id: gen.ids.next(),
      title,
      firstName,
      lastName,
      emails,
      phones,
      addresses: r.chance(0.5) ? original.addresses.map((a) => ({ ...a })) : [],
      birthday: null,
      language: null,
      ownerId: gen.owner(),
    },
    variation,
  };
}

function duplicateOrganization(gen: Generator, facts: OrgFacts): { org: GeneratedOrganization; variation: string } {
  const r = gen.random;
  const original = facts.org;
  const core = withoutLegalForm(original.name, facts.form);
  const options = ['dropped letter', 'swapped letters'];
  if (facts.form !== '') options.push('legal form dropped', 'legal form dropped');
  if (hasUmlaut(original.name)) options.push('umlauts spelled out', 'umlauts spelled out');
  if (original.name.includes(' & ')) options.push('"&" written "und"');
  if (original.vatId) options.push('same VAT id, other name');
  options.push('same email, other name', 'same phone, other format');
  const variation = r.pick(options);
  const words = core.split(' ');
  const longest = words.reduce((best, word, index) => (word.length > (words[best] as string).length ? index : best), 0);
  const changeWord = (change: (word: string) => string) =>
    words.map((word, index) => (index === longest ? change(word) : word)).join(' ');
  let name = original.name;
  let emails: EmailValue[] = [];
  let phones: PhoneValue[] = [];
  let vatId: string | null = null;
  const shortName = () =>
    (words.length > 1 ? (words.find((w) => LAST_NAMES.includes(w)) ?? words.at(-1)) : core) as string;
  switch (variation) {
    case 'legal form dropped':
      name = core;
      break;
    case 'umlauts spelled out':
      name = spellOutUmlauts(original.name);
      break;
    case 'dropped letter':
      name = `${changeWord((word) => dropLetter(r, word))}${facts.form ? ` ${facts.form}` : ''}`;
      break;
    case 'swapped letters':
      name = `${changeWord((word) => swapLetters(r, word))}${facts.form ? ` ${facts.form}` : ''}`;
      break;
    case '"&" written "und"':
      name = original.name.replace(' & ', ' und ');
      break;
    case 'same VAT id, other name':
      name = `${shortName()} ${original.industry ?? ''}`.trim();
      vatId = original.vatId;
      break;
    case 'same email, other name':
      name = shortName();
      emails = [{ ...(original.emails[0] as EmailValue) }];
      break;
    case 'same phone, other format':
      name = core;
      phones = [otherPhoneFormat(original.phones[0] as PhoneValue)];
      break;
  }
  return {
    org: {
      id: gen.ids.next(),
      name,
      emails,
      phones,
      addresses: r.chance(0.6) ? original.addresses.map((a) => ({ ...a })) : [],
      vatId,
      industry: r.chance(0.5) ? original.industry : null,
      employeeCount: null,
      revenue: null,
      website: null,
      ownerId: gen.owner(),
    },
    variation,
  };
}

/** Organizations, persons (most employed by one organization, some by two) and planted duplicates. */
export function generateContacts(options: GenerateOptions): ContactsData {
  const gen = new Generator(options);
  const r = gen.random;
  const rate = options.duplicateRate ?? 0.02;
  const orgDuplicates = options.organizations > 1 ? Math.round(options.organizations * rate) : 0;
  const personDuplicates = options.persons > 1 ? Math.round(options.persons * rate) : 0;
  const orgFacts: OrgFacts[] = [];
  for (let i = 0; i < options.organizations - orgDuplicates; i++) orgFacts.push(organization(gen));

  const persons: PersonFacts[] = [];
  const businessContacts: GeneratedBusinessContact[] = [];
  const workEmailOf = new Map<string, string>();
  // Bigger organizations have more contacts: a skewed pick over the organizations.
  const pickOrg = () => orgFacts[Math.floor(orgFacts.length * r.next() ** 1.6)] as OrgFacts;
  for (let i = 0; i < options.persons - personDuplicates; i++) {
    const employed = orgFacts.length > 0 && r.chance(0.92);
    const at = employed ? pickOrg() : undefined;
    const facts = person(gen, at?.city ?? CITY_PICKER.pick(r));
    persons.push(facts);
    if (!at) continue;
    const primary = employ(gen, facts, at, true, businessContacts.length + 1);
    businessContacts.push(primary);
    if (primary.email) workEmailOf.set(facts.person.id, primary.email);
    if (orgFacts.length > 1 && r.chance(0.1)) {
      let second = pickOrg();
      for (let attempt = 0; attempt < 5 && second === at; attempt++) second = pickOrg();
      if (second !== at) businessContacts.push(employ(gen, facts, second, false, businessContacts.length + 1));
    }
  }

  const duplicates: PlantedDuplicate[] = [];
  const organizations = orgFacts.map((facts) => facts.org);
  const originals = (count: number, total: number) => {
    // Distinct originals, spread over the list.
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, total)) chosen.add(r.int(0, total - 1));
    return [...chosen];
  };
  for (const index of originals(orgDuplicates, orgFacts.length)) {
    const facts = orgFacts[index] as OrgFacts;
    const { org, variation } = duplicateOrganization(gen, facts);
    organizations.push(org);
    duplicates.push({ type: 'organization', id: org.id, originalId: facts.org.id, variation });
  }
  const personList = persons.map((facts) => facts.person);
  for (const index of originals(personDuplicates, persons.length)) {
    const original = (persons[index] as PersonFacts).person;
    const { person: copy, variation } = duplicatePerson(gen, original, workEmailOf.get(original.id) ?? null);
    personList.push(copy);
    duplicates.push({ type: 'person', id: copy.id, originalId: original.id, variation });
  }
  return { organizations, persons: personList, businessContacts, duplicates };
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------
//
// Search documents and history snapshots come from the contacts service's own builders, so the
// generated rows are exactly what the API would have written.
const personSearchDocument = (p: GeneratedPerson) => personDocument(p);
const organizationSearchDocument = (o: GeneratedOrganization) => organizationDocument(o);
const businessContactSearchDocument = (c: GeneratedBusinessContact, p: GeneratedPerson, o: GeneratedOrganization) =>
  businessContactDocument(c, p, o);
const businessContactHistory = (c: GeneratedBusinessContact) =>
  businessContactSnapshot({ ...c, person: { id: c.personId }, organization: { id: c.organizationId } });

/** A field of a bulk insert's rows: its name, PostgreSQL type, and whether it is only read by `extra`. */
type Column = readonly [name: string, type: string, inputOnly?: true];

/**
 * One INSERT of many rows: the rows travel as one JSON array (keys = column names) and are
 * expanded by jsonb_to_recordset, so a batch is one short statement with one parameter instead
 * of thousands of literals to quote and parse. `extra` are columns computed in SQL from the row `r`.
 */
function bulkInsert(table: string, columns: readonly Column[], extra: Record<string, string> = {}): string {
  const stored = columns.filter(([, , inputOnly]) => !inputOnly);
  const names = [...stored.map(([name]) => name), ...Object.keys(extra)];
  const values = [...stored.map(([name]) => `r.${name}`), ...Object.values(extra)];
  return `insert into ${table} (tenant_id, ${names.join(', ')})
          select ?::uuid, ${values.join(', ')}
            from jsonb_to_recordset(convert_from(?::bytea, 'UTF8')::jsonb) as r(${columns.map(([name, type]) => `${name} ${type}`).join(', ')})`;
}

const ORGANIZATION_INSERT = bulkInsert('organization', [
  ['id', 'uuid'],
  ['name', 'text'],
  ['emails', 'jsonb'],
  ['phones', 'jsonb'],
  ['addresses', 'jsonb'],
  ['vat_id', 'text'],
  ['industry', 'text'],
  ['employee_count', 'integer'],
  ['revenue', 'numeric'],
  ['website', 'text'],
  ['owner_id', 'uuid'],
  ['created_by', 'uuid'],
  ['updated_by', 'uuid'],
]);

const PERSON_INSERT = bulkInsert('person', [
  ['id', 'uuid'],
  ['title', 'text'],
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['emails', 'jsonb'],
  ['phones', 'jsonb'],
  ['addresses', 'jsonb'],
  ['birthday', 'date'],
  ['language', 'text'],
  ['owner_id', 'uuid'],
  ['created_by', 'uuid'],
  ['updated_by', 'uuid'],
]);

const BUSINESS_CONTACT_INSERT = bulkInsert('business_contact', [
  ['id', 'uuid'],
  ['person_id', 'uuid'],
  ['organization_id', 'uuid'],
  ['email', 'text'],
  ['phone', 'text'],
  ['phone_e164', 'text'],
  ['position', 'text'],
  ['department', 'text'],
  ['employee_number', 'text'],
  ['is_primary', 'boolean'],
  ['created_by', 'uuid'],
  ['updated_by', 'uuid'],
]);

// The body and the search keys as indexRecord (records/search-index.ts) computes them.
const SEARCH_DOCUMENT_INSERT = `with written as (${bulkInsert(
  'search_document',
  [
    ['record_type', 'text'],
    ['record_id', 'uuid'],
    ['title', 'text'],
    ['subtitle', 'text'],
    ['normalized', 'text'],
    ['phonetic', 'text[]'],
    ['emails', 'text[]'],
    ['phones', 'text[]'],
    ['postal_codes', 'text[]'],
    ['vat_id', 'text'],
    ['body_text', 'text', true],
  ],
  {
    body: "setweight(to_tsvector('simple', r.normalized), 'A') || setweight(to_tsvector('simple', r.body_text), 'C')",
    updated_at: 'now()',
  },
)}
  returning tenant_id, record_type, record_id, emails, phones), ${searchKeysOf('written')}`;

const HISTORY_INSERT = bulkInsert(
  'history',
  [
    ['id', 'uuid'],
    ['record_type', 'text'],
    ['record_id', 'uuid'],
    ['change_id', 'uuid'],
    ['after', 'jsonb'],
    ['changed_by', 'uuid'],
  ],
  { action: "'create'" },
);

const searchRow = (doc: SearchDocument) => ({
  record_type: doc.type,
  record_id: doc.id,
  title: doc.title,
  subtitle: doc.subtitle,
  normalized: doc.normalized,
  phonetic: doc.phonetic,
  emails: doc.emails,
  phones: doc.phones,
  postal_codes: doc.postalCodes,
  vat_id: doc.vatId,
  body_text: doc.body,
});

export interface WriteOptions {
  /** Records per INSERT and transaction; default 1000. */
  batchSize?: number;
  /** Batches written at once (each in its own transaction and connection); default 1. */
  concurrency?: number;
  /** created_by, updated_by and the history's changed_by; default each record's owner. */
  userId?: string | null;
}

export interface WriteResult {
  organizations: number;
  persons: number;
  businessContacts: number;
  ms: number;
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  concurrency: number,
  write: (batch: readonly T[]) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const batch = items.slice(next, next + size);
      next += size;
      await write(batch);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/**
 * Writes the data set into a tenant as that tenant (role crm_app, app.tenant_id): the records,
 * their search documents and a 'create' history row each, one transaction per batch.
 */
export async function writeContacts(
  em: EntityManager,
  tenantId: string,
  data: ContactsData,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const started = performance.now();
  const size = options.batchSize ?? 1000;
  const concurrency = options.concurrency ?? 1;
  const by = (ownerId: string | null) => (options.userId === undefined ? ownerId : options.userId);
  // The rows go as bytes: the driver inlines parameters, and bytes are quoted as one hex
  // literal, where a string would be escaped character by character.
  const insert = (tx: EntityManager, sql: string, rows: readonly object[]) =>
    tx.getConnection().execute(sql, [tenantId, Buffer.from(JSON.stringify(rows))], 'run', tx.getTransactionContext());
  const history = (type: string, id: string, after: unknown, changedBy: string | null) => ({
    id: newId(),
    record_type: type,
    record_id: id,
    change_id: newId(),
    after,
    changed_by: changedBy,
  });

  await inBatches(data.organizations, size, concurrency, (batch) =>
    inTenantTransaction(em, tenantId, async (tx) => {
      await insert(
        tx,
        ORGANIZATION_INSERT,
        batch.map((o) => ({
          id: o.id,
          name: o.name,
          emails: o.emails,
          phones: o.phones,
          addresses: o.addresses,
          vat_id: o.vatId,
          industry: o.industry,
          employee_count: o.employeeCount,
          revenue: o.revenue,
          website: o.website,
          owner_id: o.ownerId,
          created_by: by(o.ownerId),
          updated_by: by(o.ownerId),
        })),
      );
      await insert(
        tx,
        SEARCH_DOCUMENT_INSERT,
        batch.map((o) => searchRow(organizationSearchDocument(o))),
      );
      await insert(
        tx,
        HISTORY_INSERT,
        batch.map((o) => history('organization', o.id, organizationSnapshot(o), by(o.ownerId))),
      );
    }),
  );

  await inBatches(data.persons, size, concurrency, (batch) =>
    inTenantTransaction(em, tenantId, async (tx) => {
      await insert(
        tx,
        PERSON_INSERT,
        batch.map((p) => ({
          id: p.id,
          title: p.title,
          first_name: p.firstName,
          last_name: p.lastName,
          emails: p.emails,
          phones: p.phones,
          addresses: p.addresses,
          birthday: p.birthday,
          language: p.language,
          owner_id: p.ownerId,
          created_by: by(p.ownerId),
          updated_by: by(p.ownerId),
        })),
      );
      await insert(
        tx,
        SEARCH_DOCUMENT_INSERT,
        batch.map((p) => searchRow(personSearchDocument(p))),
      );
      await insert(
        tx,
        HISTORY_INSERT,
        batch.map((p) => history('person', p.id, personSnapshot(p), by(p.ownerId))),
      );
    }),
  );

  const personsById = new Map(data.persons.map((p) => [p.id, p]));
  const organizationsById = new Map(data.organizations.map((o) => [o.id, o]));
  await inBatches(data.businessContacts, size, concurrency, (batch) =>
    inTenantTransaction(em, tenantId, async (tx) => {
      const owner = (c: GeneratedBusinessContact) => by(personsById.get(c.personId)?.ownerId ?? null);
      await insert(
        tx,
        BUSINESS_CONTACT_INSERT,
        batch.map((c) => ({
          id: c.id,
          person_id: c.personId,
          organization_id: c.organizationId,
          email: c.email,
          phone: c.phone,
          phone_e164: c.phoneE164,
          position: c.position,
          department: c.department,
          employee_number: c.employeeNumber,
          is_primary: c.isPrimary,
          created_by: owner(c),
          updated_by: owner(c),
        })),
      );
      await insert(
        tx,
        SEARCH_DOCUMENT_INSERT,
        batch.map((c) =>
          searchRow(
            businessContactSearchDocument(
              c,
              personsById.get(c.personId) as GeneratedPerson,
              organizationsById.get(c.organizationId) as GeneratedOrganization,
            ),
          ),
        ),
      );
      await insert(
        tx,
        HISTORY_INSERT,
        batch.map((c) => history('business_contact', c.id, businessContactHistory(c), owner(c))),
      );
    }),
  );

  return {
    organizations: data.organizations.length,
    persons: data.persons.length,
    businessContacts: data.businessContacts.length,
    ms: performance.now() - started,
  };
}

// ---------------------------------------------------------------------------------------------
// The demo for `npm start`
// ---------------------------------------------------------------------------------------------

/** Contoso GmbH of the emulator's seed (tests/m365-emulator/seed.json). */
export const CONTOSO_TENANT_ID = '2915dd98-a414-4355-95ee-b9051f65d6d7';

/**
 * Contoso's customers for `npm start`: 200 organizations and 800 persons with business contacts
 * and a few planted duplicates, owned by Contoso's users. Once: skipped when Contoso has persons
 * already (or is not set up). Returns what it wrote, or null when it skipped.
 */
export async function seedContactsDemo(
  orm: MikroORM,
  options: { tenantId?: string; organizations?: number; persons?: number } = {},
): Promise<WriteResult | null> {
  const tenantId = options.tenantId ?? CONTOSO_TENANT_ID;
  const em = orm.em as EntityManager;
  const state = await inTenantTransaction(em, tenantId, async (tx) => {
    const anyPerson = await db(tx)
      .selectFrom('person')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .limit(1)
      .execute();
    const users = await db(tx)
      .selectFrom('app_user')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('active', '=', true)
      .orderBy('email')
      .execute();
    return { hasPersons: anyPerson.length > 0, ownerIds: users.map((user) => user.id) };
  });
  if (state.hasPersons || state.ownerIds.length === 0) return null;
  const data = generateContacts({
    seed: 'contoso-demo',
    idSalt: tenantId,
    organizations: options.organizations ?? 200,
    persons: options.persons ?? 800,
    duplicateRate: 0.01,
    ownerIds: state.ownerIds,
  });
  return writeContacts(em, tenantId, data);
}
