import { describe, expect, it } from '@jest/globals';
import {
  FIRST_RANK,
  isRank,
  placeBetween,
  planRespacing,
  RANK_MAX_LENGTH,
  type RankedItem,
  type RankedList,
  rankBetween,
  ranksBetween,
} from '../rank.ts';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const inOrder = (keys: readonly string[]) => keys.every((key, i) => i === 0 || (keys[i - 1] as string) < key);

/**
 * A list kept in memory the way the database keeps one: items in rank order, placement through
 * the same placeBetween the services call, respacings counted.
 */
class MemoryList implements RankedList {
  readonly items: { id: string; rank: string }[] = [];
  respacings = 0;
  respacedItems = 0;
  private placing: string | null = null;

  /** The index of the first item ranked above `rank`. */
  private after(rank: string): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.items[middle] as { rank: string }).rank <= rank) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  async neighbours(side: 'below' | 'above', rank: string, limit: number): Promise<RankedItem[]> {
    const found: RankedItem[] = [];
    const from = side === 'below' ? this.after(rank) - 1 : this.after(rank) - (this.has(rank) ? 1 : 0);
    const step = side === 'below' ? -1 : 1;
    for (let at = from; at >= 0 && at < this.items.length && found.length < limit; at += step) {
      const item = this.items[at] as { id: string; rank: string };
      if (item.id !== this.placing) found.push({ ...item, locked: true });
    }
    return found;
  }

  private has(rank: string): boolean {
    const at = this.after(rank) - 1;
    return at >= 0 && this.items[at]?.rank === rank;
  }

  async respace(items: readonly { id: string; rank: string }[]): Promise<void> {
    this.respacings += 1;
    this.respacedItems += items.length;
    const next = new Map(items.map((item) => [item.id, item.rank]));
    for (const item of this.items) item.rank = next.get(item.id) ?? item.rank;
  }

  /** Puts an item (new, or taken out first) into the gap before index `at`; its rank. */
  async place(id: string, at: number): Promise<string> {
    this.placing = id;
    const rank = await placeBetween(this, this.items[at - 1]?.rank ?? null, this.items[at]?.rank ?? null);
    this.placing = null;
    this.items.splice(at, 0, { id, rank });
    return rank;
  }

  take(at: number): { id: string; rank: string } {
    return this.items.splice(at, 1)[0] as { id: string; rank: string };
  }

  longest(): number {
    return Math.max(...this.items.map((item) => item.rank.length));
  }

  ids(): string[] {
    return this.items.map((item) => item.id);
  }
}

