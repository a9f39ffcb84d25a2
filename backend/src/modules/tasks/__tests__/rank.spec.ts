import { describe, expect, it } from '@jest/globals';
import { isRank, rankBetween } from '../rank.ts';
import { canonicalTimeZone, durationMs } from '../task-time.ts';

describe('fractional ranks', () => {
  it('finds a short rank strictly between any two, and beyond either end', () => {
    expect(rankBetween(null, null)).toBe('i');
    expect(rankBetween('a', 'b')).toBe('ai');
    expect(rankBetween('a', 'a1')).toBe('a0i');
    expect(rankBetween('zz', null)).toBe('zzi');
    expect(rankBetween(null, '01')).toBe('00i');
    expect(() => rankBetween('b', 'a')).toThrow();
  });

  it('keeps a list in order through thousands of insertions anywhere, never ending a rank in 0', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const ranks = ['m'];
    for (let step = 0; step < 3000; step += 1) {
      const at = Math.floor(random() * (ranks.length + 1));
      const rank = rankBetween(ranks[at - 1] ?? null, ranks[at] ?? null);
      ranks.splice(at, 0, rank);
    }
    expect(ranks.every(isRank)).toBe(true);
    expect([...ranks].sort()).toEqual(ranks);
    expect(new Set(ranks).size).toBe(ranks.length);
  });
});

describe('time zones and reminder offsets', () => {
  it('knows IANA zones in any case, and nothing else', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('CET+1')).toBeNull();
    expect(canonicalTimeZone('Europe/Atlantis')).toBeNull();
    expect(canonicalTimeZone('+01:00')).toBeNull();
  });

  it('reads ISO 8601 durations of weeks, days, hours, minutes and seconds', () => {
    expect(durationMs('PT15M')).toBe(15 * 60_000);
    expect(durationMs('P1DT2H')).toBe(26 * 3_600_000);
    expect(durationMs('P1W')).toBe(7 * 24 * 3_600_000);
    for (const bad of ['P', 'PT', '15M', 'P1M', 'PT-5M', 'P1Y']) expect(durationMs(bad)).toBeNull();
  });
});
