// Fractional ranks: text keys that sort in byte order (collate "C") and between any two of which
// another key can always be made, so moving a card writes that one card, never a whole column.
//
// A key is an integer part and a fraction. The integer part is a head letter saying how many
// base-62 digits follow (a: 1, b: 2 … z: 26 upwards; Z: 1, Y: 2 … A: 26 downwards), so keys
// made by appending at either end grow by a digit only every 62^n steps. The fraction (base-62
// digits, never ending in 0) makes room between neighbours.

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;
const ZERO = DIGITS[0] as string;
const TOP = DIGITS[BASE - 1] as string;
const FIRST_KEY = 'a0';

const digitOf = (char: string): number => {
  const value = DIGITS.indexOf(char);
  if (value < 0) throw new RangeError(`not a rank digit: ${char}`);
  return value;
};

function integerLength(head: string): number {
  if (head >= 'a' && head <= 'z') return head.charCodeAt(0) - 'a'.charCodeAt(0) + 2;
  if (head >= 'A' && head <= 'Z') return 'Z'.charCodeAt(0) - head.charCodeAt(0) + 2;
  throw new RangeError(`not a rank: head ${head}`);
}

/** Splits a key into its integer part (head and digits) and fraction; throws for a malformed key. */
function split(key: string): { integer: string; fraction: string } {
  const integer = key.slice(0, integerLength(key[0] ?? ''));
  const fraction = key.slice(integer.length);
  if (integer.length < integerLength(key[0] ?? '') || fraction.endsWith(ZERO)) {
    throw new RangeError(`not a rank: ${key}`);
  }
  for (const char of key.slice(1)) digitOf(char);
  return { integer, fraction };
}

/** Whether a string is a well-formed rank. */
export function isRank(key: string): boolean {
  try {
    split(key);
    return true;
  } catch {
    return false;
  }
}

/** The next integer part, or undefined past the largest. */
function increment(integer: string): string | undefined {
  const head = integer[0] as string;
  const digits = [...integer.slice(1)];
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] !== TOP) {
      digits[i] = DIGITS[digitOf(digits[i] as string) + 1] as string;
      return head + digits.join('');
    }
    digits[i] = ZERO;
  }
  if (head === 'z') return undefined;
  const next = head === 'Z' ? 'a' : String.fromCharCode(head.charCodeAt(0) + 1);
  return next + ZERO.repeat(integerLength(next) - 1);
}

/** The previous integer part, or undefined below the smallest. */
function decrement(integer: string): string | undefined {
  const head = integer[0] as string;
  const digits = [...integer.slice(1)];
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] !== ZERO) {
      digits[i] = DIGITS[digitOf(digits[i] as string) - 1] as string;
      return head + digits.join('');
    }
    digits[i] = TOP;
  }
  if (head === 'A') return undefined;
  const previous = head === 'a' ? 'Z' : String.fromCharCode(head.charCodeAt(0) - 1);
  return previous + TOP.repeat(integerLength(previous) - 1);
}

/** A fraction strictly between two fractions (b null: 1), neither ending in 0. */
function fractionBetween(a: string, b: string | null): string {
  if (b !== null) {
    let common = 0;
    while ((a[common] ?? ZERO) === b[common]) common++;
    if (common > 0) return b.slice(0, common) + fractionBetween(a.slice(common), b.slice(common));
  }
  const low = a === '' ? 0 : digitOf(a[0] as string);
  const high = b === null ? BASE : digitOf(b[0] as string);
  if (high - low > 1) return DIGITS[Math.round((low + high) / 2)] as string;
  // Neighbouring digits: b's first digit alone is between if b goes on; else go one digit deeper.
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return (DIGITS[low] as string) + fractionBetween(a.slice(1), null);
}

/**
 * A key that sorts strictly between `before` and `after` (null: open end). Both null gives the
 * first key of an empty list.
 */
export function rankBetween(before: string | null, after: string | null): string {
  if (before !== null && after !== null && before >= after) {
    throw new RangeError(`ranks out of order: ${before} is not before ${after}`);
  }
  if (before === null && after === null) return FIRST_KEY;
  if (before === null) {
    const { integer, fraction } = split(after as string);
    if (fraction !== '') return integer;
    const previous = decrement(integer);
    if (previous === undefined) throw new RangeError('there is no rank before the smallest one');
    return previous;
  }
  const { integer, fraction } = split(before);
  if (after === null) return increment(integer) ?? integer + fractionBetween(fraction, null);
  const upper = split(after);
  if (upper.integer === integer) return integer + fractionBetween(fraction, upper.fraction);
  const next = increment(integer);
  if (next !== undefined && next < after) return next;
  return integer + fractionBetween(fraction, null);
}

/** `count` keys in order, all after `before` (null: from the start). */
export function ranksAfter(before: string | null, count: number): string[] {
  const keys: string[] = [];
  let last = before;
  for (let i = 0; i < count; i++) {
    last = rankBetween(last, null);
    keys.push(last);
  }
  return keys;
}
