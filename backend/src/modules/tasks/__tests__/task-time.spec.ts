import { describe, expect, it } from '@jest/globals';
import { canonicalTimeZone, durationMs } from '../task-time.ts';

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
