// Ranks order a list (a person's tasks, a board column) by text keys compared byte-wise (the
// columns are collate "C"). An item placed between two others gets a key between theirs, so
// nothing else is written. The keys are fractional-indexing's (base 62, an integer part whose
// head letter says its length, then a fraction): appends and prepends stay short by themselves,
// but drop after drop into one gap lengthens the keys there. A key that would pass
// RANK_MAX_LENGTH therefore respaces a window of neighbours first, widening it until the new keys
// are short again: rare (about a hundred drops into one gap between two respacings), and the
// window is as small as the keys around the gap allow.
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

/** No key the backend writes is longer (unless neighbours are locked by another writer, see placeBetween). */
export const RANK_MAX_LENGTH = 32;

/** A respacing gives keys at most this long, so that a respaced gap takes many drops before the next. */
const RESPACED_MAX_LENGTH = 16;

/** The first key of an empty list. */
export const FIRST_RANK = 'a0';

const KEY_SHAPE = /^[A-Za-z][0-9A-Za-z]*$/;

/** Runs the library, whose errors (malformed keys, no room) become RangeErrors. */
function generated<T>(generate: () => T): T {
  try {
    return generate();
  } catch (error) {
    throw new RangeError(error instanceof Error ? error.message : String(error));
  }
}

function requireOrder(before: string | null, after: string | null): void {
  for (const key of [before, after]) {
    if (key !== null && !KEY_SHAPE.test(key)) throw new RangeError(`not a rank: ${key}`);
  }
  // The library would swap bounds given the wrong way round; for us that is a caller's bug.
  if (before !== null && after !== null && before >= after) {
    throw new RangeError(`ranks out of order: ${before} is not before ${after}`);
  }
}

/** Whether a string is a well-formed key. */
export function isRank(key: string): boolean {
  if (!KEY_SHAPE.test(key)) return false;
  try {
    generateKeyBetween(key, null);
    return true;
  } catch {
    return false;
  }
}

/** A key strictly between `before` and `after` (null: that end of the list is open). */
export function rankBetween(before: string | null, after: string | null): string {
  requireOrder(before, after);
  return generated(() => generateKeyBetween(before, after));
}

/** `count` keys in order, strictly between `before` and `after` (null: open end), as short as they come. */
export function ranksBetween(before: string | null, after: string | null, count: number): string[] {
  requireOrder(before, after);
  return generated(() => generateNKeysBetween(before, after, count));
}

// ---- placing into a stored list ---------------------------------------------------------------

/** An item of a stored list as a respacing reads it. */
export interface RankedItem {
  id: string;
  rank: string;
  /** This transaction holds the item's row, so it may get a new key; others stay where they are. */
  locked: boolean;
}

/** What a stored list lends to placement when a gap is too narrow for a short key. */
export interface RankedList {
  /**
   * Up to `limit` items at or below `rank` (side 'below', nearest first) or at or above it
   * ('above', nearest first), the placed item itself left out; each row it can take without
   * waiting is locked for the transaction.
   */
  neighbours(side: 'below' | 'above', rank: string, limit: number): Promise<RankedItem[]>;
  /** Gives locked items new keys, leaving everything else about them (version, history) as it is. */
  respace(items: readonly { id: string; rank: string }[]): Promise<void>;
}

/** The items on each side of a gap, nearest first, and whether the list ends beyond them. */
export interface RespaceWindow {
  below: readonly RankedItem[];
  above: readonly RankedItem[];
  belowIsAll: boolean;
  aboveIsAll: boolean;
}

export interface Respacing {
  /** The key of the placed item. */
  rank: string;
  /** New keys for neighbours, in list order. */
  respaced: { id: string; rank: string }[];
}

/** How many items of one side may be respaced: up to the first one held by someone else, keeping a bound in view. */
function reach(items: readonly RankedItem[], isAll: boolean): { reach: number; widening: boolean } {
  let movable = 0;
  while (movable < items.length && (items[movable] as RankedItem).locked) movable += 1;
  if (movable < items.length) return { reach: movable, widening: false };
  // Every item read may move: the list's end is the bound, or the farthest item read is.
  return isAll ? { reach: movable, widening: false } : { reach: Math.max(0, movable - 1), widening: true };
}

/** Of two lower bounds (null: the list's start), the tighter. */
const greatest = (a: string | null, b: string | null) => (a === null ? b : b === null || a > b ? a : b);

