import { describe, expect, it } from '@jest/globals';
import { isRank, rankBetween, ranksAfter } from '../rank.ts';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const inOrder = (keys: readonly string[]) => keys.every((key, i) => i === 0 || (keys[i - 1] as string) < key);

describe('fractional ranks', () => {
  it('makes a key between any two neighbours, wherever cards are dropped', () => {
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
      expect(Math.max(...keys.map((key) => key.length))).toBeLessThan(12);
    }
  });

  it('keeps keys short when cards are added at the top or the bottom again and again', () => {
    const bottom = ranksAfter(null, 10_000);
    expect(inOrder(bottom)).toBe(true);
    expect(Math.max(...bottom.map((key) => key.length))).toBeLessThanOrEqual(4);
    let first = rankBetween(null, null);
    for (let i = 0; i < 10_000; i++) {
      const key = rankBetween(null, first);
      expect(key < first).toBe(true);
      first = key;
    }
    expect(first.length).toBeLessThanOrEqual(4);
  });

  it('grows by about a character per six drops into the same gap', () => {
    let low = 'a0';
    const high = 'a1';
    for (let i = 0; i < 60; i++) {
      const key = rankBetween(low, high);
      expect(low < key && key < high).toBe(true);
      low = key;
    }
    expect(low.length).toBeLessThanOrEqual(16);
  });

  it('sorts as PostgreSQL does with collate "C": byte order of the ASCII digits', () => {
    const keys = ranksAfter(null, 200);
    expect([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(keys);
    expect(keys.every((key) => /^[A-Za-z][0-9A-Za-z]*$/.test(key))).toBe(true);
  });

  it('refuses keys out of order and malformed keys', () => {
    expect(() => rankBetween('a5', 'a5')).toThrow(RangeError);
    expect(() => rankBetween('a6', 'a5')).toThrow(RangeError);
    expect(() => rankBetween('a50', null)).toThrow(RangeError);
    expect(() => rankBetween('!', null)).toThrow(RangeError);
    expect(isRank('b1')).toBe(false);
    expect(isRank('a1V')).toBe(true);
  });
});
