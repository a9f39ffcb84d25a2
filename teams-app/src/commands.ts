// What a user writes to the bot, understood in German or English, whatever the case, with a typo or two.
export type Command =
  | { kind: 'myTasks' | 'today' | 'overdue' | 'help' }
  | { kind: 'search'; text: string }
  | { kind: 'unknown'; text: string };

type Fixed = 'myTasks' | 'today' | 'overdue' | 'help';

const PHRASES: [string, Fixed][] = [
  ['meine aufgaben', 'myTasks'],
  ['aufgaben', 'myTasks'],
  ['my tasks', 'myTasks'],
  ['tasks', 'myTasks'],
  ['heute', 'today'],
  ['today', 'today'],
  ['ueberfaellig', 'overdue'],
  ['overdue', 'overdue'],
  ['hilfe', 'help'],
  ['help', 'help'],
  ['?', 'help'],
];
const SEARCH_WORDS = ['suche', 'suchen', 'search', 'find', 'finde'];

/** Lower case, umlauts spelled out, no mention of the bot, single spaces. */
function normalize(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}?]+/gu, ' ')
    .trim();
}

/** Edits (insert, delete, substitute, swap two neighbours) between a and b. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const previous = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** Typos forgiven: one in a short word, two from eight letters on. */
const close = (typed: string, phrase: string) =>
  editDistance(typed, phrase) <= (phrase.length >= 8 ? 2 : phrase.length >= 4 ? 1 : 0);

export function parseCommand(raw: string): Command {
  const text = normalize(raw);
  const [first = '', ...rest] = text.split(' ');
  if (SEARCH_WORDS.some((word) => close(first, word))) {
    // The search text as written (case and umlauts kept), after the command word.
    const original = raw.replace(/<at>[^<]*<\/at>/gi, ' ').trim();
    const query = original.slice(original.search(/\s|$/)).trim();
    return { kind: 'search', text: rest.length > 0 ? query : '' };
  }
  for (const [phrase, kind] of PHRASES) if (close(text, phrase)) return { kind };
  return { kind: 'unknown', text: raw.trim() };
}