/** Of two upper bounds (null: the list's end), the tighter. */
const least = (a: string | null, b: string | null) => (a === null ? b : b === null || a < b ? a : b);

/**
 * Keys for the `i` nearest items below the gap, the placed item and the `j` nearest above,
 * between the items beyond them; none equal to a key one of those rows holds now (a unique index
 * checks each row as it is written) or to one in `avoid`.
 */
function respacing(window: RespaceWindow, i: number, j: number, avoid: readonly string[]): Respacing {
  const low = window.below[i]?.rank ?? null;
  const high = window.above[j]?.rank ?? null;
  const moved = [...window.below.slice(0, i).reverse(), undefined, ...window.above.slice(0, j)];
  const keys = ranksBetween(low, high, moved.length);
  const taken = [...new Set([...avoid, ...moved.flatMap((item) => (item ? [item.rank] : []))])].sort();
  const isTaken = new Set(taken);
  for (let at = 0; at < keys.length; at += 1) {
    const key = keys[at] as string;
    if (!isTaken.has(key)) continue;
    // Just below or just above the taken key, whichever is shorter, with no key or taken key between.
    const floor = greatest(keys[at - 1] ?? low, taken.findLast((other) => other < key) ?? null);
    const ceiling = least(keys[at + 1] ?? high, taken.find((other) => other > key) ?? null);
    const down = rankBetween(floor, key);
    const up = rankBetween(key, ceiling);
    keys[at] = up.length < down.length ? up : down;
  }
  return {
    rank: keys[i] as string,
    respaced: moved.flatMap((item, at) => (item ? [{ id: item.id, rank: keys[at] as string }] : [])),
  };
}

const longest = (plan: Respacing) => Math.max(plan.rank.length, ...plan.respaced.map((item) => item.rank.length));

/**
 * Respaces the smallest window around a gap whose new keys are all short, trying 1, 2, 4, …
 * items on each side. Undefined: the items read do not suffice, read more. Neighbours held by
 * another transaction bound the window; if they leave no short key, the best key there is.
 */
export function planRespacing(window: RespaceWindow, avoid: readonly string[] = []): Respacing | undefined {
  const below = reach(window.below, window.belowIsAll);
  const above = reach(window.above, window.aboveIsAll);
  let i = Math.min(1, below.reach);
  let j = Math.min(1, above.reach);
  for (;;) {
    const plan = respacing(window, i, j, avoid);
    if (longest(plan) <= RESPACED_MAX_LENGTH) return plan;
    // Widen on the side whose bound is the longer key: that is where the keys are crowded.
    const crowdedBelow = (window.below[i]?.rank.length ?? 0) >= (window.above[j]?.rank.length ?? 0);
    const side = (crowdedBelow && i < below.reach) || j === above.reach ? 'below' : 'above';
    if (side === 'below' && i < below.reach) i = Math.min(2 * i || 1, below.reach);
    else if (side === 'above' && j < above.reach) j = Math.min(2 * j || 1, above.reach);
    else if (below.widening || above.widening) return undefined;
    else return longest(plan) <= RANK_MAX_LENGTH ? plan : respacing(window, 0, 0, avoid);
  }
}

/** Items read per side at first when a gap must be respaced; four times as many each further round. */
const FIRST_WINDOW = 16;

/**
 * The key for an item placed between the items ranked `below` and `above` (null: the list's
 * start or end) in a stored list. Almost always the key between the two, at no cost; when that
 * key would be too long, neighbours get new keys in the same transaction first. `avoid`: keys
 * that must stay free, such as the placed item's own while it is still in the list.
 */
export async function placeBetween(
  list: RankedList,
  below: string | null,
  above: string | null,
  avoid: readonly string[] = [],
): Promise<string> {
  const key = rankBetween(below, above);
  if (key.length <= RANK_MAX_LENGTH) return key;
  for (let limit = FIRST_WINDOW; ; limit *= 4) {
    const [under, over] = [
      below === null ? [] : await list.neighbours('below', below, limit),
      above === null ? [] : await list.neighbours('above', above, limit),
    ];
    const plan = planRespacing(
      { below: under, above: over, belowIsAll: under.length < limit, aboveIsAll: over.length < limit },
      avoid,
    );
    if (plan) {
      if (plan.respaced.length > 0) await list.respace(plan.respaced);
      return plan.rank;
    }
  }
}