describe('ranks', () => {
  it('makes a key between any two neighbours, wherever items are dropped', () => {
    for (const seed of [1, 7, 42, 2026]) {
      const next = random(seed);
      const keys: string[] = [];
      for (let i = 0; i < 2000; i++) {
        const at = Math.floor(next() * (keys.length + 1));
        const key = rankBetween(keys[at - 1] ?? null, keys[at] ?? null);
        expect(isRank(key)).toBe(true);
        keys.splice(at, 0, key);
      }
      expect(inOrder(keys)).toBe(true);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('keeps keys short when items are added at the top or the bottom again and again', () => {
    const bottom = ranksBetween(null, null, 10_000);
    expect(bottom[0]).toBe(FIRST_RANK);
    expect(inOrder(bottom)).toBe(true);
    expect(Math.max(...bottom.map((key) => key.length))).toBeLessThanOrEqual(4);
    let first = FIRST_RANK;
    for (let i = 0; i < 10_000; i++) {
      const key = rankBetween(null, first);
      expect(key < first).toBe(true);
      first = key;
    }
    expect(first.length).toBeLessThanOrEqual(4);
  });

  it('sorts as PostgreSQL does with collate "C": byte order of the ASCII digits', () => {
    const keys = ranksBetween(null, null, 200);
    expect([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(keys);
    expect(keys.every((key) => /^[A-Za-z][0-9A-Za-z]*$/.test(key))).toBe(true);
  });

  it('reads the keys the boards stored before (the same alphabet)', () => {
    // Written by the board's earlier hand-written algorithm: top, bottom, and between neighbours.
    for (const stored of ['a0', 'Zz', 'a1V', 'b10', 'a0V8']) expect(isRank(stored)).toBe(true);
    expect(rankBetween('a0', 'a1')).toBe('a0V');
    expect(rankBetween('Zz', 'a0')).toBe('ZzV');
  });

  it('refuses keys out of order and malformed keys', () => {
    expect(() => rankBetween('a5', 'a5')).toThrow(RangeError);
    expect(() => rankBetween('a6', 'a5')).toThrow(RangeError);
    expect(() => rankBetween('a50', null)).toThrow(RangeError);
    expect(() => rankBetween('!', null)).toThrow(RangeError);
    expect(() => rankBetween('a!', null)).toThrow(RangeError);
    expect(isRank('b1')).toBe(false);
    expect(isRank('m')).toBe(false);
    expect(isRank('a1V')).toBe(true);
  });

  it('respaces the fewest neighbours that leave short keys, never one held by another writer', () => {
    // Two hundred drops just after a0 (without respacing) left a run of ever longer keys above it.
    const crowded: string[] = [];
    let high = 'a1';
    for (let i = 0; i < 200; i++) {
      high = rankBetween('a0', high);
      crowded.unshift(high);
    }
    const item = (rank: string, locked = true): RankedItem => ({ id: rank, rank, locked });
    const above = crowded.map((rank) => item(rank));
    expect((above[0] as RankedItem).rank.length).toBeGreaterThan(RANK_MAX_LENGTH);
    const plan = planRespacing({ below: [item('a0')], above, belowIsAll: false, aboveIsAll: false });
    expect(plan).toBeDefined();
    const { rank, respaced } = plan as NonNullable<typeof plan>;
    expect(Math.max(rank.length, ...respaced.map((r) => r.rank.length))).toBeLessThanOrEqual(16);
    expect(respaced.length).toBeLessThan(above.length);
    // In order between the items left as they were.
    const untouched = above[respaced.length + 1] as RankedItem;
    expect(inOrder(['a0', rank, ...respaced.map((r) => r.rank), untouched.rank])).toBe(true);

    // Too few items read to find a short bound: read more.
    expect(planRespacing({ below: [item('a0')], above: above.slice(0, 3), belowIsAll: false, aboveIsAll: false })).toBe(
      undefined,
    );
    // A neighbour another transaction holds stays where it is; the rank goes below it.
    const held = [item(above[0]?.rank as string, false), ...above.slice(1)];
    const around = planRespacing({ below: [item('a0')], above: held, belowIsAll: true, aboveIsAll: false });
    expect(around?.respaced.map((r) => r.id)).not.toContain(held[0]?.id);
    const first = around?.respaced.find((r) => r.id === 'a0')?.rank ?? 'a0';
    expect(inOrder([first, around?.rank as string, held[0]?.rank as string])).toBe(true);
    expect(around?.rank.length).toBeLessThanOrEqual(RANK_MAX_LENGTH);
  });

  it('gives no neighbour a key another row holds until the same statement moves it', () => {
    const below = ranksBetween(null, null, 5)
      .reverse()
      .map((rank) => ({ id: rank, rank, locked: true }));
    // With every item respaced over an open list, the plain keys would be the old ones again.
    const plan = planRespacing({ below, above: [], belowIsAll: true, aboveIsAll: true }, ['a5']);
    const keys = [...(plan?.respaced.map((r) => r.rank) ?? []), plan?.rank as string];
    expect(inOrder(keys)).toBe(true);
    for (const old of [...below.map((b) => b.rank), 'a5']) expect(keys).not.toContain(old);
  });
});

describe('a list under any sequence of appends, prepends and moves', () => {
  const MOVES = 10_000;

  /** Moves between neighbours: into one gap again and again, after the item just moved, anywhere. */
  async function moveBetweenNeighbours(list: MemoryList, seed: number): Promise<void> {
    const next = random(seed);
    const gap = Math.floor(list.items.length / 2);
    for (let move = 0; move < MOVES; move++) {
      const pattern = Math.floor(move / 1000) % 3;
      const from = Math.floor(next() * list.items.length);
      const item = list.take(from);
      const at =
        pattern === 0
          ? gap // always just after the same item
          : pattern === 1
            ? Math.min(gap + 1, list.items.length) // just before the items moved before
            : Math.floor(next() * (list.items.length + 1));
      const rank = await list.place(item.id, at);
      expect(rank.length).toBeLessThanOrEqual(RANK_MAX_LENGTH);
    }
  }

  it('appends 100,000 tasks to one person’s order, then moves tasks between neighbours 10,000 times', async () => {
    const list = new MemoryList();
    for (let i = 0; i < 100_000; i++) await list.place(`task ${i}`, list.items.length);
    expect(list.longest()).toBeLessThanOrEqual(4);
    expect(list.respacings).toBe(0);
    const order = list.ids();
    await moveBetweenNeighbours(list, 18);

    expect(list.items).toHaveLength(100_000);
    expect(new Set(list.ids()).size).toBe(100_000);
    expect(inOrder(list.items.map((item) => item.rank))).toBe(true);
    expect(list.longest()).toBeLessThanOrEqual(RANK_MAX_LENGTH);
    expect(list.ids()).not.toEqual(order);
    // Respacing is the rare path, and a small one.
    expect(list.respacings).toBeLessThan(MOVES / 20);
    expect(list.respacedItems / MOVES).toBeLessThan(10);
  });

  it('adds 100,000 cards to the top of one board column, then moves cards between neighbours 10,000 times', async () => {
    const list = new MemoryList();
    for (let i = 0; i < 100_000; i++) await list.place(`card ${i}`, 0);
    expect(list.longest()).toBeLessThanOrEqual(4);
    await moveBetweenNeighbours(list, 2026);

    expect(list.items).toHaveLength(100_000);
    expect(inOrder(list.items.map((item) => item.rank))).toBe(true);
    expect(list.longest()).toBeLessThanOrEqual(RANK_MAX_LENGTH);
    expect(list.respacings).toBeLessThan(MOVES / 20);
  });

  it('keeps keys short when every drop lands between the same two neighbours of a short list', async () => {
    const list = new MemoryList();
    for (let i = 0; i < 3; i++) await list.place(`card ${i}`, i);
    for (let i = 0; i < 5000; i++) {
      await list.place(`dropped ${i}`, 1 + (i % 2));
      expect(list.longest()).toBeLessThanOrEqual(RANK_MAX_LENGTH);
    }
    expect(inOrder(list.items.map((item) => item.rank))).toBe(true);
  });
});
